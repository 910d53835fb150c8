package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemTrustOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw WebSocket test client: sends JSON text frames, records every frame received, and waits for the ones a
 * test expects. Speaks no protocol itself, so tests assert the exact wire shapes.
 */
final class WireClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final WebSocket ws;
    private final List<JsonNode> received = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile String closeReason;
    private int nextId = 1;

    private WireClient(Vertx vertx, WebSocket ws) {
        this.vertx = vertx;
        this.ws = ws;
        ws.textMessageHandler(text -> {
            synchronized (received) {
                try {
                    received.add(JSON.readTree(text));
                } catch (Exception e) {
                    received.add(JSON.getNodeFactory().textNode("UNPARSEABLE " + text));
                }
                received.notifyAll();
            }
        });
        ws.closeHandler(v -> {
            closeReason = ws.closeReason();
            closed.complete(ws.closeStatusCode() == null ? 1006 : (int) ws.closeStatusCode());
        });
    }

    /** Connects over TLS trusting the emulator's certificate (host name verified). */
    private static final Vertx SHARED = Vertx.vertx();

    static WireClient connect(TrueNasEmulator emulator, String url) {
        Vertx vertx = SHARED;
        WebSocketClientOptions options = new WebSocketClientOptions()
                .setMaxMessageSize(4 * 1024 * 1024)
                .setMaxFrameSize(4 * 1024 * 1024);
        if (url.startsWith("wss:")) {
            // the handshake may take as long as the connect below waits (Vert.x gives up after 10 s): a loaded
            // machine is slow, not broken
            options.setSsl(true).setVerifyHost(true).setSslHandshakeTimeout(30).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
                    .setTrustOptions(new PemTrustOptions().addCertPath(emulator.caCertificatePem().toString()));
        }
        WebSocketClient client = vertx.createWebSocketClient(options);
        try {
            WebSocket ws = client.connect(new WebSocketConnectOptions().setAbsoluteURI(url))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new WireClient(vertx, ws);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to " + url, e);
        }
    }

    void sendText(String text) {
        ws.writeTextMessage(text);
    }

    void send(JsonNode node) {
        sendText(node.toString());
    }

    static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    static ArrayNode arr(Object... items) {
        return JSON.valueToTree(List.of(items));
    }

    /** Sends a JSON-RPC request with the next integer id and returns that id. */
    int request(String method, Object... params) {
        int id = nextId++;
        ObjectNode msg = obj();
        msg.put("jsonrpc", "2.0");
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", JSON.valueToTree(List.of(params)));
        send(msg);
        return id;
    }

    /** JSON-RPC call: the whole response message. */
    JsonNode call(String method, Object... params) {
        int id = request(method, params);
        return await(m -> m.path("id").asInt(-1) == id && (m.has("result") || m.has("error")));
    }

    /** JSON-RPC call that must succeed: its result. */
    JsonNode result(String method, Object... params) {
        JsonNode response = call(method, params);
        assertThat(response.has("error")).as("error of %s: %s", method, response).isFalse();
        return response.get("result");
    }

    /** Legacy method call: the whole result message. */
    JsonNode legacyCall(String method, Object... params) {
        String id = "c" + nextId++;
        ObjectNode msg = obj();
        msg.put("msg", "method");
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", JSON.valueToTree(List.of(params)));
        send(msg);
        return await(m -> id.equals(m.path("id").asText()) && "result".equals(m.path("msg").asText()));
    }

    void legacyConnect() {
        sendText("{\"msg\":\"connect\",\"version\":\"1\",\"support\":[\"1\"]}");
        await(m -> "connected".equals(m.path("msg").asText()));
    }

    void loginRpc(TrueNasEmulator emulator) {
        assertThat(result("auth.login_with_api_key", emulator.apiKey()).asBoolean()).isTrue();
    }

    /** Subscribes to core.get_jobs and app.query over JSON-RPC. */
    void subscribeRpc(String... names) {
        for (String name : names) {
            result("core.subscribe", name);
        }
    }

    /** Waits for the first received message (in order) matching, and consumes it. */
    JsonNode await(Predicate<JsonNode> match) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (received) {
            while (true) {
                for (int i = 0; i < received.size(); i++) {
                    if (match.test(received.get(i))) {
                        return received.remove(i);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching message within " + WAIT + "; received: " + received);
                }
                try {
                    received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** All received messages matching, without consuming. */
    List<JsonNode> all(Predicate<JsonNode> match) {
        synchronized (received) {
            return received.stream().filter(match).toList();
        }
    }

    /** The received messages in arrival order, without consuming. */
    List<JsonNode> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits until a job reaches a final state (via core.get_jobs events) and returns its last fields. */
    JsonNode awaitJobEnd(long jobId) {
        JsonNode event = await(m -> isJobEvent(m, jobId)
                && Set_FINAL.contains(params(m).path("fields").path("state").asText()));
        return params(event).path("fields");
    }

    private static final java.util.Set<String> Set_FINAL = java.util.Set.of("SUCCESS", "FAILED", "ABORTED");

    static boolean isJobEvent(JsonNode m, long jobId) {
        JsonNode p = params(m);
        return "core.get_jobs".equals(p.path("collection").asText()) && p.path("id").asLong(-1) == jobId;
    }

    /** The event body: JSON-RPC {@code params}, or the legacy message itself. */
    static JsonNode params(JsonNode m) {
        return m.has("jsonrpc") ? m.path("params") : m;
    }

    /** Waits for the connection to close; returns the close code (1006 when dropped without a close frame). */
    int awaitClose() {
        try {
            return closed.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection did not close", e);
        }
    }

    /**
     * Waits for the server to drop the TCP connection without a WebSocket close frame (what nginx or a dying
     * middlewared does). Vert.x reports such a close as status 1000 with no reason; every close frame the
     * emulator sends on purpose carries a reason.
     */
    void awaitDrop() {
        awaitClose();
        assertThat(closeReason).as("close reason (a close frame was sent)").isNull();
    }

    boolean isClosed() {
        return closed.isDone();
    }

    String closeReason() {
        return closeReason;
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            ws.close();
        }
    }
}
