package io.truenasgitops.truenas;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import org.jboss.logging.Logger;

/**
 * A client WebSocket (RFC 6455) over a unix domain socket, for {@code ws+unix://} URLs.
 *
 * <p>Why not Vert.x's WebSocket client: in Vert.x 4.5 it ignores {@code WebSocketConnectOptions.setServer} and
 * always dials host:port over TCP. Its HTTP client does reach a domain socket, and {@code HttpClientRequest.connect()}
 * hands over the raw socket after a {@code 101 Switching Protocols}; this class does the framing on that socket:
 * masked text frames out, text messages (fragmented or not) in, ping answered with pong, the close handshake.
 * No extension is negotiated, so compressed or otherwise reserved-bit frames are protocol errors.
 */
final class UnixWebSocket implements WireSocket {
    private static final Logger LOG = Logger.getLogger(UnixWebSocket.class);
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long CLOSE_GRACE_MILLIS = 2_000;

    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;

    private final Vertx vertx;
    private final NetSocket socket;
    private final String where;
    private final long maxMessageBytes;
    private final Promise<Void> closed = Promise.promise();

    private Buffer pending = Buffer.buffer();
    /** The opcode of the fragmented message being assembled (TEXT or BINARY), or -1. */
    private int fragmentedOpcode = -1;
    private Buffer message;
    private boolean closeSent;
    private boolean gone;
    private Short closeStatusCode;
    private String closeReason;
    private long closeTimer = -1;
    private Handler<String> textHandler = t -> { };
    private Handler<Void> closeHandler = v -> { };
    private Handler<Throwable> exceptionHandler = e -> { };

    private UnixWebSocket(Vertx vertx, NetSocket socket, String where, long maxMessageBytes) {
        this.vertx = vertx;
        this.socket = socket;
        this.where = where;
        this.maxMessageBytes = maxMessageBytes;
        socket.handler(this::onData);
        socket.closeHandler(v -> onSocketClosed());
        socket.exceptionHandler(e -> exceptionHandler.handle(e));
    }

