package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The few Docker Engine API calls the emulator makes itself rather than through the {@code docker} CLI, because it
 * needs what docker-py sees there: {@code POST /images/create} (a pull) with its HTTP status and its stream of JSON
 * progress entries ({@code plugins/apps/ix_apps/docker/images.py} reads them through docker-py's
 * {@code client.api.pull(..., stream=True, decode=True)}). Plain HTTP/1.0 over the engine's socket
 * ({@code unix://} or {@code tcp://}, as {@code DOCKER_HOST} spells it); one connection per call.
 */
final class EngineApi {

    /** An answer of the engine: its HTTP status, the reason phrase, and the body (empty when it was streamed). */
    record Response(int status, String reason, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final String host;
    private volatile String apiVersion;

    /** {@code host} as DOCKER_HOST spells it; null = Docker's default socket. */
    EngineApi(String host) {
        this.host = host == null || host.isBlank() ? "unix:///var/run/docker.sock" : host;
    }

    /**
     * The engine's API version ({@code GET /version}'s {@code ApiVersion}): docker-py's {@code from_env()} negotiates
     * it, so it is in the URL of every call, and in the text of its errors.
     */
    String apiVersion() throws IOException {
        String v = apiVersion;
        if (v == null) {
            Response r = call("GET", "/version", null);
            if (!r.ok()) {
                throw new IOException("GET /version answered " + r.status() + " " + r.reason());
            }
            v = Json.MAPPER.readTree(r.body()).path("ApiVersion").asText("1.41");
            apiVersion = v;
        }
        return v;
    }

    /** A request to {@code /v<api>/<path>}; with {@code entries}, a 2xx body is a stream of JSON entries fed to it. */
    Response call(String method, String path, Consumer<JsonNode> entries) throws IOException {
        try (Connection c = connect()) {
            OutputStream out = c.out();
            out.write((method + " " + path + " HTTP/1.0\r\nHost: localhost\r\nUser-Agent: truenas-emulator\r\n"
                    + ("POST".equals(method) ? "Content-Length: 0\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(c.in());
            String statusLine = line(in);
            String[] parts = statusLine == null ? new String[0] : statusLine.split(" ", 3);
            if (parts.length < 2) {
                throw new IOException("the engine at " + host + " did not answer HTTP: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            String reason = parts.length > 2 ? parts[2] : "";
            boolean chunked = false;
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                String lower = h.toLowerCase(Locale.ROOT);
                chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
            }
            InputStream body = chunked ? new Chunked(in) : in;
            if (entries == null || status < 200 || status >= 300) {
                return new Response(status, reason, new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            for (String l = line(body); l != null; l = line(body)) {
                if (!l.isBlank()) {
                    entries.accept(Json.MAPPER.readTree(l));
                }
            }
            return new Response(status, reason, "");
        }
    }

    /** {@code /v<api>} and the path: the URL docker-py calls. */
    String versioned(String path) throws IOException {
        return "/v" + apiVersion() + path;
    }

    private interface Connection extends Closeable {
        InputStream in() throws IOException;

        OutputStream out() throws IOException;
    }

    private Connection connect() throws IOException {
        URI uri = URI.create(host);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (scheme.equals("unix")) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(uri.getPath()));
            // A unix channel has no read timeout: a watchdog closes it, which ends a read that hangs.
            CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closed already
                }
            }, CompletableFuture.delayedExecutor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            return new Connection() {
                public InputStream in() {
                    return Channels.newInputStream(channel);
                }

                public OutputStream out() {
                    return Channels.newOutputStream(channel);
                }

                public void close() throws IOException {
                    watchdog.cancel(false);
                    channel.close();
                }
            };
        }
        if (scheme.equals("tcp") || scheme.equals("http")) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 2375 : uri.getPort()), 30_000);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            return new Connection() {
                public InputStream in() throws IOException {
                    return socket.getInputStream();
                }

                public OutputStream out() throws IOException {
                    return socket.getOutputStream();
                }

                public void close() throws IOException {
                    socket.close();
                }
            };
        }
        throw new IOException("the emulator reaches a Docker Engine over unix:// or tcp:// only, not " + host);
    }

    /** One line without its CR LF, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            buf.write(b);
        }
        if (b == -1 && buf.size() == 0) {
            return null;
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** A chunked body, decoded (an engine answers HTTP/1.0 without chunks; this is for a proxy in between). */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                if (size != null && size.isEmpty()) {
                    size = line(in); // the CR LF after the previous chunk
                }
                left = size == null ? 0 : Long.parseLong(size.split(";")[0].strip(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            left--;
            return in.read();
        }
    }
}
