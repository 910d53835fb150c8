package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One WebSocket connection and its middleware session: authentication state, subscriptions, the per-connection
 * call limits ({@code SoftHardSemaphore(10, 20)}), and how errors and events are shaped for its protocol.
 */
abstract class Session {
    static final int SOFT_CALL_LIMIT = 10;
    static final int HARD_CALL_LIMIT = 20;

    /** Who a session is logged in as. */
    record Credentials(String username, String type, Integer apiKeyId, String apiKeyName, Logins.Token token) {
        Credentials(String username, String type, Integer apiKeyId, String apiKeyName) {
            this(username, type, apiKeyId, apiKeyName, null);
        }
    }

    final String id = UUID.randomUUID().toString();
    final Middleware mw;
    final ServerWebSocket ws;
    final HttpConnection connection;
    final String remoteAddress;
    final boolean secureTransport;
    /** Whether the connection came over TLS (nginx's {@code origin.ssl}): channel binding needs it. */
    final boolean tls;
    /**
     * The API version a JSON-RPC session speaks ({@code /api/current} is the release's newest, e.g.
     * {@code v27.0.0}; {@code /api/v25.10.0} that one); null on the legacy {@code /websocket}.
     */
    final String apiVersion;
    final int generation;
    final Map<String, String> subscriptions = new ConcurrentHashMap<>();
    final Map<String, LogFollower> logFollowers = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final Semaphore executing = new Semaphore(SOFT_CALL_LIMIT, true);
    volatile Credentials credentials;
    /** The peer's uid on the unix socket; null on TCP. */
    volatile Integer peerUid;
    volatile String pendingOtpUser;
    /** A SCRAM exchange between its first and final message ({@code auth_ctx.next_mech == SCRAM}), or null. */
    volatile ScramServer.Exchange pendingScram;
    /** When the server last sent on this connection, on the idle timeout's clock ({@link Faults#idleClock}). */
    volatile long lastServerSendNanos;
    volatile boolean closed;
    /** {@code core.set_options} of 25.10 ({@code api/base/server/app.py} defaults). */
    private boolean legacyJobs = true;
    private boolean privateMethods;
    private boolean pyExceptions;

    Session(Middleware mw, ServerWebSocket ws, HttpConnection connection, String remoteAddress, boolean secureTransport,
            boolean tls, String apiVersion) {
        this.mw = mw;
        this.ws = ws;
        this.connection = connection;
        this.remoteAddress = remoteAddress;
        this.secureTransport = secureTransport;
        this.tls = tls;
        this.apiVersion = apiVersion;
        this.generation = mw.generation();
        this.lastServerSendNanos = mw.faults().idleClockNanos();
    }

    boolean authenticated() {
        return credentials != null;
    }

    /**
     * Whether this session speaks {@code version} or a later API ({@code vXX.YY.Z} compared numerically); the
     * legacy {@code /websocket} counts as the release's current API.
     */
    boolean apiAtLeast(String version) {
        String mine = apiVersion != null ? apiVersion : mw.release().currentApiVersion();
        return mine != null && compareApiVersions(mine, version) >= 0;
    }

