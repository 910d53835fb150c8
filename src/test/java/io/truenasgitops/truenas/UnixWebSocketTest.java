package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client side of RFC 6455 that {@link UnixWebSocket} implements, against a scripted raw server on a unix
 * socket: the frames a real server may send (fragments, pings, close codes, large lengths) and the ones it must
 * not (masked, reserved bits, bad UTF-8).
 */
class UnixWebSocketTest {

    @TempDir
    Path dir;

    Vertx vertx;
    HttpClient http;
    NetServer server;
    /** Frames the client sent after the upgrade, unmasked: opcode then payload. */
    final List<Frame> fromClient = new CopyOnWriteArrayList<>();
    final List<String> received = new CopyOnWriteArrayList<>();
    volatile boolean clientSawClose;

    record Frame(int opcode, boolean masked, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    @BeforeEach
    void start() {
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        http = vertx.createHttpClient();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A server that answers the upgrade correctly, then runs {@code script} with the raw socket. */
    String serve(Consumer<NetSocket> script) throws Exception {
        return serve(script, true);
    }

    String serve(Consumer<NetSocket> script, boolean upgrade) throws Exception {
        Path socket = dir.resolve("ws.sock");
        server = vertx.createNetServer().connectHandler(so -> {
            Buffer[] acc = {Buffer.buffer()};
            boolean[] upgraded = {false};
            so.handler(data -> {
                acc[0].appendBuffer(data);
                if (!upgraded[0]) {
                    String head = acc[0].toString(StandardCharsets.ISO_8859_1);
                    int end = head.indexOf("\r\n\r\n");
                    if (end < 0) {
                        return;
                    }
                    upgraded[0] = true;
                    acc[0] = acc[0].getBuffer(end + 4, acc[0].length());
                    if (!upgrade) {
                        so.write("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
                        return;
                    }
                    String key = head.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                            .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElseThrow();
                    so.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: " + UnixWebSocket.expectedAccept(key) + "\r\n\r\n");
                    script.accept(so);
                }
                acc[0] = readClientFrames(acc[0], so);
            });
        });
        server.listen(SocketAddress.domainSocketAddress(socket.toString()))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return socket.toString();
    }

    /** Records the client's frames; answers its close frame by closing, as a server does. */
    private Buffer readClientFrames(Buffer buf, NetSocket so) {
        int pos = 0;
        while (buf.length() - pos >= 2) {
            int b0 = buf.getUnsignedByte(pos);
            int b1 = buf.getUnsignedByte(pos + 1);
            int len = b1 & 0x7F;
            int header = 2;
            if (len == 126) {
                len = buf.getUnsignedShort(pos + 2);
                header = 4;
            } else if (len == 127) {
                len = (int) buf.getLong(pos + 2);
                header = 10;
            }
            boolean masked = (b1 & 0x80) != 0;
            int maskAt = pos + header;
            if (masked) {
                header += 4;
            }
            if (buf.length() - pos < header + len) {
                break;
            }
            byte[] payload = buf.getBytes(pos + header, pos + header + len);
            if (masked) {
                for (int i = 0; i < len; i++) {
                    payload[i] ^= buf.getByte(maskAt + (i & 3));
                }
            }
            fromClient.add(new Frame(b0 & 0x0F, masked, payload));
            pos += header + len;
            if ((b0 & 0x0F) == UnixWebSocket.OP_CLOSE) {
                so.close();
            }
        }
        return buf.getBuffer(pos, buf.length());
    }

    /** An unmasked server frame. */
    static Buffer frame(boolean fin, int opcode, byte[] payload) {
        Buffer out = Buffer.buffer();
        out.appendByte((byte) ((fin ? 0x80 : 0) | opcode));
        if (payload.length < 126) {
            out.appendByte((byte) payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.appendByte((byte) 126).appendUnsignedShort(payload.length);
        } else {
            out.appendByte((byte) 127).appendLong(payload.length);
        }
        return out.appendBytes(payload);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    WireSocket open(String socketPath) throws Exception {
        WireSocket[] holder = new WireSocket[1];
        vertx.getOrCreateContext().runOnContext(v -> UnixWebSocket.open(vertx, http, socketPath, "/api/current",
                5_000, 1024 * 1024).onComplete(ar -> {
                    if (ar.succeeded()) {
                        ar.result().textHandler(received::add);
                        ar.result().closeHandler(x -> clientSawClose = true);
                    }
                    holder[0] = ar.succeeded() ? ar.result() : new FailedSocket(ar.cause());
                }));
        await().until(() -> holder[0] != null);
        if (holder[0] instanceof FailedSocket f) {
            throw new Exception(f.cause);
        }
        return holder[0];
    }

    @Test
    void textMessagesGoOutMaskedInOneFrame() throws Exception {
        WireSocket ws = open(serve(so -> { }));
        ws.writeText("{\"jsonrpc\":\"2.0\",\"method\":\"core.ping\",\"id\":1}");
        ws.writeText("é".repeat(200)); // 400 bytes: the 16-bit length form
        await().until(() -> fromClient.size() == 2);
        assertThat(fromClient).allSatisfy(f -> {
            assertThat(f.opcode()).isEqualTo(UnixWebSocket.OP_TEXT);
            assertThat(f.masked()).isTrue();
        });
        assertThat(fromClient.get(0).text()).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"core.ping\",\"id\":1}");
        assertThat(fromClient.get(1).text()).isEqualTo("é".repeat(200));
    }

    @Test
    void aFragmentedMessageWithAPingInBetweenArrivesWholeAndThePingIsAnswered() throws Exception {
        open(serve(so -> so.write(frame(false, UnixWebSocket.OP_TEXT, utf8("{\"a\":")))
                .compose(v -> so.write(frame(true, UnixWebSocket.OP_PING, utf8("hb"))))
                .compose(v -> so.write(frame(false, UnixWebSocket.OP_CONTINUATION, utf8("\"ü"))))
                .compose(v -> so.write(frame(true, UnixWebSocket.OP_CONTINUATION, utf8("\"}"))))
                .compose(v -> so.write(frame(true, UnixWebSocket.OP_TEXT, utf8("second"))))));
        await().until(() -> received.size() == 2);
        assertThat(received).containsExactly("{\"a\":\"ü\"}", "second");
        assertThat(fromClient).singleElement().satisfies(pong -> {
            assertThat(pong.opcode()).isEqualTo(UnixWebSocket.OP_PONG);
            assertThat(pong.text()).isEqualTo("hb");
        });
    }

    @Test
    void aMessageOver64KiBUsesThe64BitLengthAndArrives() throws Exception {
        String big = "x".repeat(200_000);
        open(serve(so -> so.write(frame(true, UnixWebSocket.OP_TEXT, utf8(big)))));
        await().until(() -> received.size() == 1);
        assertThat(received.get(0)).hasSize(200_000);
    }

    @Test
    void theServersCloseFrameGivesCodeAndReasonAndIsEchoed() throws Exception {
        Buffer close = Buffer.buffer().appendUnsignedShort(1009).appendString("Max message length is 64 kB");
        WireSocket ws = open(serve(so -> so.write(frame(true, UnixWebSocket.OP_CLOSE, close.getBytes()))));
        await().until(() -> clientSawClose);
        assertThat(ws.closeStatusCode()).isEqualTo((short) 1009);
        assertThat(ws.closeReason()).isEqualTo("Max message length is 64 kB");
        await().until(() -> !fromClient.isEmpty());
        assertThat(fromClient.get(0).opcode()).isEqualTo(UnixWebSocket.OP_CLOSE);
        assertThat(Buffer.buffer(fromClient.get(0).payload()).getUnsignedShort(0)).isEqualTo(1009);
    }

    @Test
    void aDroppedConnectionHasNoCloseCode() throws Exception {
        WireSocket ws = open(serve(NetSocket::close));
        await().until(() -> clientSawClose);
        assertThat(ws.closeStatusCode()).isNull();
        assertThat(ws.writeText("late").failed()).isTrue();
    }

    @Test
    void aMaskedFrameFromTheServerIsAProtocolError() throws Exception {
        Buffer masked = Buffer.buffer().appendByte((byte) 0x81).appendByte((byte) 0x82).appendBytes(new byte[4])
                .appendString("hi");
        WireSocket ws = open(serve(so -> so.write(masked)));
        await().until(() -> clientSawClose);
        assertThat(ws.closeStatusCode()).isEqualTo((short) 1002);
        assertThat(received).isEmpty();
    }

    @Test
    void reservedBitsWithoutAnExtensionAreAProtocolError() throws Exception {
        Buffer compressed = Buffer.buffer().appendByte((byte) 0xC1).appendByte((byte) 2).appendString("hi");
        WireSocket ws = open(serve(so -> so.write(compressed)));
        await().until(() -> clientSawClose);
        assertThat(ws.closeStatusCode()).isEqualTo((short) 1002);
    }

    @Test
    void invalidUtf8ClosesWith1007() throws Exception {
        WireSocket ws = open(serve(so -> so.write(frame(true, UnixWebSocket.OP_TEXT, new byte[] {(byte) 0xC3, 0x28}))));
        await().until(() -> clientSawClose);
        assertThat(ws.closeStatusCode()).isEqualTo((short) 1007);
        assertThat(received).isEmpty();
    }

    @Test
    void aMessageOverTheLimitClosesWith1009() throws Exception {
        WireSocket ws = open(serve(so -> so.write(frame(true, UnixWebSocket.OP_TEXT, utf8("y".repeat(2 * 1024 * 1024))))));
        await().until(() -> clientSawClose);
        assertThat(ws.closeStatusCode()).isEqualTo((short) 1009);
        assertThat(received).isEmpty();
    }

    @Test
    void aClientCloseSendsACloseFrameAndEndsWhenTheServerCloses() throws Exception {
        WireSocket ws = open(serve(so -> { }));
        io.vertx.core.Future<Void> closing = ws.close();
        await().until(() -> !fromClient.isEmpty());
        assertThat(fromClient.get(0).opcode()).isEqualTo(UnixWebSocket.OP_CLOSE);
        assertThat(Buffer.buffer(fromClient.get(0).payload()).getUnsignedShort(0)).isEqualTo(1000);
        await().until(closing::isComplete);
        assertThat(clientSawClose).isTrue();
    }

    @Test
    void aRefusedUpgradeReportsTheStatus() throws Exception {
        String path = serve(so -> { }, false);
        assertThatThrownBy(() -> open(path))
                .cause()
                .isInstanceOf(UpgradeRejectedException.class)
                .satisfies(e -> assertThat(((UpgradeRejectedException) e).getStatus()).isEqualTo(404));
    }

    /** Carries a failed open out of the event loop. */
    private record FailedSocket(Throwable cause) implements WireSocket {
        public io.vertx.core.Future<Void> writeText(String text) { return null; }
        public void textHandler(io.vertx.core.Handler<String> h) { }
        public void closeHandler(io.vertx.core.Handler<Void> h) { }
        public void exceptionHandler(io.vertx.core.Handler<Throwable> h) { }
        public Short closeStatusCode() { return null; }
        public String closeReason() { return null; }
        public io.vertx.core.Future<Void> close() { return null; }
    }
}