    /**
     * Opens a WebSocket at {@code path} through the unix socket {@code socketPath}; call on the Vert.x context that
     * is to run the handlers.
     *
     * @param http a client of the same Vert.x (with the native transport) used for the upgrade request
     * @param timeoutMillis how long connecting and the upgrade answer may take
     * @param maxMessageBytes the largest message accepted from the server (a larger one closes with 1009)
     */
    static Future<WireSocket> open(Vertx vertx, HttpClient http, String socketPath, String path, long timeoutMillis,
            long maxMessageBytes) {
        String where = "ws+unix://" + socketPath;
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        RequestOptions request = new RequestOptions()
                .setServer(SocketAddress.domainSocketAddress(socketPath))
                // The middleware ignores the host; like the official client, name a dummy one.
                .setHost("localhost")
                .setPort(80)
                .setMethod(HttpMethod.GET)
                .setURI(path)
                .setFollowRedirects(false)
                .setConnectTimeout(timeoutMillis)
                .putHeader("Upgrade", "websocket")
                .putHeader("Connection", "Upgrade")
                .putHeader("Sec-WebSocket-Key", key)
                .putHeader("Sec-WebSocket-Version", "13");
        Promise<WireSocket> result = Promise.promise();
        HttpClientRequest[] sent = new HttpClientRequest[1];
        long timer = vertx.setTimer(Math.max(1, timeoutMillis), t -> {
            if (result.tryFail(new ConnectionLostException("no answer to the WebSocket upgrade from " + where
                    + " within " + timeoutMillis + " ms")) && sent[0] != null) {
                sent[0].reset(); // gives the connection up instead of leaving it to a server that never answers
            }
        });
        http.request(request)
                .compose(req -> {
                    sent[0] = req;
                    // After the upgrade the request stays open for the socket's life; its end (the connection
                    // closing) is reported through the socket's close handler, not as an unhandled error.
                    req.exceptionHandler(e -> LOG.debugf("upgrade request to %s: %s", where, e.getMessage()));
                    return req.connect();
                })
                .onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    if (ar.failed()) {
                        result.tryFail(ar.cause());
                        return;
                    }
                    HttpClientResponse response = ar.result();
                    if (response.statusCode() != 101) {
                        int status = response.statusCode();
                        response.body().onComplete(body -> result.tryFail(new UpgradeRejectedException(
                                "WebSocket upgrade failure: " + status, status, response.headers(),
                                body.succeeded() ? body.result() : Buffer.buffer())));
                        return;
                    }
                    // Handlers go on the raw socket right away, before the event loop can deliver a byte.
                    NetSocket raw = response.netSocket();
                    String accept = response.getHeader("Sec-WebSocket-Accept");
                    if (!expectedAccept(key).equals(accept)) {
                        raw.close();
                        result.tryFail(new ConnectionLostException(where + " answered the WebSocket upgrade with a"
                                + " wrong Sec-WebSocket-Accept header: it is not a WebSocket server"));
                        return;
                    }
                    UnixWebSocket ws = new UnixWebSocket(vertx, raw, where, maxMessageBytes);
                    if (!result.tryComplete(ws)) {
                        raw.close(); // timed out meanwhile: nobody will use it
                    }
                });
        return result.future();
    }

    /** {@code Sec-WebSocket-Accept} for a key: base64(SHA-1(key + GUID)). */
    static String expectedAccept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-1", e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Out

    @Override
    public Future<Void> writeText(String text) {
        if (closeSent || gone) {
            return Future.failedFuture(new ConnectionLostException("the WebSocket to " + where + " is closing"));
        }
        return socket.write(frame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** One final, masked client frame. */
    static Buffer frame(int opcode, byte[] payload) {
        int length = payload.length;
        Buffer out = Buffer.buffer(length + 14);
        out.appendByte((byte) (0x80 | opcode));
        if (length < 126) {
            out.appendByte((byte) (0x80 | length));
        } else if (length <= 0xFFFF) {
            out.appendByte((byte) (0x80 | 126));
            out.appendUnsignedShort(length);
        } else {
            out.appendByte((byte) (0x80 | 127));
            out.appendLong(length);
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        out.appendBytes(mask);
        byte[] masked = new byte[length];
        for (int i = 0; i < length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        out.appendBytes(masked);
        return out;
    }

    private static byte[] closePayload(int code, String reason) {
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + Math.min(text.length, 123));
        b.putShort((short) code);
        b.put(text, 0, Math.min(text.length, 123));
        return b.array();
    }

    @Override
    public Future<Void> close() {
        startClose(1000, null);
        return closed.future();
    }

    private void startClose(int code, String reason) {
        if (gone) {
            return;
        }
        if (!closeSent) {
            closeSent = true;
            socket.write(frame(OP_CLOSE, closePayload(code, reason)));
        }
        // The server answers with its close frame and closes; do not wait for a server that does not.
        if (closeTimer == -1) {
            closeTimer = vertx.setTimer(CLOSE_GRACE_MILLIS, t -> socket.close());
        }
    }

    /** Fails the connection (RFC 6455 7.1.7): tell the server why, then drop it. */
    private void failConnection(int code, String reason) {
        LOG.debugf("closing the WebSocket to %s: %d %s", where, code, reason);
        if (closeStatusCode == null) {
            closeStatusCode = (short) code;
            closeReason = reason;
        }
        if (!closeSent && !gone) {
            closeSent = true;
            socket.write(frame(OP_CLOSE, closePayload(code, reason)));
        }
        socket.close();
    }

    // ---------------------------------------------------------------------------------------------------------
    // In

    private void onData(Buffer data) {
        if (gone) {
            return;
        }
        pending.appendBuffer(data);
        int pos = 0;
        while (!gone) {
            int consumed = parseFrame(pos);
            if (consumed <= 0) {
                break;
            }
            pos += consumed;
        }
        if (pos > 0) {
            pending = pos == pending.length() ? Buffer.buffer() : pending.getBuffer(pos, pending.length());
        }
    }

    /** Handles the frame starting at {@code pos}; returns its length, 0 when incomplete, -1 after a failure. */
    private int parseFrame(int pos) {
        int available = pending.length() - pos;
        if (available < 2) {
            return 0;
        }
        int b0 = pending.getUnsignedByte(pos);
        int b1 = pending.getUnsignedByte(pos + 1);
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        long length = b1 & 0x7F;
        int header = 2;
        if (length == 126) {
            if (available < 4) {
                return 0;
            }
            length = pending.getUnsignedShort(pos + 2);
            header = 4;
        } else if (length == 127) {
            if (available < 10) {
                return 0;
            }
            length = pending.getLong(pos + 2);
            header = 10;
        }
        if ((b0 & 0x70) != 0) {
            failConnection(1002, "reserved bits set without a negotiated extension");
            return -1;
        }
        if ((b1 & 0x80) != 0) {
            failConnection(1002, "masked frame from the server");
            return -1;
        }
        boolean control = (opcode & 0x8) != 0;
        if (control && (!fin || length > 125)) {
            failConnection(1002, "fragmented or oversized control frame");
            return -1;
        }
        long assembled = message == null ? 0 : message.length();
        if (length < 0 || (!control && assembled + length > maxMessageBytes)) {
            failConnection(1009, "message over " + maxMessageBytes + " bytes");
            return -1;
        }
        if (available < header + length) {
            return 0;
        }
        Buffer payload = pending.getBuffer(pos + header, pos + header + (int) length);
        onFrame(fin, opcode, payload);
        return header + (int) length;
    }

    private void onFrame(boolean fin, int opcode, Buffer payload) {
        switch (opcode) {
            case OP_TEXT, OP_BINARY -> {
                if (fragmentedOpcode != -1) {
                    failConnection(1002, "a new message started inside a fragmented one");
                    return;
                }
                if (fin) {
                    deliver(opcode, payload);
                } else {
                    fragmentedOpcode = opcode;
                    message = Buffer.buffer().appendBuffer(payload);
                }
            }
            case OP_CONTINUATION -> {
                if (fragmentedOpcode == -1) {
                    failConnection(1002, "continuation frame without a message to continue");
                    return;
                }
                message.appendBuffer(payload);
                if (fin) {
                    int op = fragmentedOpcode;
                    Buffer whole = message;
                    fragmentedOpcode = -1;
                    message = null;
                    deliver(op, whole);
                }
            }
            case OP_PING -> {
                if (!closeSent) {
                    socket.write(frame(OP_PONG, payload.getBytes()));
                }
            }
            case OP_PONG -> {
                // unsolicited pongs are allowed and mean nothing
            }
            case OP_CLOSE -> onCloseFrame(payload);
            default -> failConnection(1002, "unknown opcode " + opcode);
        }
    }

    private void deliver(int opcode, Buffer payload) {
        if (opcode == OP_BINARY) {
            LOG.debugf("ignored a binary message of %d bytes from %s", payload.length(), where);
            return;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload.getBytes()))
                    .toString();
        } catch (CharacterCodingException e) {
            failConnection(1007, "text message is not valid UTF-8");
            return;
        }
        textHandler.handle(text);
    }

    private void onCloseFrame(Buffer payload) {
        if (closeStatusCode == null) {
            if (payload.length() >= 2) {
                closeStatusCode = (short) payload.getUnsignedShort(0);
                closeReason = payload.length() > 2
                        ? payload.getString(2, payload.length(), StandardCharsets.UTF_8.name())
                        : null;
            } else {
                closeStatusCode = 1005; // "no status received"
            }
        }
        if (!closeSent) {
            closeSent = true;
            // Echo the code, as RFC 6455 5.5.1 asks.
            byte[] echo = payload.length() >= 2 ? new byte[] {payload.getByte(0), payload.getByte(1)} : new byte[0];
            socket.write(frame(OP_CLOSE, echo));
        }
        socket.close();
    }

    private void onSocketClosed() {
        if (gone) {
            return;
        }
        gone = true;
        if (closeTimer != -1) {
            vertx.cancelTimer(closeTimer);
        }
        closeHandler.handle(null);
        closed.tryComplete();
    }

    // ---------------------------------------------------------------------------------------------------------
    // WireSocket

    @Override
    public void textHandler(Handler<String> handler) {
        this.textHandler = handler;
    }

    @Override
    public void closeHandler(Handler<Void> handler) {
        this.closeHandler = handler;
    }

    @Override
    public void exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
    }

    @Override
    public Short closeStatusCode() {
        return closeStatusCode;
    }

    @Override
    public String closeReason() {
        return closeReason;
    }
}