    static int compareApiVersions(String a, String b) {
        String[] x = a.substring(1).split("\\.");
        String[] y = b.substring(1).split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int d = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
            if (d != 0) {
                return d;
            }
        }
        return 0;
    }

    /** Handles one text frame from the client (on the event loop). */
    abstract void onText(String text);

    /** Sends an event of a subscribed collection. {@code id} and {@code fields} may be null (then omitted). */
    abstract void sendEvent(String collection, String type, JsonNode id, JsonNode fields);

    /** Tells the client that an event source ended, with the error that ended it or null. */
    abstract void notifyUnsubscribed(String collection, MiddlewareError error);

    /** Answers a call with its result. */
    abstract void sendResult(JsonNode requestId, JsonNode result);

    /** Answers a call with an error. */
    abstract void sendCallError(JsonNode requestId, MiddlewareError error, String method);

    /** Answers a call that exceeded the per-connection limit of 20 calls in flight. */
    abstract void sendTooManyCalls(JsonNode requestId);

    /** The protocol name for logs and the call log. */
    abstract String protocol();

    boolean subscribedTo(String collection) {
        for (String name : subscriptions.values()) {
            if (name.equals(collection) || name.equals("*")) {
                return true;
            }
        }
        return false;
    }

    void send(JsonNode message) {
        if (closed) {
            return;
        }
        lastServerSendNanos = mw.faults().idleClockNanos();
        ws.writeTextMessage(Json.write(message));
    }

    /** Closes the WebSocket with a close frame (size limits, protocol errors). */
    void closeWith(int code, String reason) {
        if (!closed) {
            ws.close((short) code, reason);
        }
    }

    /**
     * Drops the TCP connection without a WebSocket close frame: what a client sees when nginx or middlewared
     * goes away (the client reports 1006 "abnormal closure").
     */
    void drop() {
        closed = true;
        // HttpConnection.close() would still send a close frame; closing the Netty channel does not.
        if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
            base.channel().close();
        } else if (connection != null) {
            connection.close();
        } else {
            ws.close();
        }
    }

    /** Runs a method call through the per-connection limits on a worker thread; answers the client. */
    void dispatch(JsonNode requestId, String method, ArrayNode params, boolean respond) {
        if (inFlight.incrementAndGet() > HARD_CALL_LIMIT) {
            inFlight.decrementAndGet();
            if (respond) {
                sendTooManyCalls(requestId);
            }
            return;
        }
        mw.workers().execute(() -> {
            try {
                executing.acquireUninterruptibly();
                try {
                    JsonNode result = mw.invoke(this, method, params);
                    if (respond) {
                        sendResult(requestId, result);
                    }
                } catch (MiddlewareError e) {
                    if (respond) {
                        sendCallError(requestId, e, method);
                    }
                } catch (RuntimeException e) {
                    if (respond) {
                        sendCallError(requestId, new MiddlewareError.Other(e.getClass().getSimpleName(),
                                String.valueOf(e.getMessage())), method);
                    }
                } finally {
                    executing.release();
                    // Event sources subscribed by this call report their own errors only after the answer.
                    mw.startPendingFollowers(this);
                }
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    /** The truenas error object shared by both protocols ({@code error, errname, reason, trace, extra}). */
    static ObjectNode errorObject(int errno, String reason, MiddlewareError traceOf, JsonNode extra, String method) {
        ObjectNode error = Json.object();
        error.put("error", errno);
        error.put("errname", Errno.name(errno));
        error.put("reason", reason);
        if (traceOf == null) {
            error.putNull("trace");
        } else {
            ObjectNode trace = error.putObject("trace");
            trace.put("class", traceOf.className());
            trace.putArray("frames");
            trace.put("formatted", traceOf.formatted(method));
            trace.put("repr", traceOf.repr());
        }
        if (extra == null) {
            error.putNull("extra");
        } else {
            error.set("extra", extra);
        }
        return error;
    }

    /** Whether {@code core.set_options} enabled private methods on this connection. */
    synchronized boolean privateMethods() {
        return privateMethods;
    }

    /** 25.10's {@code core.set_options}: takes the known keys it is given, answers all three. */
    synchronized com.fasterxml.jackson.databind.JsonNode setOptions(com.fasterxml.jackson.databind.JsonNode options) {
        if (options != null && options.isObject()) {
            legacyJobs = options.path("legacy_jobs").asBoolean(legacyJobs);
            privateMethods = options.path("private_methods").asBoolean(privateMethods);
            pyExceptions = options.path("py_exceptions").asBoolean(pyExceptions);
        }
        com.fasterxml.jackson.databind.node.ObjectNode out = Json.object();
        out.put("legacy_jobs", legacyJobs);
        out.put("private_methods", privateMethods);
        out.put("py_exceptions", pyExceptions);
        return out;
    }
}
