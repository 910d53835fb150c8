package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import javax.net.ssl.SSLException;
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
    private static final int RECENT_JOBS = 512;

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
    private final Map<String, List<SubscriptionImpl>> subscriptions = new HashMap<>();
    private final Map<Long, List<JobWatch>> watches = new HashMap<>();
    private final LinkedHashMap<Long, Job> recentJobs = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Job> eldest) {
            return size() > RECENT_JOBS;
        }
    };
    private long pingTimer = -1;
    /**
     * With a session token: the single-use token for the next login, asked for while logged in; never logged.
     * Only touched on the client's context.
     */
    private String reconnectToken;
    private long reconnectTokenAt;
    private int reconnectAttempts;
    private TrueNasException lastReconnectError;

    private MiddlewareClient(ConnectionSettings settings, Vertx vertx, TlsTrust trust) {
        this.settings = settings;
        this.trust = trust;
        this.ownsVertx = vertx == null;
        this.vertx = vertx != null ? vertx : Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        this.ctx = ownContext(this.vertx);
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

    /**
     * How long the reconnect token stays valid unused (an inactivity ttl on the NAS); renewed at half of it, so a
     * NAS keeps at most a few of them (it drops expired tokens only when they are looked up).
     */
    static final Duration RECONNECT_TOKEN_TTL = Duration.ofHours(24);

    static MiddlewareClient connect(ConnectionSettings settings, Vertx vertx) {
        Objects.requireNonNull(settings, "settings");
        Endpoint parsed = Endpoint.parse(settings.url(), settings.protocol());
        checkTransport(parsed, settings);
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
        MiddlewareClient client = new MiddlewareClient(settings, vertx, trust);
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
        if (endpoint.tls() || endpoint.isLoopback()) {
            return;
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
    }

    // ---------------------------------------------------------------------------------------------------------
    // Connecting

    private void start() {
        Transport.checkSupported(endpoint, vertx, ownsVertx);
        CompletableFuture<Void> done = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            transport = new Transport(vertx, settings, trust);
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
                .compose(v -> login())
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
            watches.values().forEach(list -> List.copyOf(list).forEach(this::poll));
        }
        pump();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Login

    private Future<Void> login() {
        String where = "login to " + endpoint.describe();
        if (settings.sessionToken() != null) {
            return sessionTokenLogin(where);
        }
        if (settings.apiKey() != null) {
            if (codec.protocol() == Protocol.JSONRPC && settings.username() != null) {
                ObjectNode data = Json.MAPPER.createObjectNode();
                data.put("mechanism", "API_KEY_PLAIN");
                data.put("username", settings.username());
                data.put("api_key", settings.apiKey());
                data.putObject("login_options").put("user_info", false);
                return direct(where, "auth.login_ex", List.of(data)).compose(r -> loginExOutcome(where, r, true));
            }
            return direct(where, "auth.login_with_api_key", List.of(settings.apiKey()))
                    .compose(r -> r != null && r.asBoolean(false)
                            ? Future.succeededFuture()
                            : Future.failedFuture(new AuthenticationException(AuthenticationException.Reason.AUTH_ERR,
                                    where + " failed: the NAS refused the API key (wrong, expired or revoked; TrueNAS"
                                            + " 25.04+ revokes a key once used over an unencrypted connection): check"
                                            + " the key, or reset it in the TrueNAS UI (Credentials > Users > API"
                                            + " Keys) and update TRUENAS_API_KEY_FILE")));
        }
        if (settings.password() != null) {
            if (codec.protocol() == Protocol.JSONRPC) {
                ObjectNode data = Json.MAPPER.createObjectNode();
                data.put("mechanism", "PASSWORD_PLAIN");
                data.put("username", settings.username());
                data.put("password", settings.password());
                data.putObject("login_options").put("user_info", false);
                return direct(where, "auth.login_ex", List.of(data))
                        .compose(r -> loginExOutcome(where, r, false))
                        .recover(e -> e instanceof MethodNotFoundException ? legacyPasswordLogin(where)
                                : Future.failedFuture(e));
            }
            return legacyPasswordLogin(where);
        }
        return peerCredentialLogin(where);
    }

    /**
     * Logs in with the person's session token, or, on a reconnect, with the single-use token this client asked
     * for while it was logged in: the middleware destroys a token when the session that logged in with it ends,
     * so the first one cannot serve twice. Then asks for the next reconnect token.
     */
    private Future<Void> sessionTokenLogin(String where) {
        boolean reconnecting = reconnectToken != null;
        String token = reconnecting ? reconnectToken : settings.sessionToken();
        reconnectToken = null; // used up by this attempt, whatever its outcome
        Future<String> answer;
        if (codec.protocol() == Protocol.JSONRPC) {
            ObjectNode data = Json.MAPPER.createObjectNode();
            data.put("mechanism", "TOKEN_PLAIN");
            data.put("token", token);
            data.putObject("login_options").put("user_info", false);
            answer = direct(where, "auth.login_ex", List.of(data)).map(r -> String.valueOf(Json.text(r, "response_type")));
        } else {
            answer = direct(where, "auth.login_with_token", List.of(token))
                    .map(r -> r != null && r.asBoolean(false) ? "SUCCESS" : "AUTH_ERR");
        }
        return answer.compose(type -> "SUCCESS".equals(type)
                ? askForReconnectToken(where)
                : Future.failedFuture(new AuthenticationException(AuthenticationException.Reason.AUTH_ERR, reconnecting
                        ? where + " failed (" + type + "): the NAS refused the single-use token this client kept to"
                                + " reconnect with (the middleware restarted and forgot its tokens, or the connection"
                                + " was down for longer than the token's " + RECONNECT_TOKEN_TTL.toHours() + " h): write a"
                                + " new session token to the session token file and restart, or log in with an API"
                                + " key, which outlives restarts"
                        : where + " failed (" + type + "): the NAS refused the session token: it expired (unused"
                                + " for longer than its ttl, 600 s unless generate_token was given another), it was"
                                + " used before (single-use, or its session has ended: a token logs in one session),"
                                + " or it was made on a connection from another address (match_origin); generate a"
                                + " new one on a logged-in session (auth.generate_token) and write it to the session"
                                + " token file")));
    }

    /**
     * Asks the logged-in session for a single-use token bound to this client's address (25.04+; 24.10 has no
     * single-use tokens: there it is bound to the address only), kept in memory for the next reconnect and
     * never shown. A NAS that refuses leaves the client without one: a reconnect then needs a new token.
     */
    private Future<Void> askForReconnectToken(String where) {
        return direct(where + " (asking for a token to reconnect with)", "auth.generate_token", reconnectTokenArgs())
                .<Void>map(r -> {
                    keepReconnectToken(r);
                    return null;
                })
                .recover(e -> {
                    LOG.warnf("%s: the NAS gave no token to reconnect with (%s); after a lost connection a new"
                            + " session token will be needed", where, e.getMessage());
                    return Future.succeededFuture();
                });
    }

    private List<Object> reconnectTokenArgs() {
        long ttl = RECONNECT_TOKEN_TTL.toSeconds();
        return codec.protocol() == Protocol.JSONRPC
                ? List.of(ttl, Map.of(), true, true)
                : List.of(ttl, Map.of(), true);
    }

    private void keepReconnectToken(JsonNode answer) {
        if (answer != null && answer.isTextual() && !answer.asText().isBlank()) {
            reconnectToken = answer.asText();
            reconnectTokenAt = System.nanoTime();
        }
    }

    /** While connected: a reconnect token older than half its ttl is replaced, so that one is always valid. */
    private void renewReconnectTokenIfOld() {
        if (settings.sessionToken() == null || state != State.READY
                || System.nanoTime() - reconnectTokenAt < RECONNECT_TOKEN_TTL.toNanos() / 2) {
            return;
        }
        reconnectTokenAt = System.nanoTime(); // one renewal at a time
        enqueue(newCall("renewing the reconnect token on " + endpoint.describe(), "auth.generate_token",
                reconnectTokenArgs()), settings.callTimeout())
                .onSuccess(this::keepReconnectToken)
                .onFailure(e -> LOG.warnf("cannot renew the token to reconnect to %s with: %s", endpoint.describe(),
                        e.getMessage()));
    }

    /**
     * No credentials: only allowed on a unix socket, where the middleware logs a connection in by the peer's uid
     * when it opens (plugins/auth.py {@code check_permission}): uid 0 as root with full admin rights, the uid of a
     * NAS user with a privilege as that user; any other uid stays anonymous. {@code auth.me} tells which.
     */
    private Future<Void> peerCredentialLogin(String where) {
        return direct(where, "auth.me", List.of())
                .<Void>map(me -> {
                    String user = Json.text(me, "pw_name");
                    LOG.infof("logged in to %s as '%s' by the unix socket's peer credentials (uid %s)%s",
                            endpoint.describe(), user, ownUid(), "root".equals(user)
                                    ? ": full administrator rights on the NAS (docs/security.md)" : "");
                    return null;
                })
                .recover(e -> Future.failedFuture(e instanceof NotAuthenticatedException
                        ? new AuthenticationException(AuthenticationException.Reason.AUTH_ERR, where + " failed: the"
                                + " middleware did not log in this process (uid " + ownUid() + ") by its unix socket"
                                + " credentials; it does that only for root (uid 0, full admin rights) and for the uid"
                                + " of a NAS user that holds a privilege: run the container as such a user (compose"
                                + " 'user:'), or give an API key (TRUENAS_API_KEY_FILE) to log in with it over the"
                                + " socket; see docs/security.md")
                        : e));
    }

    /** This process's uid, for messages: the owner of /proc/self on Linux; "unknown" elsewhere. */
    static String ownUid() {
        try {
            return String.valueOf(java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid"));
        } catch (Exception | LinkageError e) {
            return "unknown";
        }
    }

    private Future<Void> legacyPasswordLogin(String where) {
        List<Object> params = new ArrayList<>(List.of(settings.username(), settings.password()));
        if (settings.otp() != null) {
            params.add(settings.otp());
        }
        return direct(where, "auth.login", params).compose(r -> r != null && r.asBoolean(false)
                ? Future.succeededFuture()
                : Future.failedFuture(new AuthenticationException(AuthenticationException.Reason.AUTH_ERR,
                        where + " failed: wrong username or password for user '" + settings.username()
                                + "' (or a one-time password is needed: --otp)")));
    }

    private Future<Void> loginExOutcome(String where, JsonNode response, boolean apiKey) {
        String type = Json.text(response, "response_type");
        String who = "user '" + settings.username() + "'";
        AuthenticationException failure = switch (type == null ? "" : type) {
            case "SUCCESS" -> null;
            case "AUTH_ERR" -> new AuthenticationException(AuthenticationException.Reason.AUTH_ERR, apiKey
                    ? where + " failed (AUTH_ERR): the NAS refused the API key for " + who
                            + ": check the key and that it belongs to that user"
                    : where + " failed (AUTH_ERR): wrong username or password for " + who);
            case "EXPIRED" -> new AuthenticationException(AuthenticationException.Reason.EXPIRED, apiKey
                    ? where + " failed (EXPIRED): the API key of " + who + " is expired or revoked (TrueNAS revokes a"
                            + " key once used over an unencrypted connection); reset the key in the TrueNAS UI"
                            + " (Credentials > Users > API Keys) or create a new one, then update"
                            + " TRUENAS_API_KEY_FILE"
                    : where + " failed (EXPIRED): the password of " + who + " has expired; change it in the"
                            + " TrueNAS UI");
            case "OTP_REQUIRED" -> settings.otp() != null ? null
                    : new AuthenticationException(AuthenticationException.Reason.OTP_REQUIRED, where
                            + " failed (OTP_REQUIRED): " + who + " has two-factor authentication; pass the current"
                            + " one-time password with --otp (or TRUENAS_OTP)");
            case "REDIRECT" -> new AuthenticationException(AuthenticationException.Reason.REDIRECT, where
                    + " failed (REDIRECT): this is a standby controller; connect to " + response.path("urls"));
            case "DENIED" -> new AuthenticationException(AuthenticationException.Reason.DENIED, where
                    + " failed (DENIED): " + who + " may not use the API; allow it in the TrueNAS UI");
            default -> new AuthenticationException(AuthenticationException.Reason.OTHER, where
                    + " failed: unexpected answer '" + type + "'");
        };
        if (failure != null) {
            return Future.failedFuture(failure);
        }
        if ("OTP_REQUIRED".equals(type)) {
            ObjectNode otp = Json.MAPPER.createObjectNode();
            otp.put("mechanism", "OTP_TOKEN");
            otp.put("otp_token", settings.otp());
            return direct(where, "auth.login_ex_continue", List.of(otp)).compose(r -> {
                String next = Json.text(r, "response_type");
                if ("SUCCESS".equals(next)) {
                    return Future.succeededFuture();
                }
                return Future.failedFuture(new AuthenticationException(AuthenticationException.Reason.AUTH_ERR,
                        where + " failed (" + next + "): the one-time password was not accepted; use a fresh one"));
            });
        }
        return Future.succeededFuture();
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
    private Future<JsonNode> direct(String context, String method, List<?> params) {
        return submitDirect(newCall(context, method, params));
    }

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
            List<SubscriptionImpl> ended = subscriptions.remove(u.collection());
            if (ended != null) {
                ended.forEach(s -> s.end(error));
            }
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
            onJobEvent(event);
        }
        List<SubscriptionImpl> subs = subscriptions.get(event.collection());
        if (subs != null) {
            for (SubscriptionImpl s : List.copyOf(subs)) {
                s.deliver(event);
            }
        }
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
        for (List<SubscriptionImpl> subs : List.copyOf(subscriptions.values())) {
            subs.forEach(s -> s.end(new ConnectionLostException("subscription " + s.name + " ended: " + why)));
        }
        subscriptions.clear();
        // Ids restart at 1 when the middleware restarts: nothing cached under an id may be trusted any more.
        recentJobs.clear();
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
        if (e instanceof TrueNasException tne) {
            return tne;
        }
        String where = endpoint.describe();
        if (trust.mismatch() != null) {
            return new TlsTrustException("the TLS certificate of " + where + " does not match the pinned fingerprint: "
                    + trust.mismatch() + "; if the NAS's certificate was renewed on purpose, check the new one in the"
                    + " TrueNAS UI and pin it, otherwise someone may be intercepting the connection", e);
        }
        if (causedBy(e, io.netty.handler.ssl.SslHandshakeTimeoutException.class)) {
            // A slow handshake is load or a stalled path, not a verdict on the certificate: retry, don't stall.
            return new ConnectionLostException("the TLS handshake with " + where + " did not finish within "
                    + human(settings.connectTimeout()) + " (" + rootMessage(e) + "): the NAS or this machine is"
                    + " overloaded, or something between them holds the connection", e);
        }
        if (causedBy(e, javax.net.ssl.SSLHandshakeException.class)
                || causedBy(e, java.security.cert.CertificateException.class)) {
            String seen = trust.lastSeen();
            return new TlsTrustException("the TLS certificate of " + where + " is not trusted (" + rootMessage(e)
                    + "); if it is the NAS's own (self-signed) certificate, check its fingerprint in the TrueNAS UI"
                    + " and pin it with --tls-fingerprint" + (seen == null ? "" : " (the server presented " + seen + ")")
                    + ", or trust its CA with --ca-file", e);
        }
        if (causedBy(e, SSLException.class)) {
            return new ConnectionLostException("TLS with " + where + " failed (" + rootMessage(e) + "); check that"
                    + " the URL's port serves HTTPS (the TrueNAS web UI's port, usually 443) and that the NAS is up", e);
        }
        if (e instanceof UpgradeRejectedException rejected) {
            // A 5xx is a middleware starting, restarting or overloaded; a 404 or 24.10's redirect to the UI (302)
            // says the path does not exist on this release.
            String hint = rejected.getStatus() >= 500 ? " (the middleware is starting, restarting or overloaded);"
                    + " it is retried"
                    : endpoint.protocol() != Protocol.JSONRPC ? ""
                    : endpoint.isUnixSocket()
                            ? "; TrueNAS 24.10 has no /api/current: drop --protocol JSONRPC (or use LEGACY)"
                            : "; TrueNAS 24.10 has no /api/current: use " + (endpoint.tls() ? "wss://" : "ws://")
                                    + endpoint.hostForUri() + "/websocket or no path at all";
            return new ConnectionLostException("the NAS at " + where + " refused the WebSocket upgrade (HTTP "
                    + rejected.getStatus() + ")" + hint, e);
        }
        if (endpoint.isUnixSocket()) {
            return UnixSocketProblem.explain(endpoint.socketPath(), e, ownUid());
        }
        if (causedBy(e, ConnectException.class)) {
            return new ConnectionLostException("cannot connect to " + where + ": " + rootMessage(e)
                    + "; check the URL and that the NAS is up", e);
        }
        return new ConnectionLostException("cannot connect to " + where + ": " + rootMessage(e), e);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Keepalive

    private void startPing() {
        stopPing();
        pingTimer = vertx.setPeriodic(settings.pingInterval().toMillis(), t -> {
            if (state != State.READY) {
                return;
            }
            renewReconnectTokenIfOld();
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
    // Jobs

    /** One caller waiting for one job's end. */
    private final class JobWatch {
        final long id;
        final String method;
        final String firstArg;
        final String context;
        final JobListener listener;
        final CompletableFuture<Job> result = new CompletableFuture<>();
        Long timeStarted;
        String lastSeen;
        long timeoutTimer = -1;
        long pollTimer = -1;

        JobWatch(long id, String method, String firstArg, String context, JobListener listener) {
            this.id = id;
            this.method = method;
            this.firstArg = firstArg;
            this.context = context;
            this.listener = listener;
        }
    }

    private void onJobEvent(MiddlewareEvent event) {
        JsonNode fields = event.fields();
        long id = event.id() != null && event.id().canConvertToLong() ? event.id().asLong()
                : fields != null ? fields.path("id").asLong(-1) : -1;
        if (id < 0 || fields == null || !fields.isObject()) {
            return;
        }
        Job previous = recentJobs.get(id);
        ObjectNode merged = previous != null && previous.raw() instanceof ObjectNode o ? o.deepCopy()
                : Json.MAPPER.createObjectNode();
        merged.setAll((ObjectNode) fields);
        merged.put("id", id);
        Job job = Job.fromWire(merged);
        recentJobs.put(id, job);
        List<JobWatch> list = watches.get(id);
        if (list != null) {
            List.copyOf(list).forEach(w -> onJobUpdate(w, job));
        }
    }

    private void watch(JobWatch w, Duration timeout) {
        watches.computeIfAbsent(w.id, k -> new ArrayList<>()).add(w);
        w.timeoutTimer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> finish(w, null,
                new CallTimeoutException(w.context + ": job " + w.id + describeMethod(w) + " did not finish within "
                        + human(timeout) + "; it goes on running on the NAS (follow it with 'jobs wait " + w.id + "')",
                        null, null, List.of(), w.id, null)));
        Job cached = recentJobs.get(w.id);
        if (cached != null) {
            onJobUpdate(w, cached);
        }
        if (!w.result.isDone()) {
            poll(w);
            w.pollTimer = vertx.setPeriodic(settings.jobPollInterval().toMillis(), t -> poll(w));
        }
    }

    private void poll(JobWatch w) {
        if (w.result.isDone() || state != State.READY) {
            return;
        }
        ArrayNode filter = Json.MAPPER.createArrayNode();
        filter.addArray().addArray().add("id").add("=").add(w.id);
        int gen = generation;
        enqueue(newCall(w.context, "core.get_jobs", List.of(filter.get(0))), settings.callTimeout()).onComplete(ar -> {
            if (ar.failed() || w.result.isDone()) {
                return; // a lost connection polls again after the reconnect
            }
            JsonNode rows = ar.result();
            if (rows == null || !rows.isArray() || rows.isEmpty()) {
                finish(w, null, new JobOutcomeUnknownException(w.context + ": job " + w.id + describeMethod(w)
                        + " is no longer known to the middleware (it restarts job ids at 1 when it restarts), so its"
                        + " outcome is unknown; check the app's state before trying again",
                        null, null, List.of(), w.id, null));
                return;
            }
            if (gen == generation) {
                Job job = Job.fromWire(rows.get(0));
                Job newer = recentJobs.get(w.id);
                // An event that overtook this poll is the fresher truth.
                onJobUpdate(w, newer != null && newer.isFinished() ? newer : job);
            }
        });
    }

    private void onJobUpdate(JobWatch w, Job job) {
        if (w.result.isDone()) {
            return;
        }
        String mismatch = identityMismatch(w, job);
        if (mismatch != null) {
            finish(w, null, new JobOutcomeUnknownException(w.context + ": job id " + w.id + " now names another job ("
                    + mismatch + "); the middleware probably restarted, so the outcome of the awaited"
                    + describeMethod(w) + " job is unknown; check the app's state before trying again",
                    null, null, List.of(), w.id, null));
            return;
        }
        String seen = job.state() + "|" + job.progressPercent() + "|" + job.progressDescription();
        if (!seen.equals(w.lastSeen)) {
            w.lastSeen = seen;
            try {
                w.listener.onUpdate(job);
            } catch (RuntimeException e) {
                LOG.debugf(e, "a job listener failed");
            }
        }
        if (job.isFinished()) {
            if ("SUCCESS".equals(job.state())) {
                finish(w, job, null);
            } else {
                finish(w, null, ErrorMapper.fromJob(w.context, job));
            }
        }
    }

    /** Why the job found under the awaited id is not the awaited job, or null when it is. */
    private static String identityMismatch(JobWatch w, Job job) {
        if (w.method != null && job.method() != null && !w.method.equals(job.method())) {
            return "it is a " + job.method() + " job";
        }
        if (w.firstArg != null && job.raw() != null) {
            String actual = firstArgOf(job.raw().get("arguments"));
            if (actual != null && !actual.equals(w.firstArg)) {
                return "it works on '" + actual + "'";
            }
        }
        Long started = job.timeStartedMillis();
        if (started != null) {
            if (w.timeStarted == null) {
                w.timeStarted = started;
            } else if (!started.equals(w.timeStarted)) {
                return "it started at another time";
            }
        }
        return null;
    }

    /** The app name a job works on: a leading string argument, or {@code app_name} of a leading object. */
    static String firstArgOf(JsonNode arguments) {
        if (arguments == null || !arguments.isArray() || arguments.isEmpty()) {
            return null;
        }
        JsonNode first = arguments.get(0);
        if (first.isTextual()) {
            return first.asText();
        }
        if (first.isObject() && first.get("app_name") != null && first.get("app_name").isTextual()) {
            return first.get("app_name").asText();
        }
        return null;
    }

    private void finish(JobWatch w, Job job, TrueNasException error) {
        if (w.timeoutTimer != -1) {
            vertx.cancelTimer(w.timeoutTimer);
        }
        if (w.pollTimer != -1) {
            vertx.cancelTimer(w.pollTimer);
        }
        List<JobWatch> list = watches.get(w.id);
        if (list != null) {
            list.remove(w);
            if (list.isEmpty()) {
                watches.remove(w.id);
            }
        }
        if (error != null) {
            w.result.completeExceptionally(error);
        } else {
            w.result.complete(job);
        }
    }

    private static String describeMethod(JobWatch w) {
        return w.method == null ? "" : " (" + w.method + ")";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Subscriptions

    private final class SubscriptionImpl implements Subscription {
        final String name;
        final Consumer<MiddlewareEvent> handler;
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        volatile String ident;

        SubscriptionImpl(String name, Consumer<MiddlewareEvent> handler) {
            this.name = name;
            this.handler = handler;
        }

        void deliver(MiddlewareEvent event) {
            if (ended.isDone()) {
                return;
            }
            try {
                handler.accept(event);
            } catch (RuntimeException e) {
                LOG.debugf(e, "a handler of %s failed", name);
            }
        }

        void end(TrueNasException error) {
            if (error == null) {
                ended.complete(null);
            } else {
                ended.completeExceptionally(error);
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean awaitEnd(Duration timeout) throws InterruptedException {
            try {
                ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw e.getCause() instanceof TrueNasException t ? t
                        : new TrueNasException("subscription " + name + " failed", e.getCause());
            }
        }

        @Override
        public boolean isEnded() {
            return ended.isDone();
        }

        @Override
        public void close() {
            if (ended.isDone()) {
                return;
            }
            ended.complete(null);
            ctx.runOnContext(v -> {
                List<SubscriptionImpl> subs = subscriptions.get(name);
                if (subs != null) {
                    subs.remove(this);
                    if (subs.isEmpty()) {
                        subscriptions.remove(name);
                    }
                }
                if (ident == null || state != State.READY || ws == null) {
                    return;
                }
                if (codec instanceof WireCodec.Legacy legacy) {
                    ws.writeText(legacy.unsub(ident));
                } else {
                    enqueue(newCall("unsubscribing from " + name, "core.unsubscribe", List.of(ident)),
                            settings.callTimeout()).onFailure(e -> LOG.debugf("unsubscribe failed: %s", e.getMessage()));
                }
            });
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
        String firstArg = firstArgOf(Json.params(params));
        return awaitJob(id, method, firstArg, context, listener, settings.jobTimeout());
    }

    Job awaitJob(long id, String method, String firstArg, String context, JobListener listener, Duration timeout) {
        JobWatch w = new JobWatch(id, method, firstArg, context, listener == null ? JobListener.NONE : listener);
        ctx.runOnContext(v -> watch(w, timeout == null ? settings.jobTimeout() : timeout));
        return await(w.result, context);
    }

    @Override
    public Subscription subscribe(String name, Consumer<MiddlewareEvent> onEvent) {
        String context = "subscribing to " + name;
        SubscriptionImpl sub = new SubscriptionImpl(name, onEvent);
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
            subscriptions.computeIfAbsent(name, k -> new ArrayList<>()).add(sub);
            enqueue(call, settings.callTimeout()).onComplete(ar -> {
                if (ar.succeeded()) {
                    if (ar.result() != null && ar.result().isTextual()) {
                        sub.ident = ar.result().asText();
                    }
                    result.complete(ar.result());
                } else {
                    List<SubscriptionImpl> subs = subscriptions.get(name);
                    if (subs != null) {
                        subs.remove(sub);
                    }
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
            watches.values().forEach(list -> List.copyOf(list).forEach(w -> finish(w, null,
                    new ConnectionLostException(w.context + ": the client was closed while waiting for job " + w.id
                            + "; it goes on running on the NAS", null, null, List.of(), w.id, null))));
            subscriptions.values().forEach(list -> list.forEach(s -> s.end(null)));
            subscriptions.clear();
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
