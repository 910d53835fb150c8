package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The middleware client: one WebSocket, its protocol, login, calls, jobs, events, keepalive and reconnects.
 *
 * <p>Every piece of mutable connection state is touched only on one Vert.x context ({@link #ctx}); caller
 * threads hand work to it and block on a future. That makes ordering simple: a job event and the answer that
 * carries the job id are handled one after the other, never at once.
 */
final class MiddlewareClient implements TrueNasClient {
    private static final Logger LOG = Logger.getLogger(MiddlewareClient.class);

    /** The middleware closes an authenticated connection on a message above 64 KiB (utils/limits.py). */
    static final int MAX_FRAME_BYTES = Transport.MAX_REQUEST_BYTES;

    static final String JOBS_COLLECTION = "core.get_jobs";

    private enum State {
        CONNECTING,
        READY,
        RECONNECTING,
        CLOSED
    }

    private final ConnectionSettings settings;
    private final Vertx vertx;
    private final boolean ownsVertx;
    private final Context ctx;
    private final TlsTrust trust;
    private final AtomicLong ids = new AtomicLong();
    private final AppsApi apps = new AppsApiClient(this);
    private final JobsApi jobs = new JobsApiClient(this);
    /** The endpoint as configured: {@link Protocol#AUTO} when the URL has no path, probed again at each connect. */
    private volatile Endpoint configured;
    /** The addresses the plain-ws:// loopback check was decided on; every connection goes there (empty: by name). */
    private volatile List<java.net.InetAddress> pinned = List.of();
    private volatile Endpoint endpoint;
    private volatile WireCodec codec;
    private volatile boolean connected;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    // Context-confined state.
    private Transport transport;
    private WireSocket ws;
    private int generation;
    private State state = State.CONNECTING;
    private boolean everReady;
    private Promise<Void> handshake;
    private final Map<String, PendingCall> inFlight = new HashMap<>();
    private final ArrayDeque<PendingCall> queue = new ArrayDeque<>();
    private final Subscriptions subscriptions = new Subscriptions(this);
    private final LoginFlow loginFlow;
    private final JobWatcher jobWatcher;
    private long pingTimer = -1;
    private int reconnectAttempts;
    private TrueNasException lastReconnectError;

    private MiddlewareClient(ConnectionSettings settings, Vertx vertx, TlsTrust trust, boolean unixSocket) {
        this.settings = settings;
        this.trust = trust;
        this.ownsVertx = vertx == null;
        // Netty's native epoll transport only where it is needed, the unix socket: loading it (its classes, and
        // the native library copied out of its jar) was a measurable part of a short command's start.
        this.vertx = vertx != null ? vertx : Vertx.vertx(new VertxOptions().setPreferNativeTransport(unixSocket));
        this.ctx = ownContext(this.vertx);
        this.loginFlow = new LoginFlow(this, settings);
        this.jobWatcher = new JobWatcher(this, settings, this.vertx);
    }

    /**
     * An event-loop context of the client's own. {@code getOrCreateContext()} would hand back the caller's
     * context when the caller runs on the same (shared) Vert.x, e.g. the duplicated context of a REST request,
     * and the connection would then live on a context tied to that request.
     */
    private static Context ownContext(Vertx vertx) {
        if (vertx instanceof io.vertx.core.impl.VertxInternal internal) {
            return internal.createEventLoopContext();
        }
        return vertx.getOrCreateContext();
    }

    static MiddlewareClient connect(ConnectionSettings settings, Vertx vertx) {
        return connect(settings, vertx, Endpoint.SYSTEM_RESOLVER);
    }

    /** As {@link #connect(ConnectionSettings, Vertx)}, with the name resolution the loopback check uses (tests). */
    static MiddlewareClient connect(ConnectionSettings settings, Vertx vertx, Endpoint.Resolver resolver) {
        Objects.requireNonNull(settings, "settings");
        Endpoint parsed = Endpoint.parse(settings.url(), settings.protocol());
        List<java.net.InetAddress> pinned = checkTransport(parsed, settings, resolver);
        if (settings.apiKey() == null && settings.password() == null && settings.sessionToken() == null
                && !parsed.isUnixSocket()) {
            throw new InvalidSettingsException("no credentials for " + parsed.describe()
                    + ": give an API key (--api-key-file / TRUENAS_API_KEY_FILE / TRUENAS_API_KEY), a username"
                    + " and password (--username and --password-file / TRUENAS_PASSWORD), or a session token"
                    + " (--session-token-file / TRUENAS_SESSION_TOKEN_FILE)");
        }
        if (settings.apiKey() == null && settings.password() != null && settings.username() == null) {
            throw new InvalidSettingsException("a password was given without a username: add --username");
        }
        TlsTrust trust = new TlsTrust(settings); // validates fingerprint and CA file before anything starts
        MiddlewareClient client = new MiddlewareClient(settings, vertx, trust, parsed.isUnixSocket());
        client.pinned = pinned;
        client.configured = parsed;
        client.endpoint = parsed;
        try {
            client.start();
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Refuses, before any network traffic, to send an API key or a password in clear text to another machine
     * (loopback decided by what the host name resolves to).
     */
    static void checkTransport(Endpoint endpoint, ConnectionSettings settings) {
        checkTransport(endpoint, settings, Endpoint.SYSTEM_RESOLVER);
    }

    /**
     * Refuses, before any network traffic, to send an API key, a password or a session token in clear text to
     * another machine, and returns the addresses the decision was made on: for {@code ws://} to a name, every
     * address it resolved to (looked up once, all loopback), which the connections must use instead of the name;
     * empty when there is nothing to pin (TLS, which authenticates the name; a literal address; the unix socket).
     */
    static List<java.net.InetAddress> checkTransport(Endpoint endpoint, ConnectionSettings settings,
            Endpoint.Resolver resolver) {
        if (endpoint.tls() || endpoint.isUnixSocket()) {
            return List.of();
        }
        List<java.net.InetAddress> loopback = endpoint.loopbackAddresses(resolver);
        if (loopback != null) {
            return loopback;
        }
        if (settings.sessionToken() != null) {
            throw new InsecureTransportException("refusing to send the session token to " + endpoint.describe()
                    + ": ws:// is not encrypted and anyone on the path could log in with it; use wss://"
                    + endpoint.hostForUri() + " (trust a self-signed certificate with --tls-fingerprint)");
        }
        if (settings.apiKey() != null) {
            throw new InsecureTransportException("refusing to send the API key to " + endpoint.describe()
                    + ": ws:// is not encrypted, and TrueNAS 25.04+ revokes an API key the first time it is used over"
                    + " an unencrypted connection from another host; use wss://" + endpoint.hostForUri()
                    + " (trust a self-signed certificate with --tls-fingerprint)");
        }
        if (settings.password() != null) {
            throw new InsecureTransportException("refusing to send the password to " + endpoint.describe()
                    + ": ws:// is not encrypted, anyone on the network path could read it; use wss://"
                    + endpoint.hostForUri() + " (trust a self-signed certificate with --tls-fingerprint)");
        }
        return List.of();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Connecting

    private void start() {
        Transport.checkSupported(endpoint, vertx, ownsVertx);
        CompletableFuture<Void> done = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            transport = new Transport(vertx, settings, trust, pinned);
            resolveAndEstablish()
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            done.complete(null);
                        } else {
                            done.completeExceptionally(ar.cause());
                        }
                    });
        });
        try {
            // The probe and the socket each have the connect timeout of their own; this only stops a hang.
            done.get(settings.connectTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ConnectionLostException("timed out after " + human(settings.connectTimeout())
                    + " connecting and logging in to " + endpoint.describe() + ": check the URL and that the NAS"
                    + " is up");
        } catch (ExecutionException e) {
            throw translateConnectFailure(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionLostException("interrupted while connecting to " + endpoint.describe());
        }
    }

    /**
     * Decides the protocol, then connects. The probe runs at every connect, reconnects included, when the URL
     * left the protocol open: TrueNAS is upgraded from 24.10 to 25.04 with a restart of middlewared, and the
     * client that reconnects afterwards must speak JSON-RPC (and log in with {@code auth.login_ex}) without a
     * restart of its own.
     */
    private Future<Void> resolveAndEstablish() {
        return resolveProtocol(configured).compose(resolved -> {
            Protocol before = endpoint.protocol();
            if (before != Protocol.AUTO && before != resolved.protocol()) {
                LOG.infof("%s now speaks %s instead of %s (TrueNAS was upgraded or downgraded)", resolved.describe(),
                        resolved.protocol(), before);
            }
            endpoint = resolved;
            codec = WireCodec.of(resolved.protocol());
            return establish();
        });
    }

    /** AUTO: {@code GET /api/versions} — a JSON array means JSON-RPC (25.04+), anything else legacy (24.10). */
    private Future<Endpoint> resolveProtocol(Endpoint endpoint) {
        if (endpoint.protocol() != Protocol.AUTO) {
            return Future.succeededFuture(endpoint);
        }
        return transport.probe(endpoint).map(endpoint::resolved);
    }

    static Protocol decideProtocol(int status, Buffer body) {
        if (status == 200) {
            try {
                if (Json.MAPPER.readTree(body.toString(StandardCharsets.UTF_8)).isArray()) {
                    return Protocol.JSONRPC;
                }
            } catch (Exception e) {
                // not JSON: a 24.10 web UI page or a proxy's page
            }
        }
        return Protocol.LEGACY;
    }

    /** Opens the socket, shakes hands, logs in and subscribes to jobs; on the context. */
    private Future<Void> establish() {
        state = State.CONNECTING;
        return transport.open(endpoint)
                .compose(socket -> {
                    int gen = ++generation;
                    ws = socket;
                    socket.textHandler(text -> onText(gen, text));
                    socket.exceptionHandler(e -> LOG.debugf(e, "WebSocket error on %s", endpoint.describe()));
                    socket.closeHandler(v -> onClosed(gen, socket.closeStatusCode(), socket.closeReason()));
                    return codec instanceof WireCodec.Legacy legacy
                            ? legacyHandshake(legacy)
                            : Future.<Void>succeededFuture();
                })
                .compose(v -> loginFlow.login())
                .compose(v -> subscribeToJobs())
                .<Void>map(v -> {
                    onReady();
                    return null;
                })
                .recover(e -> {
                    closeSocket();
                    return Future.failedFuture(e);
                });
    }

    private Future<Void> legacyHandshake(WireCodec.Legacy legacy) {
        handshake = Promise.promise();
        long timer = vertx.setTimer(settings.connectTimeout().toMillis(), t -> {
            if (handshake != null) {
                handshake.tryFail(new ConnectionLostException("no answer to the connect handshake from "
                        + endpoint.describe() + " within " + human(settings.connectTimeout())));
            }
        });
        ws.writeText(legacy.handshake());
        return handshake.future().eventually(v -> {
            vertx.cancelTimer(timer);
            handshake = null;
            return Future.succeededFuture();
        });
    }

    private void onReady() {
        boolean reconnected = everReady;
        state = State.READY;
        everReady = true;
        connected = true;
        reconnectAttempts = 0;
        lastReconnectError = null;
        startPing();
        if (reconnected) {
            LOG.infof("reconnected to %s", endpoint.describe());
            // Job ids are reused after a middleware restart: re-check every awaited job under its id.
            jobWatcher.pollAll();
        }
        pump();
    }


    /** This process's uid, for messages: the owner of /proc/self on Linux; "unknown" elsewhere. */
    static String ownUid() {
        try {
            return String.valueOf(java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid"));
        } catch (Exception | LinkageError e) {
            return "unknown";
        }
    }

    private Future<Void> subscribeToJobs() {
        String where = "subscribing to job events on " + endpoint.describe();
        if (codec instanceof WireCodec.Legacy legacy) {
            String id = "jobs-" + ids.incrementAndGet();
            return submitDirect(new PendingCall(id, "sub " + JOBS_COLLECTION, c -> legacy.sub(id, JOBS_COLLECTION), where))
                    .mapEmpty();
        }
        return direct(where, "core.subscribe", List.of(JOBS_COLLECTION)).mapEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Calls

    /** One request on its way: queued client-side, then in flight until its answer or its timeout. */
    private static final class PendingCall {
        final String id;
        final String method;
        /**
         * Encodes the request for the codec of the connection it is sent on: a call queued while reconnecting
         * may go out in the other protocol (TrueNAS upgraded from 24.10 to 25.04 meanwhile).
         */
        final java.util.function.Function<WireCodec, String> encoder;
        final String context;
        final Promise<JsonNode> promise = Promise.promise();
        long timer = -1;

        PendingCall(String id, String method, java.util.function.Function<WireCodec, String> encoder, String context) {
            this.id = id;
            this.method = method;
            this.encoder = encoder;
            this.context = context;
        }
    }

    private PendingCall newCall(String context, String method, List<?> params) {
        String id = Long.toString(ids.incrementAndGet());
        ArrayNode array = Json.params(params);
        String frame = codec.encodeCall(id, method, array);
        int bytes = frame.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_FRAME_BYTES) {
            throw new FrameTooLargeException(context + ": the " + method + " request is " + bytes + " bytes ("
                    + (bytes + 1023) / 1024 + " KiB), over the 64 KiB the middleware accepts in one message (it would"
                    + " drop the connection); nothing was sent");
        }
        return new PendingCall(id, method, c -> c.encodeCall(id, method, array), context);
    }

    /** A login-phase call: sent at once, outside the queue (nothing else is in flight then); on the context. */
    private Future<JsonNode> submitDirect(PendingCall call) {
        startTimer(call, settings.callTimeout());
        if (ws == null) {
            fail(call, new ConnectionLostException(call.context + ": not connected"));
        } else {
            send(call);
        }
        return call.promise.future();
    }

    /** Queues a call; on the context. */
    private Future<JsonNode> enqueue(PendingCall call, Duration timeout) {
        if (state == State.CLOSED) {
            fail(call, new ConnectionLostException(call.context + ": the client is closed"));
            return call.promise.future();
        }
        startTimer(call, timeout);
        queue.add(call);
        pump();
        return call.promise.future();
    }

    private void startTimer(PendingCall call, Duration timeout) {
        call.timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> onTimeout(call, timeout));
    }

    private void pump() {
        while (state == State.READY && ws != null && inFlight.size() < settings.maxInFlight() && !queue.isEmpty()) {
            send(queue.poll());
        }
    }

    private void send(PendingCall call) {
        inFlight.put(call.id, call);
        ws.writeText(call.encoder.apply(codec))
                .onFailure(e -> LOG.debugf(e, "could not write %s to %s", call.method, endpoint.describe()));
    }

    private void onTimeout(PendingCall call, Duration timeout) {
        call.timer = -1;
        if (call.promise.future().isComplete()) {
            return;
        }
        if (inFlight.remove(call.id) != null) {
            fail(call, new CallTimeoutException(call.context + ": no answer to " + call.method + " within "
                    + human(timeout) + "; its outcome is unknown"));
            pump();
        } else if (queue.remove(call)) {
            if (state == State.READY) {
                fail(call, new CallTimeoutException(call.context + ": " + call.method + " waited " + human(timeout)
                        + " for one of the " + settings.maxInFlight() + " call slots of the connection"));
            } else {
                fail(call, new ConnectionLostException(call.context + ": not connected to " + endpoint.describe()
                        + " within " + human(timeout) + " (reconnecting"
                        + (lastReconnectError == null ? "" : "; last attempt: " + lastReconnectError.getMessage())
                        + "); " + call.method + " was not sent"));
            }
        } else {
            fail(call, new CallTimeoutException(call.context + ": no answer within " + human(timeout)));
        }
    }

    private void complete(PendingCall call, JsonNode result) {
        cancel(call);
        call.promise.tryComplete(result);
    }

    private void fail(PendingCall call, Throwable error) {
        cancel(call);
        call.promise.tryFail(error);
    }

    private void cancel(PendingCall call) {
        if (call.timer != -1) {
            vertx.cancelTimer(call.timer);
            call.timer = -1;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Incoming messages

    private void onText(int gen, String text) {
        if (gen != generation) {
            return;
        }
        WireCodec.Incoming in = codec.decode(text);
        if (in instanceof WireCodec.Incoming.Response r) {
            PendingCall call = inFlight.remove(r.id());
            if (call != null) {
                complete(call, r.result());
                pump();
            }
        } else if (in instanceof WireCodec.Incoming.Failure f) {
            PendingCall call = inFlight.remove(f.id());
            if (call != null) {
                TrueNasException error = codec.error(call.context, f.error());
                fail(call, error);
                if (error instanceof NotAuthenticatedException && state == State.READY) {
                    LOG.warnf("the session on %s is no longer logged in: reconnecting to log in again",
                            endpoint.describe());
                    closeSocket();
                    onClosed(generation, null, "session logged out");
                }
                pump();
            }
        } else if (in instanceof WireCodec.Incoming.Event e) {
            onEvent(e.event());
        } else if (in instanceof WireCodec.Incoming.Unsubscribed u) {
            TrueNasException error = u.error() == null
                    ? null
                    : ErrorMapper.fromTrueNasError("subscription " + u.collection(), u.error(), null);
            subscriptions.unsubscribed(u.collection(), error);
        } else if (in instanceof WireCodec.Incoming.Ready ready) {
            for (String id : ready.subscriptionIds()) {
                PendingCall call = inFlight.remove(id);
                if (call != null) {
                    complete(call, null);
                }
            }
            pump();
        } else if (in instanceof WireCodec.Incoming.Connected) {
            if (handshake != null) {
                handshake.tryComplete();
            }
        } else if (in instanceof WireCodec.Incoming.HandshakeFailed) {
            if (handshake != null) {
                handshake.tryFail(new ConnectionLostException("the legacy handshake with " + endpoint.describe()
                        + " failed: the server does not speak protocol version 1"));
            }
        } else if (in instanceof WireCodec.Incoming.Ignored ignored) {
            LOG.debugf("ignored a message from %s: %s", endpoint.describe(), ignored.why());
        }
    }

    private void onEvent(MiddlewareEvent event) {
        if (JOBS_COLLECTION.equals(event.collection())) {
            jobWatcher.onJobEvent(event);
        }
        subscriptions.deliver(event);
    }

    private void onClosed(int gen, Short code, String reason) {
        if (gen != generation) {
            return;
        }
        generation++;
        ws = null;
        connected = false;
        stopPing();
        String why = "the connection to " + endpoint.describe() + " was lost"
                + (code == null ? "" : " (close code " + code + (reason == null ? "" : ", " + reason) + ")");
        for (PendingCall call : List.copyOf(inFlight.values())) {
            fail(call, new ConnectionLostException(call.context + ": " + why + " before the answer to "
                    + call.method + " arrived; it may or may not have run on the NAS"));
        }
        inFlight.clear();
        if (handshake != null) {
            handshake.tryFail(new ConnectionLostException(why + " during the handshake"));
        }
        subscriptions.endAll(name -> new ConnectionLostException("subscription " + name + " ended: " + why));
        // Ids restart at 1 when the middleware restarts: nothing cached under an id may be trusted any more.
        jobWatcher.forgetRecentJobs();
        if (state == State.READY) {
            LOG.warnf("%s; reconnecting", why);
            scheduleReconnect();
        }
    }

    private void closeSocket() {
        WireSocket socket = ws;
        if (socket != null) {
            socket.close();
        }
    }

    private void scheduleReconnect() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.RECONNECTING;
        long base = settings.reconnectInitialDelay().toMillis();
        long cap = settings.reconnectMaxDelay().toMillis();
        long delay = Math.min(cap, base << Math.min(reconnectAttempts, 20));
        // Jitter: several clients cut off by one NAS restart must not all come back in the same instant.
        long jittered = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
        reconnectAttempts++;
        vertx.setTimer(Math.max(1, jittered), t -> {
            if (state != State.RECONNECTING) {
                return;
            }
            resolveAndEstablish().onFailure(e -> {
                TrueNasException error = translateConnectFailure(e);
                lastReconnectError = error;
                LOG.warnf("reconnecting to %s failed (attempt %d): %s", endpoint.describe(), reconnectAttempts,
                        error.getMessage());
                if (error instanceof AuthenticationException || error instanceof TlsTrustException) {
                    // Waiting will not fix credentials or trust: tell the waiting callers now.
                    for (PendingCall call : List.copyOf(queue)) {
                        fail(call, error);
                    }
                    queue.clear();
                }
                if (state != State.CLOSED) {
                    state = State.RECONNECTING;
                    scheduleReconnect();
                }
            });
        });
    }


    private TrueNasException translateConnectFailure(Throwable e) {
        return ConnectFailures.translate(e, endpoint, trust.mismatch(), trust.lastSeen(), settings.connectTimeout());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Keepalive

    private void startPing() {
        stopPing();
        pingTimer = vertx.setPeriodic(settings.pingInterval().toMillis(), t -> {
            if (state != State.READY) {
                return;
            }
            loginFlow.renewReconnectTokenIfOld();
            Duration timeout = settings.callTimeout();
            enqueue(newCall("keepalive ping to " + endpoint.describe(), "core.ping", List.of()), timeout)
                    .onFailure(e -> {
                        if (e instanceof CallTimeoutException && state == State.READY) {
                            LOG.warnf("no answer to core.ping from %s within %s: reconnecting", endpoint.describe(),
                                    human(timeout));
                            closeSocket();
                        }
                    });
        });
    }

    private void stopPing() {
        if (pingTimer != -1) {
            vertx.cancelTimer(pingTimer);
            pingTimer = -1;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // What the login flow, the job watcher and the subscriptions use (on the client's context)

    boolean isReady() {
        return state == State.READY;
    }

    int generation() {
        return generation;
    }

    Protocol wireProtocol() {
        return codec.protocol();
    }

    /** The endpoint of the connection being logged in (its protocol decided). */
    Endpoint resolvedEndpoint() {
        return endpoint;
    }

    /** The server's leaf certificate on this TLS connection, or null (plain, unix socket, not connected). */
    java.security.cert.X509Certificate peerCertificate() {
        WireSocket socket = ws;
        return socket == null ? null : socket.peerCertificate();
    }

    Vertx vertx() {
        return vertx;
    }

    /** A call sent now, ahead of the queue (login, handshake). */
    Future<JsonNode> direct(String context, String method, List<?> params) {
        return submitDirect(newCall(context, method, params));
    }

    /** A call queued behind the others, with the call timeout. */
    Future<JsonNode> callWhenReady(String context, String method, List<?> params) {
        return enqueue(newCall(context, method, params), settings.callTimeout());
    }

    void runOnContext(Runnable action) {
        ctx.runOnContext(v -> action.run());
    }

    /** Tells the NAS a subscription is no longer wanted, when the connection that made it is still up. */
    void unsubscribeOnWire(String name, String ident) {
        if (ident == null || state != State.READY || ws == null) {
            return;
        }
        if (codec instanceof WireCodec.Legacy legacy) {
            ws.writeText(legacy.unsub(ident));
        } else {
            callWhenReady("unsubscribing from " + name, "core.unsubscribe", List.of(ident))
                    .onFailure(e -> LOG.debugf("unsubscribe failed: %s", e.getMessage()));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Public API

    @Override
    public JsonNode call(String method, Object... params) {
        return invoke("calling " + method, method, Arrays.asList(params), settings.callTimeout());
    }

    @Override
    public JsonNode call(String method, List<?> params, Duration timeout) {
        return invoke("calling " + method, method, params, timeout);
    }

    /** A call whose errors start with {@code context}, e.g. {@code failed to get app 'media'}. */
    JsonNode invoke(String context, String method, List<?> params, Duration timeout) {
        Duration limit = timeout == null ? settings.callTimeout() : timeout;
        PendingCall call = newCall(context, method, params);
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        ctx.runOnContext(v -> enqueue(call, limit).onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                result.completeExceptionally(ar.cause());
            }
        }));
        return await(result, context);
    }

    @Override
    public long startJob(String method, Object... params) {
        return startJob("calling " + method, method, Arrays.asList(params));
    }

    long startJob(String context, String method, List<?> params) {
        JsonNode id = invoke(context, method, params, settings.callTimeout());
        if (id == null || !id.canConvertToLong()) {
            throw new TrueNasException(context + ": " + method + " answered " + id + " instead of a job id; is it a"
                    + " job method?");
        }
        return id.asLong();
    }

    @Override
    public Job callJob(String method, JobListener listener, Object... params) {
        return invokeJob("calling " + method, method, listener, Arrays.asList(params));
    }

    /** Starts a job method and waits for its end; errors carry {@code context} and the job id. */
    Job invokeJob(String context, String method, JobListener listener, List<?> params) {
        long id = startJob(context, method, params);
        String firstArg = JobWatcher.firstArgOf(Json.params(params));
        return awaitJob(id, method, firstArg, context, listener, settings.jobTimeout());
    }

    Job awaitJob(long id, String method, String firstArg, String context, JobListener listener, Duration timeout) {
        JobWatcher.JobWatch w = new JobWatcher.JobWatch(id, method, firstArg, context,
                listener == null ? JobListener.NONE : listener);
        ctx.runOnContext(v -> jobWatcher.watch(w, timeout == null ? settings.jobTimeout() : timeout));
        return await(w.result, context);
    }

    @Override
    public Subscription subscribe(String name, Consumer<MiddlewareEvent> onEvent) {
        String context = "subscribing to " + name;
        Subscriptions.SubscriptionImpl sub = subscriptions.create(name, onEvent);
        PendingCall call;
        if (codec instanceof WireCodec.Legacy legacy) {
            String id = "sub-" + ids.incrementAndGet();
            // A legacy sub frame has no JSON-RPC equivalent; after a protocol change it is sent as core.subscribe.
            ArrayNode params = Json.params(List.of(name));
            call = new PendingCall(id, "sub " + name, c -> c instanceof WireCodec.Legacy l ? l.sub(id, name)
                    : c.encodeCall(id, "core.subscribe", params), context);
            sub.ident = id;
        } else {
            call = newCall(context, "core.subscribe", List.of(name));
        }
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            // Registered before sending: a failing event source sends notify_unsubscribed before the answer.
            subscriptions.add(sub);
            enqueue(call, settings.callTimeout()).onComplete(ar -> {
                if (ar.succeeded()) {
                    if (ar.result() != null && ar.result().isTextual()) {
                        sub.ident = ar.result().asText();
                    }
                    result.complete(ar.result());
                } else {
                    subscriptions.remove(name, sub);
                    result.completeExceptionally(ar.cause());
                }
            });
        });
        await(result, context);
        return sub;
    }

    @Override
    public AppsApi apps() {
        return apps;
    }

    @Override
    public JobsApi jobs() {
        return jobs;
    }

    @Override
    public Protocol protocol() {
        return endpoint.protocol();
    }

    @Override
    public String endpoint() {
        return endpoint.describe();
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            if (state == State.CLOSED) {
                closed.complete(null);
                return;
            }
            state = State.CLOSED;
            connected = false;
            stopPing();
            ConnectionLostException error = new ConnectionLostException("the client for " + endpoint.describe()
                    + " was closed");
            List.copyOf(queue).forEach(c -> fail(c, error));
            queue.clear();
            List.copyOf(inFlight.values()).forEach(c -> fail(c, error));
            inFlight.clear();
            jobWatcher.closeAll();
            subscriptions.endAll(name -> null);
            generation++;
            Future<Void> socketClosed = ws == null ? Future.succeededFuture() : ws.close();
            ws = null;
            socketClosed.eventually(x -> transport == null ? Future.succeededFuture() : transport.close())
                    .onComplete(x -> closed.complete(null));
        });
        try {
            closed.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf(e, "closing the connection to %s", endpoint.describe());
        }
        if (ownsVertx) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debugf(e, "closing Vert.x");
            }
        }
    }

    private static <T> T await(CompletableFuture<T> future, String context) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException(context + ": the TrueNAS client blocks; call it from a worker thread,"
                    + " not a Vert.x event loop");
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrueNasException(context + ": interrupted while waiting");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TrueNasException t) {
                throw t;
            }
            throw new TrueNasException(context + ": " + cause.getMessage(), cause);
        }
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms >= 60_000) {
            return ms / 60_000 + " min";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return ms + " ms";
    }
}
