package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The emulated middlewared: methods, authentication, jobs, apps, events and event sources. Protocol framing
 * lives in the sessions; this class holds the state, guarded by one lock.
 */
final class Middleware {
    static final Pattern APP_NAME = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
    static final String APP_NAME_PATTERN_MSG = "String should match pattern '^[a-z]([-a-z0-9]*[a-z0-9])?$'";
    private static final int LOCK_QUEUE_SIZE = 5;
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter LOG_TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LOG_PREFIX =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @FunctionalInterface
    interface Handler {
        JsonNode call(Session session, ArrayNode params);
    }

    private record MethodDef(String name, boolean noAuth, boolean rateLimited, Handler handler) {}

    /**
     * A session token ({@code auth.generate_token}): {@code ttl} is an inactivity window refreshed by every use,
     * {@code origin} the client address it is bound to (match_origin) or null, {@code attrs} whether it was made
     * with attributes (such tokens are for downloads and the like, never for logging in).
     */
    record Token(String value, String username, String origin, Duration ttl, boolean singleUse, boolean attrs,
            long[] lastUsed) {
        boolean valid(long now) {
            return now - lastUsed[0] < ttl.toNanos();
        }
    }

    /** Thrown inside a job body whose middleware was restarted: the job silently stops. */
    private static final class JobCancelled extends RuntimeException {
        JobCancelled() {
            super("middleware restarted", null, false, false);
        }
    }

    private final EmulatorOptions options;
    private final Faults faults;
    private final CallLog callLog = new CallLog();
    /** Pools, datasets and snapshots ({@link StorageMethods}); a dataset an alive container mounts is busy. */
    private final EmulatedStorage storage = new EmulatedStorage(this::hostPathsInUse);
    private final Object lock = new Object();
    private final Map<String, AppRecord> apps = new TreeMap<>();
    private final Map<Long, JobRecord> jobs = new LinkedHashMap<>();
    private final Map<String, Deque<JobRecord>> waitingByLock = new HashMap<>();
    private final Set<String> runningLocks = new HashSet<>();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    /** Replaced as a whole on an upgrade, so a lookup never sees a half-registered release. */
    private volatile Map<String, MethodDef> methods = Map.of();
    private Map<String, MethodDef> registering;
    private volatile Release release;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> rateLimit = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    /** In memory, or real containers on a Docker Engine ({@code options.docker()}). */
    private final ContainerBackend containers;
    private final String apiKey;
    private final int apiKeyId;
    private volatile boolean apiKeyRevoked;
    private volatile int generation = 1;
    private long nextJobId = 1;

    Middleware(EmulatorOptions options) {
        this.options = options;
        this.release = options.release();
        this.faults = new Faults(options);
        this.apiKey = options.apiKey() == null ? "1-" + randomAlnum(64) : options.apiKey();
        int dash = apiKey.indexOf('-');
        int id = 1;
        try {
            id = dash > 0 ? Integer.parseInt(apiKey.substring(0, dash)) : 1;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("emulator: the API key must look like <id>-<key> with a numeric id");
        }
        this.apiKeyId = id;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory daemon = r -> {
            Thread t = new Thread(r, "truenas-emulator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.workers = Executors.newCachedThreadPool(daemon);
        this.timers = Executors.newScheduledThreadPool(2, daemon);
        try {
            this.containers = options.docker() == null ? new InMemoryContainers() : new DockerContainers(this, options.docker());
        } catch (RuntimeException e) {
            shutdownThreads();
            throw e;
        }
        timers.scheduleAtFixedRate(this::dropIdleConnections, 100, 100, TimeUnit.MILLISECONDS);
        installMethods();
    }

    private synchronized void installMethods() {
        registering = new HashMap<>();
        registerMethods();
        methods = Map.copyOf(registering);
        registering = null;
    }

    // ---------------------------------------------------------------- plumbing

    ExecutorService workers() {
        return workers;
    }

    CallLog callLog() {
        return callLog;
    }

    Faults faults() {
        return faults;
    }

    Release release() {
        return release;
    }

    /**
     * An upgrade of TrueNAS: the middleware comes back as {@code next} (its methods, endpoints and quirks) after
     * a restart that drops every connection and forgets every job; apps, containers and the API key stay.
     */
    void upgrade(Release next) {
        release = next;
        installMethods();
        restart();
    }

    int generation() {
        return generation;
    }

    String apiKey() {
        return apiKey;
    }

    boolean hasMethod(String name) {
        return methods.containsKey(name);
    }

    void register(Session session) {
        sessions.add(session);
    }

    void unregister(Session session) {
        logoutToken(session);
        session.closed = true;
        sessions.remove(session);
        session.subscriptions.clear();
        session.logFollowers.values().forEach(LogFollower::cancel);
        session.logFollowers.clear();
    }

    void shutdown() {
        try {
            containers.close();
        } finally {
            shutdownThreads();
        }
    }

    private void shutdownThreads() {
        timers.shutdownNow();
        workers.shutdownNow();
    }

    /** Middleware restart: every connection dropped, jobs and tokens forgotten, job ids from 1 again. */
    void restart() {
        synchronized (lock) {
            generation++;
            jobs.clear();
            waitingByLock.clear();
            runningLocks.clear();
            nextJobId = 1;
            tokens.clear();
            rateLimit.clear();
        }
        for (Session s : List.copyOf(sessions)) {
            unregister(s);
            s.drop();
        }
    }

    void revokeReset() {
        apiKeyRevoked = false;
    }

    boolean apiKeyRevoked() {
        return apiKeyRevoked;
    }

    /**
     * plugins/auth.py {@code SessionManager._app_on_message}: every message of a session logged in with a token
     * first checks the token (expired: the session is logged out) and then refreshes it.
     */
    void onMessage(Session session) {
        Session.Credentials c = session.credentials;
        if (c == null || c.token() == null) {
            return;
        }
        // The session holds the token itself: a single-use token, gone from the manager since the login, keeps
        // its session alive as long as it is used within its ttl.
        Token token = c.token();
        long now = System.nanoTime();
        if (!token.valid(now)) {
            logoutToken(session);
            session.credentials = null;
            return;
        }
        token.lastUsed()[0] = now;
    }

    /** A token session's logout (or close) destroys the token it logged in with (TokenSessionManagerCredentials.logout). */
    private void logoutToken(Session session) {
        Session.Credentials c = session.credentials;
        if (c != null && c.token() != null) {
            tokens.remove(c.token().value());
        }
    }

    void ageTokens(Duration idle) {
        tokens.values().forEach(t -> t.lastUsed()[0] -= idle.toNanos());
    }

    int liveTokens() {
        long now = System.nanoTime();
        return (int) tokens.values().stream().filter(t -> t.valid(now)).count();
    }

    private void dropIdleConnections() {
        Duration timeout = faults.idleTimeout();
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            return;
        }
        long now = System.nanoTime();
        for (Session s : List.copyOf(sessions)) {
            // The idle timeout is nginx's; unix socket connections reach middlewared without nginx.
            if (s.peerUid == null && now - s.lastServerSendNanos > timeout.toNanos()) {
                unregister(s);
                s.drop();
            }
        }
    }

    // ---------------------------------------------------------------- calls and authorization

    /** get_method + authorize_method_call + latency + the call itself (on a worker thread). */
    JsonNode invoke(Session session, String method, ArrayNode params) {
        callLog.record(method);
        MethodDef def = authorizeOnly(session, method);
        Duration latency = faults.latencyOf(method);
        if (!latency.isZero()) {
            sleep(latency);
        }
        JsonNode result = def.handler().call(session, params);
        return result == null ? NullNode.instance : result;
    }

    MethodDef authorizeOnly(Session session, String method) {
        MethodDef def = methods.get(method);
        if (def == null) {
            int dot = method.lastIndexOf('.');
            String service = dot < 0 ? method : method.substring(0, dot);
            String attr = dot < 0 ? method : method.substring(dot + 1);
            boolean known = methods.keySet().stream().anyMatch(m -> m.startsWith(service + "."));
            throw new MiddlewareError.Call(Errno.ENOMETHOD, known
                    ? "Method " + Py.repr(attr) + " not found in " + Py.repr(service)
                    : "Service " + Py.repr(service) + " not found");
        }
        if (def.noAuth()) {
            if (session.authenticated() && release() != Release.V24_10) {
                return def; // "Do not rate limit authenticated users" (25.04+)
            }
            // utils/rate_limit/cache.py: unix socket connections are never rate limited.
            if (def.rateLimited() && session.peerUid == null && rateLimitExceeded(method, session.remoteAddress)) {
                Duration max = options.rateLimitMaxSleep();
                if (max != null && !max.isZero()) {
                    long min = Math.min(1000, max.toMillis());
                    sleep(Duration.ofMillis(min + (long) (RANDOM.nextDouble() * (max.toMillis() - min))));
                }
                throw new MiddlewareError.Call(Errno.EBUSY, "Rate Limit Exceeded");
            }
            return def;
        }
        if (!session.authenticated()) {
            throw new MiddlewareError.Call(Errno.ENOTAUTHENTICATED, "Not authenticated");
        }
        return def;
    }

    private boolean rateLimitExceeded(String method, String address) {
        Deque<Long> calls = rateLimit.computeIfAbsent(method + "|" + address, k -> new ArrayDeque<>());
        synchronized (calls) {
            long now = System.nanoTime();
            long window = options.rateLimitWindow().toNanos();
            while (!calls.isEmpty() && now - calls.peekFirst() > window) {
                calls.pollFirst();
            }
            calls.addLast(now);
            return calls.size() > options.rateLimitCalls();
        }
    }

    /** The peer uids of the open unix socket connections. */
    List<Integer> unixPeerUids() {
        return sessions.stream().map(x -> x.peerUid).filter(java.util.Objects::nonNull).toList();
    }

    /** The uid of the NAS's built-in admin user (account_/constants.py ADMIN_UID): {@code username} here. */
    static final int ADMIN_UID = 950;

    /**
     * plugins/auth.py {@code check_permission}, the {@code core.on_connect} hook: a unix socket connection from uid
     * 0 is logged in as root with full admin rights; from the uid of a NAS user with a privilege as that user (here
     * the one user, {@code username}, as {@link #ADMIN_UID}); from any other uid it stays anonymous and must log in.
     */
    void onUnixConnect(Session session, int uid) {
        session.peerUid = uid;
        if (uid == 0) {
            session.credentials = new Session.Credentials("root", "UNIX_SOCKET", null, null);
        } else if (uid == ADMIN_UID) {
            session.credentials = new Session.Credentials(options.username(), "UNIX_SOCKET", null, null);
        }
    }

    boolean canSubscribe(Session session) {
        return session.authenticated();
    }

    private static void sleep(Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void failedLoginDelay() {
        sleep(options.failedLoginDelay());
    }

    private void def(String name, Handler handler) {
        registering.put(name, new MethodDef(name, false, false, handler));
    }

    private void noAuth(String name, boolean rateLimited, Handler handler) {
        registering.put(name, new MethodDef(name, true, rateLimited, handler));
    }

    private void registerMethods() {
        boolean v2504 = release().jsonRpc();
        boolean v2510 = release() == Release.V25_10;
        noAuth("auth.login_with_api_key", true, this::loginWithApiKey);
        noAuth("auth.login", true, this::login);
        noAuth("auth.login_with_token", true, this::loginWithToken);
        def("auth.me", (s, p) -> me(s, true));
        def("auth.logout", (s, p) -> {
            logoutToken(s);
            s.credentials = null;
            return BooleanNode.TRUE;
        });
        def("auth.generate_token", this::generateToken);
        if (v2510) {
            // 25.10: authentication_required=False (and rate limited before login, like the logins).
            noAuth("core.ping", true, (s, p) -> TextNode.valueOf("pong"));
        } else {
            def("core.ping", (s, p) -> TextNode.valueOf("pong"));
        }
        def("system.info", (s, p) -> systemInfo());
        def("system.version", (s, p) -> TextNode.valueOf(release().fullName()));
        def("system.version_short", (s, p) -> TextNode.valueOf(release().version()));
        def("core.get_jobs", (s, p) -> getJobs(arg(p, 0), arg(p, 1)));
        def("core.job_abort", (s, p) -> jobAbort(arg(p, 0)));
        if (v2504) {
            noAuth("auth.login_ex", true, (s, p) -> loginEx(s, arg(p, 0), false));
            noAuth("auth.login_ex_continue", true, (s, p) -> loginEx(s, arg(p, 0), true));
            noAuth("auth.mechanism_choices", true, (s, p) -> {
                if (!s.authenticated()) {
                    // 25.04.2+ bug: the check dereferences the missing credentials of an anonymous session.
                    throw new MiddlewareError.Other("AttributeError",
                            "'NoneType' object has no attribute 'may_create_auth_token'");
                }
                ArrayNode out = Json.array();
                List.of("API_KEY_PLAIN", "PASSWORD_PLAIN", "TOKEN_PLAIN", "OTP_TOKEN").forEach(out::add);
                return out;
            });
            noAuth("core.set_options", false, (s, p) -> v2510 ? s.setOptions(arg(p, 0)) : NullNode.instance);
            def("core.subscribe", this::coreSubscribe);
            def("core.unsubscribe", (s, p) -> {
                unsubscribe(s, textArg(p, 0, "ident"));
                return NullNode.instance;
            });
        }
        def("app.query", (s, p) -> appQuery(arg(p, 0), arg(p, 1)));
        def("app.get_instance", (s, p) -> appGetInstance(p));
        def("app.config", (s, p) -> appConfig(p));
        def("app.container_ids", (s, p) -> containerIds(p));
        def("app.used_ports", (s, p) -> usedPorts());
        def("app.available_space", (s, p) -> {
            requireDocker();
            return LongNode.valueOf(1_000_000_000_000L);
        });
        def("docker.status", (s, p) -> dockerStatus());
        def("docker.config", (s, p) -> dockerConfig());
        def("app.create", (s, p) -> submit(s, "app.create", p, createLock(p), ctx -> appCreate(ctx, p)));
        def("app.update", (s, p) -> submit(s, "app.update", p, nameLock("app_update_", p), ctx -> appUpdate(ctx, p)));
        def("app.delete", (s, p) -> submit(s, "app.delete", p, nameLock("app_delete_", p), ctx -> appDelete(ctx, p)));
        def("app.start", (s, p) -> submit(s, "app.start", p, nameLock("app_start_", p), ctx -> appStart(ctx, p)));
        def("app.stop", (s, p) -> submit(s, "app.stop", p, nameLock("app_stop_", p), ctx -> appStop(ctx, p)));
        def("app.redeploy", (s, p) -> submit(s, "app.redeploy", p, nameLock("app_redeploy_", p), ctx -> appRedeploy(ctx, p)));
        def("app.pull_images", (s, p) -> submit(s, "app.pull_images", p, nameLock("pull_images_", p), ctx -> appPullImages(ctx, p)));
        StorageMethods.register(release(), storage, this::def);
    }

    EmulatedStorage storage() {
        return storage;
    }

    /** The host paths that alive containers bind-mount. */
    private Set<String> hostPathsInUse() {
        return withLock(() -> {
            Set<String> out = new HashSet<>();
            apps.values().forEach(a -> a.containers.stream().filter(AppRecord.ContainerRecord::alive)
                    .forEach(c -> c.mounts.stream().filter(m -> "bind".equals(m.path("type").asText()))
                            .forEach(m -> out.add(m.path("source").asText()))));
            return out;
        });
    }

    private static JsonNode arg(ArrayNode params, int i) {
        return params.size() > i ? params.get(i) : null;
    }

    private static String textArg(ArrayNode params, int i, String attr) {
        JsonNode v = arg(params, i);
        if (v == null) {
            throw MiddlewareError.Validation.of(attr, "Field required");
        }
        if (!v.isTextual()) {
            throw MiddlewareError.Validation.of(attr, "Input should be a valid string");
        }
        return v.asText();
    }

    // ---------------------------------------------------------------- authentication

    private ObjectNode credentialsDump(Session.Credentials c) {
        ObjectNode out = Json.object();
        out.put("type", c.type());
        ObjectNode data = out.putObject("data");
        data.put("username", c.username());
        if (c.apiKeyId() != null) {
            ObjectNode key = data.putObject("api_key");
            key.put("id", c.apiKeyId());
            key.put("name", c.apiKeyName());
        }
        return out;
    }

    private JsonNode me(Session s, boolean strict) {
        Session.Credentials c = s.credentials;
        if (strict && release() == Release.V24_10 && "API_KEY".equals(c.type())) {
            throw new MiddlewareError.Call(Errno.EFAULT, "You are logged in using API_KEY");
        }
        ObjectNode me = Json.object();
        me.put("pw_name", c.username());
        me.put("pw_gecos", c.username().equals("root") ? "root" : "Local Administrator");
        me.put("pw_dir", c.username().equals("root") ? "/root" : "/home/" + c.username());
        me.put("pw_shell", "/usr/bin/zsh");
        boolean root = c.username().equals("root");
        me.put("pw_uid", root ? 0 : ADMIN_UID);
        me.put("pw_gid", root ? 0 : ADMIN_UID);
        me.putArray("grouplist").add(root ? 0 : ADMIN_UID).add(544);
        me.putNull("sid");
        me.put("source", "LOCAL");
        me.put("local", true);
        me.putObject("attributes");
        ObjectNode twoFactor = me.putObject("two_factor_config");
        twoFactor.put("secret_configured", options.otpSecret() != null);
        twoFactor.put("interval", 30);
        twoFactor.put("otp_digits", 6);
        ObjectNode privilege = me.putObject("privilege");
        privilege.putObject("roles").putArray("$set").add("FULL_ADMIN");
        privilege.put("web_shell", true);
        me.putArray("account_attributes").add("LOCAL").add("SYS_ADMIN");
        return me;
    }

    private boolean keyMatches(String key) {
        return key != null && java.security.MessageDigest.isEqual(key.getBytes(), apiKey.getBytes());
    }

    private ObjectNode response(String type) {
        ObjectNode r = Json.object();
        r.put("response_type", type);
        return r;
    }

    private ObjectNode success(Session s, boolean userInfo) {
        ObjectNode r = response("SUCCESS");
        if (userInfo) {
            r.set("user_info", me(s, false));
        } else {
            r.putNull("user_info");
        }
        r.put("authenticator", "LEVEL_1");
        return r;
    }

    /** login_ex API_KEY_PLAIN, including the 25.04 insecure-transport revocation. */
    private String apiKeyPlain(Session s, String username, String key) {
        if (!keyMatches(key) || !options.username().equals(username)) {
            failedLoginDelay();
            return "AUTH_ERR";
        }
        if (apiKeyRevoked) {
            failedLoginDelay();
            return "EXPIRED";
        }
        if (!s.secureTransport) {
            apiKeyRevoked = true;
            return "EXPIRED";
        }
        s.pendingOtpUser = null;
        s.credentials = new Session.Credentials(options.username(), "API_KEY", apiKeyId, "truenas-gitops");
        return "SUCCESS";
    }

    private JsonNode loginWithApiKey(Session s, ArrayNode p) {
        String key = textArg(p, 0, "api_key");
        if (release() == Release.V24_10) {
            if (keyMatches(key)) {
                s.credentials = new Session.Credentials(options.username(), "API_KEY", apiKeyId, "truenas-gitops");
                return BooleanNode.TRUE;
            }
            failedLoginDelay();
            return BooleanNode.FALSE;
        }
        return BooleanNode.valueOf(apiKeyPlain(s, options.username(), key).equals("SUCCESS"));
    }

    private boolean passwordMatches(String username, String password) {
        return options.username().equals(username) && options.password() != null && options.password().equals(password);
    }

    private JsonNode login(Session s, ArrayNode p) {
        String username = textArg(p, 0, "username");
        String password = textArg(p, 1, "password");
        JsonNode otp = arg(p, 2);
        if (!passwordMatches(username, password)) {
            failedLoginDelay();
            return BooleanNode.FALSE;
        }
        if (options.otpSecret() != null && (otp == null || otp.isNull() || !Totp.verify(options.otpSecret(), otp.asText()))) {
            failedLoginDelay();
            return BooleanNode.FALSE;
        }
        s.credentials = new Session.Credentials(username, "LOGIN_PASSWORD", null, null);
        return BooleanNode.TRUE;
    }

    private JsonNode loginWithToken(Session s, ArrayNode p) {
        String token = textArg(p, 0, "token");
        return BooleanNode.valueOf(tokenLogin(s, token));
    }

    /**
     * TOKEN_PLAIN / auth.login_with_token (TokenManager.get): an unknown, expired (popped), foreign-origin or
     * attribute-carrying token is refused alike, with AUTH_ERR after the failed-login delay; a single-use token
     * is destroyed by the login, any other by the logout (or close) of the session it logged in.
     */
    private boolean tokenLogin(Session s, String value) {
        Token token = value == null ? null : tokens.get(value);
        long now = System.nanoTime();
        if (token != null && !token.valid(now)) {
            tokens.remove(value);
            token = null;
        }
        if (token == null || token.attrs() || (token.origin() != null && !token.origin().equals(s.remoteAddress))) {
            failedLoginDelay();
            return false;
        }
        if (token.singleUse()) {
            tokens.remove(value);
        }
        token.lastUsed()[0] = now;
        logoutToken(s);
        s.credentials = new Session.Credentials(token.username(), "TOKEN", null, null, token);
        return true;
    }

    /**
     * generate_token(ttl=600, attrs={}, match_origin, single_use=False): 24.10 takes three arguments and binds
     * to the origin only when asked (match_origin=False); 25.04 added single_use and made match_origin=True the
     * default. A token made on a token session acts for the same user.
     */
    private JsonNode generateToken(Session s, ArrayNode p) {
        boolean v2410 = release() == Release.V24_10;
        if (v2410 && p != null && p.size() > 3) {
            throw new MiddlewareError.Call(Errno.EFAULT, "Too many arguments (expected 3, found " + p.size() + ")");
        }
        JsonNode ttl = arg(p, 0);
        JsonNode attrs = arg(p, 1);
        JsonNode matchOrigin = arg(p, 2);
        JsonNode singleUse = v2410 ? null : arg(p, 3);
        byte[] bytes = new byte[48];
        RANDOM.nextBytes(bytes);
        String value = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        boolean match = matchOrigin == null || matchOrigin.isNull() ? !v2410 : matchOrigin.asBoolean(!v2410);
        tokens.put(value, new Token(value, s.credentials.username(), match ? s.remoteAddress : null,
                Duration.ofSeconds(ttl == null || ttl.isNull() ? 600 : ttl.asLong(600)),
                singleUse != null && singleUse.asBoolean(false), attrs != null && attrs.isObject() && attrs.size() > 0,
                new long[] {System.nanoTime()}));
        return TextNode.valueOf(value);
    }

    private JsonNode loginEx(Session s, JsonNode data, boolean continuation) {
        String attr = continuation ? "login_data" : "login_data";
        if (data == null) {
            throw MiddlewareError.Validation.of(attr, "Field required");
        }
        if (!data.isObject()) {
            throw MiddlewareError.Validation.of(attr, "Input should be a valid dictionary or instance of AuthLoginExArgs");
        }
        String mechanism = data.path("mechanism").asText("");
        boolean userInfo = data.path("login_options").path("user_info").asBoolean(true);
        List<MiddlewareError.Validation.Problem> problems = new ArrayList<>();
        java.util.function.Function<String, String> required = field -> {
            JsonNode v = data.get(field);
            if (v == null) {
                problems.add(new MiddlewareError.Validation.Problem(attr + "." + mechanism + "." + field, "Field required", Errno.EINVAL));
                return null;
            }
            if (!v.isTextual()) {
                problems.add(new MiddlewareError.Validation.Problem(attr + "." + mechanism + "." + field,
                        "Input should be a valid string", Errno.EINVAL));
                return null;
            }
            return v.asText();
        };
        switch (mechanism) {
            case "API_KEY_PLAIN" -> {
                if (continuation) {
                    break;
                }
                String username = required.apply("username");
                String key = required.apply("api_key");
                if (!problems.isEmpty()) {
                    throw MiddlewareError.Validation.of(problems);
                }
                s.pendingOtpUser = null;
                String result = apiKeyPlain(s, username, key);
                return result.equals("SUCCESS") ? success(s, userInfo) : response(result);
            }
            case "PASSWORD_PLAIN" -> {
                if (continuation) {
                    break;
                }
                String username = required.apply("username");
                String password = required.apply("password");
                if (!problems.isEmpty()) {
                    throw MiddlewareError.Validation.of(problems);
                }
                s.pendingOtpUser = null;
                if (!passwordMatches(username, password)) {
                    failedLoginDelay();
                    return response("AUTH_ERR");
                }
                if (options.otpSecret() != null) {
                    s.pendingOtpUser = username;
                    ObjectNode r = response("OTP_REQUIRED");
                    r.put("username", username);
                    return r;
                }
                s.credentials = new Session.Credentials(username, "LOGIN_PASSWORD", null, null);
                return success(s, userInfo);
            }
            case "TOKEN_PLAIN" -> {
                if (continuation) {
                    break;
                }
                String token = required.apply("token");
                if (!problems.isEmpty()) {
                    throw MiddlewareError.Validation.of(problems);
                }
                s.pendingOtpUser = null;
                return tokenLogin(s, token) ? success(s, userInfo) : response("AUTH_ERR");
            }
            case "OTP_TOKEN" -> {
                String otp = required.apply("otp_token");
                if (!problems.isEmpty()) {
                    throw MiddlewareError.Validation.of(problems);
                }
                String user = s.pendingOtpUser;
                if (user == null) {
                    throw new MiddlewareError.Call(Errno.EINVAL, "No authentication in progress");
                }
                if (!Totp.verify(options.otpSecret(), otp)) {
                    failedLoginDelay();
                    s.pendingOtpUser = null;
                    return response("AUTH_ERR");
                }
                s.pendingOtpUser = null;
                s.credentials = new Session.Credentials(user, "LOGIN_PASSWORD", null, null);
                return success(s, userInfo);
            }
            default -> {
            }
        }
        throw MiddlewareError.Validation.of(attr + ".mechanism",
                "Input tag '" + mechanism + "' found using 'mechanism' does not match any of the expected tags: "
                        + (continuation ? "'OTP_TOKEN'"
                                : "'API_KEY_PLAIN', 'PASSWORD_PLAIN', 'TOKEN_PLAIN', 'OTP_TOKEN'"));
    }

    // ---------------------------------------------------------------- events and subscriptions

    private void publish(String collection, String type, JsonNode id, JsonNode fields) {
        for (Session s : sessions) {
            if (s.authenticated() && s.subscribedTo(collection)) {
                s.sendEvent(collection, type, id, fields);
            }
        }
    }

    private void publishApp(String type, AppRecord app) {
        publish("app.query", type, TextNode.valueOf(app.name),
                type.equals("REMOVED") ? null : app.entry(false, release()));
    }

    private void publishJob(JobRecord job, String type) {
        if (job.generation == generation) {
            publish("core.get_jobs", type, LongNode.valueOf(job.id), job.encode());
        }
    }


    private JsonNode coreSubscribe(Session s, ArrayNode p) {
        String name = textArg(p, 0, "event");
        String ident = UUID.randomUUID().toString();
        subscribe(s, ident, name);
        return TextNode.valueOf(ident);
    }

    /** Registers a subscription; an event-source argument error is reported right away (before the answer). */
    void subscribe(Session s, String ident, String name) {
        int colon = name.indexOf(':');
        String shortName = colon < 0 ? name : name.substring(0, colon);
        if (shortName.equals("app.container_log_follow")) {
            LogFollower follower;
            try {
                follower = parseFollower(s, ident, name, colon < 0 ? null : name.substring(colon + 1));
            } catch (MiddlewareError e) {
                s.notifyUnsubscribed(name, e);
                return;
            }
            s.logFollowers.put(ident, follower);
            return;
        }
        s.subscriptions.put(ident, name);
    }

    void unsubscribe(Session s, String ident) {
        s.subscriptions.remove(ident);
        LogFollower f = s.logFollowers.remove(ident);
        if (f != null) {
            f.cancel();
        }
    }

    private LogFollower parseFollower(Session s, String ident, String name, String argText) {
        JsonNode arg;
        try {
            arg = argText == null || argText.isBlank() ? null : Json.MAPPER.readTree(argText.strip());
        } catch (Exception e) {
            throw new MiddlewareError.Other("JSONDecodeError", "Expecting value: line 1 column 1 (char 0)");
        }
        List<MiddlewareError.Validation.Problem> problems = new ArrayList<>();
        String prefix = "app.container_log_follow";
        if (arg == null || !arg.isObject()) {
            problems.add(new MiddlewareError.Validation.Problem(prefix, "Input should be a valid dictionary", Errno.EINVAL));
            throw MiddlewareError.Validation.of(problems);
        }
        for (Iterator<String> it = arg.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("app_name", "container_id", "tail_lines").contains(k)) {
                problems.add(new MiddlewareError.Validation.Problem(prefix + "." + k, "Extra inputs are not permitted", Errno.EINVAL));
            }
        }
        for (String k : List.of("app_name", "container_id")) {
            JsonNode v = arg.get(k);
            if (v == null) {
                problems.add(new MiddlewareError.Validation.Problem(prefix + "." + k, "Field required", Errno.EINVAL));
            } else if (!v.isTextual()) {
                problems.add(new MiddlewareError.Validation.Problem(prefix + "." + k, "Input should be a valid string", Errno.EINVAL));
            }
        }
        JsonNode tail = arg.get("tail_lines");
        Integer tailLines = 500;
        if (tail != null) {
            if (tail.isNull()) {
                tailLines = null;
            } else if (!tail.isIntegralNumber()) {
                problems.add(new MiddlewareError.Validation.Problem(prefix + ".tail_lines", "Input should be a valid integer", Errno.EINVAL));
            } else if (tail.asInt() < 1) {
                problems.add(new MiddlewareError.Validation.Problem(prefix + ".tail_lines",
                        "Input should be greater than or equal to 1", Errno.EINVAL));
            } else {
                tailLines = tail.asInt();
            }
        }
        if (!problems.isEmpty()) {
            throw MiddlewareError.Validation.of(problems);
        }
        return new LogFollower(s, ident, name, arg.get("app_name").asText(), arg.get("container_id").asText(), tailLines);
    }

    /** Starts the event sources that were subscribed by the call just answered (their errors come after it). */
    void startPendingFollowers(Session s) {
        for (LogFollower f : s.logFollowers.values()) {
            if (!f.started) {
                f.started = true;
                startFollower(f);
            }
        }
    }

    private void startFollower(LogFollower f) {
        AppRecord.ContainerRecord container;
        synchronized (lock) {
            AppRecord app = apps.get(f.appName);
            MiddlewareError error = null;
            container = null;
            if (app == null || !faults.dockerRunning()) {
                error = MiddlewareError.Validation.instanceNotFound("App " + f.appName + " does not exist");
            } else if (!Set.of("CRASHED", "RUNNING", "DEPLOYING").contains(app.state())) {
                error = new MiddlewareError.Call(Errno.EFAULT, "Unable to retrieve logs of stopped " + Py.repr(f.appName) + " app");
            } else {
                container = app.containers.stream().filter(c -> c.id.equals(f.containerId)).findFirst().orElse(null);
                if (container == null) {
                    error = new MiddlewareError.Call(Errno.ENOENT,
                            "Container \"" + f.containerId + "\" not found in app \"" + f.appName + "\"");
                }
            }
            if (error != null) {
                endFollower(f, error);
                return;
            }
            f.container = container;
        }
        containers.followLogs(f);
    }

    /** The in-memory log stream: three start-up lines, then one per {@code logLineInterval}. */
    private void generateLogLines(LogFollower f) {
        AppRecord.ContainerRecord container = f.container;
        int history = 3;
        int from = f.tailLines == null ? 0 : Math.max(0, history - f.tailLines);
        for (int i = from; i < history; i++) {
            sendLogLine(f, i, container.startedAt + i);
        }
        f.next = history;
        Duration interval = options.logLineInterval();
        f.task = timers.scheduleAtFixedRate(() -> tickFollower(f), interval.toMillis(), Math.max(1, interval.toMillis()),
                TimeUnit.MILLISECONDS);
    }

    private void tickFollower(LogFollower f) {
        if (f.ended) {
            return;
        }
        AppRecord.ContainerRecord c = f.container;
        if (c == null || !c.alive()) {
            endFollower(f, null);
            return;
        }
        sendLogLine(f, f.next++, System.currentTimeMillis());
    }

    private void sendLogLine(LogFollower f, int n, long at) {
        AppRecord.ContainerRecord c = f.container;
        String text;
        Instant when = Instant.ofEpochMilli(at);
        switch (n) {
            case 0 -> text = "starting " + c.service + " (" + c.image + ")";
            case 1 -> text = "container " + c.id.substring(0, 12) + " is up";
            case 2 -> text = "ready to accept connections";
            default -> text = "emulated log line " + (n - 2) + " of " + c.service + " at " + LOG_PREFIX.format(when);
        }
        ObjectNode fields = Json.object();
        fields.put("data", text + "\n");
        fields.put("timestamp", LOG_TS.format(when));
        f.session.sendEvent(f.collection, "ADDED", null, fields);
    }

    private void endFollower(LogFollower f, MiddlewareError error) {
        if (f.ended && error == null && f.task == null) {
            return;
        }
        f.cancel();
        if (f.session.logFollowers.remove(f.ident, f)) {
            f.session.notifyUnsubscribed(f.collection, error);
        }
    }

    /** Ends the log streams of containers that just stopped (compose down, crash). */
    private void endFollowersOf(List<AppRecord.ContainerRecord> containers) {
        for (Session s : sessions) {
            for (LogFollower f : s.logFollowers.values()) {
                if (f.started && f.container != null && containers.contains(f.container)) {
                    workers.execute(() -> endFollower(f, null));
                }
            }
        }
    }

    // ---------------------------------------------------------------- jobs

    /** What a running job body uses to report progress. */
    final class JobContext {
        final JobRecord job;
        private int steps;

        JobContext(JobRecord job) {
            this.job = job;
        }

        /** {@code job.set_progress}: a CHANGED event, then a short pause (the work of the step). */
        void progress(int percent, String description) {
            alive();
            synchronized (lock) {
                job.percent = percent;
                job.description = description;
                if (!job.aborted) {
                    publishJob(job, "CHANGED");
                }
            }
            // The drop comes at the job's second step, a step delay after the first: by then the caller surely has
            // the job id (the answer is sent by the session while the job's first step runs on a worker).
            if (++steps == 2) {
                if (job.owner != null && faults.takeDrop(job.method)) {
                    unregister(job.owner);
                    job.owner.drop();
                }
            }
            sleep(faults.jobStepDelayOr(options.jobStepDelay()));
            alive();
        }

        void alive() {
            if (job.generation != generation) {
                throw new JobCancelled();
            }
        }
    }

    private String createLock(ArrayNode p) {
        JsonNode data = arg(p, 0);
        if (data == null || !data.isObject()) {
            throw lockError();
        }
        JsonNode name = data.get("app_name");
        return "app_create_" + (name == null ? "None" : name.isTextual() ? name.asText() : Py.repr(name));
    }

    private String nameLock(String prefix, ArrayNode p) {
        JsonNode name = arg(p, 0);
        if (name == null) {
            throw lockError();
        }
        return prefix + (name.isTextual() ? name.asText() : Py.repr(name));
    }

    private static MiddlewareError lockError() {
        return new MiddlewareError.Call(Errno.EINVAL,
                "Error handling job lock. This is most likely caused by invalid call arguments.");
    }

    private static ArrayNode redactedArguments(ArrayNode params) {
        ArrayNode out = params.deepCopy();
        for (JsonNode item : out) {
            if (item instanceof ObjectNode obj) {
                for (String secret : List.of("values", "custom_compose_config", "custom_compose_config_string")) {
                    if (obj.has(secret)) {
                        obj.put(secret, "********");
                    }
                }
            }
        }
        return out;
    }

    /** Creates the job (or joins a full lock queue) and answers with its id; the body runs when the lock frees. */
    private JsonNode submit(Session s, String method, ArrayNode params, String lockName, JobRecord.Body body) {
        synchronized (lock) {
            Deque<JobRecord> waiting = waitingByLock.computeIfAbsent(lockName, k -> new ArrayDeque<>());
            if (waiting.size() >= LOCK_QUEUE_SIZE) {
                return LongNode.valueOf(waiting.peekLast().id);
            }
            JobRecord job = new JobRecord(nextJobId++, method, redactedArguments(params), lockName, body, s,
                    s == null || s.credentials == null ? null : credentialsDump(s.credentials), generation,
                    release() == Release.V25_10);
            jobs.put(job.id, job);
            while (jobs.size() > 1000) {
                Long oldest = jobs.values().stream().filter(JobRecord::finished).map(j -> j.id).findFirst().orElse(null);
                if (oldest == null) {
                    break;
                }
                jobs.remove(oldest);
            }
            publishJob(job, "ADDED");
            if (runningLocks.contains(lockName)) {
                waiting.addLast(job);
            } else {
                startJob(job);
            }
            return LongNode.valueOf(job.id);
        }
    }

    private void startJob(JobRecord job) {
        runningLocks.add(job.lock);
        job.state = "RUNNING";
        publishJob(job, "CHANGED");
        workers.execute(() -> runJob(job));
    }

    private void runJob(JobRecord job) {
        JobContext ctx = new JobContext(job);
        try {
            JsonNode result = job.body.run(ctx);
            finishJob(job, result == null ? NullNode.instance : result, null);
        } catch (JobCancelled e) {
            return;
        } catch (MiddlewareError e) {
            finishJob(job, null, e);
        } catch (RuntimeException e) {
            finishJob(job, null, new MiddlewareError.Other(e.getClass().getSimpleName(), String.valueOf(e.getMessage())));
        }
        synchronized (lock) {
            if (job.generation != generation) {
                return;
            }
            runningLocks.remove(job.lock);
            Deque<JobRecord> waiting = waitingByLock.get(job.lock);
            JobRecord next = waiting == null ? null : waiting.pollFirst();
            if (next != null) {
                startJob(next);
            }
            lock.notifyAll();
        }
    }

    private void finishJob(JobRecord job, JsonNode result, MiddlewareError error) {
        synchronized (lock) {
            if (job.generation != generation || job.aborted) {
                return;
            }
            job.timeFinished = System.currentTimeMillis();
            if (error == null) {
                job.state = "SUCCESS";
                job.percent = 100;
                job.result = result;
            } else {
                job.state = "FAILED";
                job.error = error.str();
                job.exception = error.formatted(job.method);
                ObjectNode exc = Json.object();
                exc.put("repr", error.repr());
                if (error instanceof MiddlewareError.Validation v) {
                    exc.put("type", "VALIDATION");
                    if (v.errno() == null) {
                        exc.putNull("errno");
                    } else {
                        exc.put("errno", v.errno());
                    }
                    exc.set("extra", v.extra());
                } else if (error instanceof MiddlewareError.Call c) {
                    exc.put("type", "CallError");
                    exc.put("errno", c.errno);
                    if (c.extra == null) {
                        exc.putNull("extra");
                    } else {
                        exc.set("extra", c.extra);
                    }
                } else {
                    exc.put("type", error.className());
                    exc.putNull("errno");
                    exc.putNull("extra");
                }
                job.excInfo = exc;
            }
            publishJob(job, "CHANGED");
        }
    }

    private JsonNode getJobs(JsonNode filters, JsonNode queryOptions) {
        List<ObjectNode> rows = new ArrayList<>();
        synchronized (lock) {
            jobs.values().forEach(j -> rows.add(j.encode()));
        }
        return Query.apply(rows, filters, queryOptions);
    }

    private JsonNode jobAbort(JsonNode idNode) {
        if (idNode == null || !idNode.isIntegralNumber()) {
            throw MiddlewareError.Validation.of("id", idNode == null ? "Field required" : "Input should be a valid integer");
        }
        synchronized (lock) {
            JobRecord job = jobs.get(idNode.asLong());
            if (job == null) {
                throw new MiddlewareError.Other("KeyError", idNode.asText());
            }
            if (job.finished()) {
                return NullNode.instance;
            }
            Deque<JobRecord> waiting = waitingByLock.get(job.lock);
            boolean wasWaiting = waiting != null && waiting.remove(job);
            job.aborted = true;
            job.state = "ABORTED";
            job.timeFinished = System.currentTimeMillis();
            publishJob(job, "CHANGED");
            if (!wasWaiting) {
                // A thread-based app job is only marked ABORTED: its compose work goes on to the end.
                return NullNode.instance;
            }
        }
        return NullNode.instance;
    }

    // ---------------------------------------------------------------- system

    private final long bootMillis = System.currentTimeMillis();

    /**
     * {@code system.info} (plugins/system/info.py): the same keys in 24.10, 25.04 and 25.10; {@code version} is
     * {@code system.version} on 24.10 and {@code system.version_short} from 25.04. Hardware values are fixed.
     */
    private JsonNode systemInfo() {
        long now = System.currentTimeMillis();
        double uptimeSeconds = (now - bootMillis) / 1000.0;
        ObjectNode out = Json.object();
        out.put("version", release() == Release.V24_10 ? release().fullName() : release().version());
        out.set("buildtime", Json.date(BUILD_TIME));
        out.put("hostname", "truenas");
        out.put("physmem", 34_359_738_368L);
        out.put("model", "Emulated CPU @ 2.40GHz");
        out.put("cores", 4);
        out.put("physical_cores", 2);
        ArrayNode load = out.putArray("loadavg");
        load.add(0.12).add(0.08).add(0.05);
        out.put("uptime", pythonTimedelta(uptimeSeconds));
        out.put("uptime_seconds", uptimeSeconds);
        out.put("system_serial", "EMULATED0001");
        out.put("system_product", "TrueNAS Emulator");
        out.putNull("system_product_version");
        out.putNull("license");
        out.set("boottime", Json.date(bootMillis));
        out.set("datetime", Json.date(now));
        out.put("timezone", "Etc/UTC");
        out.put("system_manufacturer", "truenas-gitops");
        out.put("ecc_memory", false);
        return out;
    }

    /** A fixed build time (the manifest's), 2025-01-01T00:00:00Z. */
    private static final long BUILD_TIME = 1_735_689_600_000L;

    /** Python's {@code str(timedelta(seconds=s))}: {@code 2:03:04.567890}, {@code 1 day, 2:03:04.567890}. */
    static String pythonTimedelta(double seconds) {
        long micros = Math.round(seconds * 1_000_000);
        long days = micros / 86_400_000_000L;
        long rest = micros % 86_400_000_000L;
        long h = rest / 3_600_000_000L;
        long m = rest / 60_000_000L % 60;
        long sec = rest / 1_000_000 % 60;
        long us = rest % 1_000_000;
        String time = String.format("%d:%02d:%02d", h, m, sec) + (us == 0 ? "" : String.format(".%06d", us));
        return days == 0 ? time : days + (days == 1 ? " day, " : " days, ") + time;
    }

    // ---------------------------------------------------------------- apps: reads

    /** {@code docker.state.validate()}: a pool must be chosen and Docker started. */
    private void requireDocker() {
        if (!faults.dockerState().poolConfigured()) {
            throw new MiddlewareError.Call(Errno.EFAULT, "No pool configured for Docker");
        }
        if (!faults.dockerRunning()) {
            throw new MiddlewareError.Call(Errno.EFAULT, "Docker service is not running");
        }
    }

    private JsonNode appQuery(JsonNode filters, JsonNode queryOptions) {
        if (filters != null && !filters.isNull() && !filters.isArray()) {
            throw MiddlewareError.Validation.of("filters", "Input should be a valid list");
        }
        if (queryOptions != null && !queryOptions.isNull() && !queryOptions.isObject()) {
            throw MiddlewareError.Validation.of("options", "Input should be a valid dictionary");
        }
        boolean retrieveConfig = queryOptions != null && queryOptions.path("extra").path("retrieve_config").asBoolean(false);
        List<ObjectNode> rows = new ArrayList<>();
        if (faults.dockerRunning()) {
            synchronized (lock) {
                apps.values().forEach(a -> rows.add(a.entry(retrieveConfig, release())));
            }
        }
        return Query.apply(rows, filters, queryOptions);
    }

    private AppRecord instance(String name) {
        AppRecord app = faults.dockerRunning() ? apps.get(name) : null;
        if (app == null) {
            throw MiddlewareError.Validation.instanceNotFound("App " + name + " does not exist");
        }
        return app;
    }

    private JsonNode appGetInstance(ArrayNode p) {
        String name = textArg(p, 0, "id");
        JsonNode opts = arg(p, 1);
        boolean retrieveConfig = opts != null && opts.path("extra").path("retrieve_config").asBoolean(false);
        synchronized (lock) {
            return instance(name).entry(retrieveConfig, release());
        }
    }

    private JsonNode appConfig(ArrayNode p) {
        String name = textArg(p, 0, "app_name");
        synchronized (lock) {
            return Json.valueToTree(AppRecord.jsonSafe(instance(name).compose));
        }
    }

    private JsonNode containerIds(ArrayNode p) {
        String name = textArg(p, 0, "app_name");
        JsonNode opts = arg(p, 1);
        boolean aliveOnly = opts == null || opts.path("alive_only").asBoolean(true);
        ObjectNode out = Json.object();
        synchronized (lock) {
            for (AppRecord.ContainerRecord c : instance(name).containers) {
                if (aliveOnly && !c.state.equals("running")) {
                    continue;
                }
                ObjectNode d = out.putObject(c.id);
                d.put("id", c.id);
                d.put("service_name", c.service);
                d.put("image", c.image);
                d.put("state", c.state);
            }
        }
        return out;
    }

    private JsonNode usedPorts() {
        Set<Integer> ports = new TreeSet<>();
        synchronized (lock) {
            for (AppRecord app : apps.values()) {
                for (AppRecord.ContainerRecord c : app.containers) {
                    c.ports.forEach(pc -> pc.path("host_ports").forEach(h -> ports.add(h.path("host_port").asInt())));
                }
            }
        }
        ArrayNode out = Json.array();
        ports.forEach(out::add);
        return out;
    }

    private JsonNode dockerStatus() {
        ObjectNode out = Json.object();
        out.put("status", faults.dockerState().name());
        out.put("description", faults.dockerDescription());
        return out;
    }

    private JsonNode dockerConfig() {
        ObjectNode out = Json.object();
        out.put("id", 1);
        out.put("enable_image_updates", true);
        if (faults.dockerState().poolConfigured()) {
            out.put("dataset", "tank/ix-apps");
            out.put("pool", "tank");
        } else {
            out.putNull("dataset");
            out.putNull("pool");
        }
        out.put("nvidia", false);
        ObjectNode pool = out.putArray("address_pools").addObject();
        pool.put("base", "172.17.0.0/12");
        pool.put("size", 24);
        out.put("cidr_v6", "fdd0::/64");
        return out;
    }

    // ---------------------------------------------------------------- apps: argument validation (pydantic-like)

    private static final class Problems {
        final List<MiddlewareError.Validation.Problem> list = new ArrayList<>();

        void add(String attr, String msg) {
            list.add(new MiddlewareError.Validation.Problem(attr, msg, Errno.EINVAL));
        }

        void check() {
            if (!list.isEmpty()) {
                throw MiddlewareError.Validation.of(list);
            }
        }
    }

    /**
     * Checks an object against {@code field -> type} (bool, dict, str, str?, nonempty, appname) in the model's
     * field order, then reports unknown keys (pydantic's order: declared fields first, extras last).
     */
    private static void checkFields(JsonNode obj, String prefix, Map<String, String> schema, Problems problems) {
        for (Map.Entry<String, String> field : schema.entrySet()) {
            String attr = prefix + "." + field.getKey();
            JsonNode v = obj.get(field.getKey());
            String type = field.getValue();
            if (type.equals("appname")) {
                appName(v, attr, problems);
                continue;
            }
            if (v == null) {
                continue;
            }
            switch (type) {
                case "bool" -> {
                    if (!v.isBoolean()) {
                        problems.add(attr, "Input should be a valid boolean");
                    }
                }
                case "dict" -> {
                    if (!v.isObject()) {
                        problems.add(attr, "Input should be a valid dictionary");
                    }
                }
                case "str", "str?", "nonempty" -> {
                    if (v.isNull() && type.equals("str?")) {
                        break;
                    }
                    if (!v.isTextual()) {
                        problems.add(attr, "Input should be a valid string");
                    } else if (type.equals("nonempty") && v.asText().isEmpty()) {
                        problems.add(attr, "String should have at least 1 character");
                    }
                }
                default -> throw new IllegalStateException("unknown schema type " + type);
            }
        }
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!schema.containsKey(key)) {
                problems.add(prefix + "." + key, "Extra inputs are not permitted");
            }
        }
    }

    private static String appName(JsonNode v, String attr, Problems problems) {
        if (v == null) {
            problems.add(attr, "Field required");
            return null;
        }
        if (!v.isTextual()) {
            problems.add(attr, "Input should be a valid string");
            return null;
        }
        String name = v.asText();
        if (name.isEmpty()) {
            problems.add(attr, "String should have at least 1 character");
        } else if (name.length() > 40) {
            problems.add(attr, "String should have at most 40 characters");
        } else if (!APP_NAME.matcher(name).matches()) {
            problems.add(attr, APP_NAME_PATTERN_MSG);
        }
        return name;
    }

    private static String nonEmptyName(JsonNode v, String attr, Problems problems) {
        if (v == null) {
            problems.add(attr, "Field required");
            return null;
        }
        if (!v.isTextual()) {
            problems.add(attr, "Input should be a valid string");
            return null;
        }
        if (v.asText().isEmpty()) {
            problems.add(attr, "String should have at least 1 character");
        }
        return v.asText();
    }

    private static void tooMany(ArrayNode p, int max, Problems problems) {
        if (p.size() > max) {
            problems.add(null, "Too many arguments (expected " + max + ", found " + p.size() + ")");
        }
    }

    /** {@code custom_app_utils.validate_payload}: exactly one compose field, YAML parsed with YAML 1.1 rules. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> validatePayload(JsonNode data, String schema) {
        JsonNode dict = data.get("custom_compose_config");
        JsonNode string = data.get("custom_compose_config_string");
        boolean hasDict = dict != null && dict.isObject() && !dict.isEmpty();
        boolean hasString = string != null && string.isTextual() && !string.asText().isEmpty();
        Problems problems = new Problems();
        if (!hasDict && !hasString) {
            problems.add(schema + ".custom_compose_config", "This field is required");
        } else if (hasDict && hasString) {
            problems.add(schema + ".custom_compose_config_string", "Only one of these fields should be provided");
        }
        Object compose = hasDict ? Json.MAPPER.convertValue(dict, Map.class) : null;
        if (hasString) {
            try {
                compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(string.asText());
            } catch (RuntimeException e) {
                problems.add(schema + ".custom_compose_config_string", "Invalid YAML provided");
            }
        }
        problems.check();
        Object normalized = AppRecord.normalize(compose);
        return normalized instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    // ---------------------------------------------------------------- apps: jobs

    private static final Map<String, String> CREATE_SCHEMA = ordered(
            "custom_app", "bool", "values", "dict", "custom_compose_config", "dict",
            "custom_compose_config_string", "str", "catalog_app", "str?", "app_name", "appname",
            "train", "nonempty", "version", "nonempty");
    private static final Map<String, String> UPDATE_SCHEMA = ordered(
            "values", "dict", "custom_compose_config", "dict", "custom_compose_config_string", "str");
    private static final Map<String, String> DELETE_SCHEMA = ordered(
            "remove_images", "bool", "remove_ix_volumes", "bool", "force_remove_ix_volumes", "bool",
            "force_remove_custom_app", "bool");

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    private JsonNode appCreate(JobContext ctx, ArrayNode p) {
        Problems problems = new Problems();
        tooMany(p, 1, problems);
        JsonNode data = arg(p, 0);
        String name = null;
        if (data == null) {
            problems.add("app_create", "Field required");
        } else if (!data.isObject()) {
            problems.add("app_create", "Input should be a valid dictionary or instance of AppCreate");
        } else {
            checkFields(data, "app_create", CREATE_SCHEMA, problems);
            name = data.path("app_name").asText(null);
        }
        problems.check();
        requireDocker();
        synchronized (lock) {
            if (apps.containsKey(name)) {
                throw new MiddlewareError.Call(Errno.EEXIST, "Application with name " + name + " already exists");
            }
        }
        if (!data.path("custom_app").asBoolean(false)) {
            JsonNode catalogApp = data.get("catalog_app");
            if (catalogApp == null || catalogApp.isNull() || catalogApp.asText().isEmpty()) {
                throw MiddlewareError.Validation.of("app_create.catalog_app", "This field is required");
            }
            // The emulator's catalog is empty: every catalog app is unknown, as on a box without that app.
            throw new MiddlewareError.Call(Errno.ENOENT, "App " + catalogApp.asText() + " not found in "
                    + data.path("train").asText("stable") + " train");
        }
        Map<String, Object> compose = validatePayload(data, "app_create");
        ctx.progress(25, "Initial validation completed for custom app creation");
        ctx.progress(35, "Setting up App directory");
        AppRecord app = new AppRecord(name, compose, true);
        synchronized (lock) {
            apps.put(name, app);
            publishApp("ADDED", app);
        }
        ctx.progress(60, "App installation in progress, pulling images");
        try {
            composeUp(ctx, app);
        } catch (MiddlewareError e) {
            ctx.progress(80, "Failure occurred while installing " + Py.repr(name) + ", cleaning up");
            // remove_failed_resources: a compose down whose failure is ignored, then the app's folder goes.
            try {
                containers.down(app, false, false);
            } catch (MiddlewareError ignored) {
                // as contextlib.suppress(Exception) does there
            }
            containers.forget(app);
            synchronized (lock) {
                apps.remove(name, app);
                publishApp("REMOVED", app);
            }
            throw e;
        }
        ctx.progress(100, Py.repr(name) + " installed successfully");
        synchronized (lock) {
            return app.entry(false, release());
        }
    }

    /** {@code compose up -d --force-recreate --remove-orphans}: down, then new containers. */
    private void composeUp(JobContext ctx, AppRecord app) {
        containers.up(app, faults.takeJobFailure(ctx.job.method, app.name));
    }

    /** The in-memory {@code compose up}: down, then new containers (DEPLOYING first for {@code deployDelay}). */
    private void upInMemory(AppRecord app, Faults.JobFailure failure) {
        synchronized (lock) {
            if (!app.containers.isEmpty()) {
                endFollowersOf(app.removeContainers());
                publishApp("CHANGED", app);
            }
            if (failure != null) {
                throw new MiddlewareError.Call(failure.errno(), failure.message());
            }
            if (!app.deployable()) {
                throw new MiddlewareError.Call(Errno.EFAULT, "Failed 'up' action for " + Py.repr(app.name)
                        + " app. Please check /var/log/app_lifecycle.log for more details");
            }
            Duration delay = options.deployDelay();
            boolean deploying = delay != null && !delay.isZero();
            String settled = faults.crashLoops(app.name) ? "crashed" : "running";
            app.createContainers(deploying ? "starting" : settled);
            publishApp("CHANGED", app);
            if (deploying) {
                long gen = app.generation;
                timers.schedule(() -> settle(app, gen), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The end of the DEPLOYING phase: healthy (RUNNING), or CRASHED for a crash-looping app. */
    private void settle(AppRecord app, long gen) {
        synchronized (lock) {
            if (apps.get(app.name) != app || app.generation != gen) {
                return;
            }
            boolean crash = faults.crashLoops(app.name);
            List<AppRecord.ContainerRecord> stopped = new ArrayList<>();
            for (AppRecord.ContainerRecord c : app.containers) {
                if (c.state.equals("starting") || c.state.equals("created")) {
                    c.state = crash ? "crashed" : "running";
                    if (crash) {
                        stopped.add(c);
                    }
                }
            }
            endFollowersOf(stopped);
            publishApp("CHANGED", app);
        }
    }

    /** {@code get_instance} inside a job: with Docker down the app is not found, as {@code app.query} is []. */
    private AppRecord jobInstance(String name) {
        synchronized (lock) {
            return instance(name);
        }
    }

    private JsonNode appUpdate(JobContext ctx, ArrayNode p) {
        Problems problems = new Problems();
        tooMany(p, 2, problems);
        String name = nonEmptyName(arg(p, 0), "app_name", problems);
        JsonNode update = arg(p, 1);
        if (update == null) {
            update = Json.object();
        } else if (!update.isObject()) {
            problems.add("update", "Input should be a valid dictionary or instance of AppUpdate");
        } else {
            checkFields(update, "update", UPDATE_SCHEMA, problems);
        }
        problems.check();
        AppRecord app = jobInstance(name);
        boolean wasStopped;
        synchronized (lock) {
            wasStopped = app.state().equals("STOPPED");
        }
        Map<String, Object> compose = validatePayload(update, "app_update");
        return updateInternal(ctx, app, compose, "Update", !wasStopped);
    }

    private JsonNode updateInternal(JobContext ctx, AppRecord app, Map<String, Object> compose, String keyword, boolean trigger) {
        ctx.progress(25, "Initial Validation completed");
        synchronized (lock) {
            if (compose != null || keyword.equals("Update")) {
                app.compose = compose;
            }
        }
        ctx.progress(60, "Configuration updated");
        synchronized (lock) {
            publishApp("CHANGED", app);
        }
        if (trigger) {
            ctx.progress(70, "Updating docker resources");
            composeUp(ctx, app);
        }
        ctx.progress(100, keyword + " completed for " + Py.repr(app.name));
        synchronized (lock) {
            return app.entry(false, release());
        }
    }

    private JsonNode appRedeploy(JobContext ctx, ArrayNode p) {
        Problems problems = new Problems();
        tooMany(p, 1, problems);
        String name = nonEmptyName(arg(p, 0), "app_name", problems);
        problems.check();
        AppRecord app = jobInstance(name);
        return updateInternal(ctx, app, null, "Redeployment", true);
    }

    private JsonNode appDelete(JobContext ctx, ArrayNode p) {
        Problems problems = new Problems();
        tooMany(p, 2, problems);
        String name = nonEmptyName(arg(p, 0), "app_name", problems);
        JsonNode opts = arg(p, 1);
        if (opts == null) {
            opts = Json.object();
        } else if (!opts.isObject()) {
            problems.add("options", "Input should be a valid dictionary or instance of AppDelete");
        } else {
            Map<String, String> schema = new LinkedHashMap<>(DELETE_SCHEMA);
            if (release() == Release.V24_10) {
                schema.remove("force_remove_custom_app");
            }
            checkFields(opts, "options", schema, problems);
        }
        problems.check();
        boolean force = opts.path("force_remove_custom_app").asBoolean(false);
        AppRecord app = jobInstance(name);
        if (force && !app.custom) {
            throw new MiddlewareError.Call(Errno.EINVAL, "`force_remove_custom_app` flag is only valid for a custom app");
        }
        ctx.progress(20, "Deleting " + Py.repr(name) + " app");
        Faults.JobFailure failure = faults.takeJobFailure("app.delete", name);
        boolean skipDown = false;
        synchronized (lock) {
            if (failure != null || !app.deployable()) {
                boolean noResources = app.containers.isEmpty();
                if (!(app.custom && force && noResources)) {
                    throw failure != null ? new MiddlewareError.Call(failure.errno(), failure.message())
                            : new MiddlewareError.Call(Errno.EFAULT, "Failed 'down' action for " + Py.repr(name)
                                    + " app. Please check /var/log/app_lifecycle.log for more details");
                }
                skipDown = true;
            }
        }
        if (!skipDown) {
            // delete_internal: down --remove-orphans -v, plus --rmi all when remove_images (the default).
            containers.down(app, true, opts.path("remove_images").asBoolean(true));
        }
        containers.forget(app);
        ctx.progress(80, "Cleaning up resources");
        synchronized (lock) {
            apps.remove(name, app);
            publishApp("REMOVED", app);
        }
        ctx.progress(100, "Deleted " + Py.repr(name) + " app");
        return BooleanNode.TRUE;
    }

    private JsonNode appStart(JobContext ctx, ArrayNode p) {
        Problems problems = new Problems();
        tooMany(p, 1, problems);
        String name = nonEmptyName(arg(p, 0), "app_name", problems);
        problems.check();
        AppRecord app = jobInstance(name);
        ctx.progress(20, "Starting " + Py.repr(name) + " app");
        composeUp(ctx, app);
        ctx.progress(100, "Started " + Py.repr(name) + " app");
        return NullNode.instance;
    }

    private JsonNode appStop(JobContext ctx, ArrayNode p) {
        Problems problems = new Problems();
        tooMany(p, 1, problems);
        String name = nonEmptyName(arg(p, 0), "app_name", problems);
        problems.check();
        AppRecord app = jobInstance(name);
        try {
            synchronized (lock) {
                publish("app.query", "CHANGED", TextNode.valueOf(name),
                        app.entry("STOPPING", false, release(), true));
            }
            ctx.progress(20, "Stopping " + Py.repr(name) + " app");
            Faults.JobFailure failure = faults.takeJobFailure("app.stop", name);
            if (failure != null) {
                throw new MiddlewareError.Call(failure.errno(), failure.message());
            }
            containers.down(app, false, false);
            ctx.progress(100, "Stopped " + Py.repr(name) + " app");
        } finally {
            synchronized (lock) {
                if (apps.get(name) == app) {
                    publishApp("CHANGED", app);
                }
            }
        }
        return NullNode.instance;
    }

    private JsonNode appPullImages(JobContext ctx, ArrayNode p) {
        Problems problems = new Problems();
        tooMany(p, 2, problems);
        String name = nonEmptyName(arg(p, 0), "app_name", problems);
        JsonNode opts = arg(p, 1);
        if (opts == null) {
            opts = Json.object();
        } else if (!opts.isObject()) {
            problems.add("options", "Input should be a valid dictionary or instance of AppPullImages");
        } else {
            checkFields(opts, "options", ordered("redeploy", "bool"), problems);
        }
        problems.check();
        boolean redeploy = opts.path("redeploy").asBoolean(true);
        AppRecord app = jobInstance(name);
        ctx.progress(20, "Pulling app images");
        Faults.JobFailure failure = faults.takeJobFailure("app.pull_images", name);
        if (failure != null) {
            throw new MiddlewareError.Call(failure.errno(), failure.message());
        }
        ctx.progress(50, "Images pulled");
        if (redeploy) {
            // The real method starts app.redeploy as its own job and waits for it.
            ArrayNode args = Json.array().add(name);
            long childId = submit(null, "app.redeploy", args, "app_redeploy_" + name,
                    c -> appRedeploy(c, args)).asLong();
            JobRecord child = awaitJob(ctx, childId);
            if (child != null && "FAILED".equals(child.state)) {
                throw new MiddlewareError.Call(Errno.EFAULT, child.error == null ? "Redeploy failed" : child.error);
            }
        }
        ctx.progress(100, "Pulled images for " + Py.repr(app.name) + " app");
        return NullNode.instance;
    }

    private JobRecord awaitJob(JobContext ctx, long id) {
        synchronized (lock) {
            while (true) {
                ctx.alive();
                JobRecord job = jobs.get(id);
                if (job == null || job.finished()) {
                    return job;
                }
                try {
                    lock.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return job;
                }
            }
        }
    }

    // ---------------------------------------------------------------- control API support

    List<AppRecord> appsSnapshot() {
        synchronized (lock) {
            return List.copyOf(apps.values());
        }
    }

    <T> T withLock(java.util.function.Supplier<T> action) {
        synchronized (lock) {
            return action.get();
        }
    }

    Optional<AppRecord> app(String name) {
        synchronized (lock) {
            return Optional.ofNullable(apps.get(name));
        }
    }

    /** Stores a compose as the UI would (parsed, key-sorted); containers are not touched. */
    @SuppressWarnings("unchecked")
    void uiEdit(String name, Map<String, Object> compose) {
        synchronized (lock) {
            AppRecord app = apps.get(name);
            if (app == null) {
                throw new IllegalArgumentException("emulator: no app named '" + name + "' to edit");
            }
            app.compose = (Map<String, Object>) AppRecord.normalize(compose);
            publishApp("CHANGED", app);
        }
    }

    /** Installs an app directly (not through app.create), in the given state. */
    @SuppressWarnings("unchecked")
    void putApp(String name, Map<String, Object> compose, String state) {
        requireInMemory("put an app in a given state");
        synchronized (lock) {
            AppRecord old = apps.get(name);
            if (old != null) {
                endFollowersOf(old.removeContainers());
            }
            AppRecord app = new AppRecord(name, (Map<String, Object>) AppRecord.normalize(compose), true);
            apps.put(name, app);
            applyState(app, state);
            publishApp(old == null ? "ADDED" : "CHANGED", app);
        }
    }

    void removeApp(String name) {
        AppRecord app;
        synchronized (lock) {
            app = apps.get(name);
        }
        if (app == null) {
            return;
        }
        if (!(containers instanceof InMemoryContainers)) {
            // Real containers: the project goes with its volumes, as a delete would take them (images stay).
            containers.down(app, true, false);
            containers.forget(app);
        }
        synchronized (lock) {
            if (apps.remove(name, app)) {
                endFollowersOf(app.removeContainers());
                publishApp("REMOVED", app);
            }
        }
    }

    private void requireInMemory(String what) {
        if (!(containers instanceof InMemoryContainers)) {
            throw new IllegalStateException("emulator: cannot " + what + " when apps run on a Docker Engine"
                    + " (--docker): their state comes from the real containers; stop or kill the container instead");
        }
    }

    void setState(String name, String state) {
        requireInMemory("force an app's state");
        synchronized (lock) {
            AppRecord app = apps.get(name);
            if (app == null) {
                throw new IllegalArgumentException("emulator: no app named '" + name + "'");
            }
            applyState(app, state);
            publishApp("CHANGED", app);
        }
    }

    private void applyState(AppRecord app, String state) {
        switch (state) {
            case "STOPPED" -> endFollowersOf(app.removeContainers());
            case "RUNNING", "DEPLOYING", "CRASHED" -> {
                String c = switch (state) {
                    case "RUNNING" -> "running";
                    case "DEPLOYING" -> "starting";
                    default -> "crashed";
                };
                if (app.containers.isEmpty()) {
                    app.createContainers(c);
                } else {
                    List<AppRecord.ContainerRecord> stopped = new ArrayList<>();
                    for (AppRecord.ContainerRecord rec : app.containers) {
                        rec.state = c;
                        if (c.equals("crashed")) {
                            stopped.add(rec);
                        }
                    }
                    endFollowersOf(stopped);
                }
            }
            default -> throw new IllegalArgumentException(
                    "emulator: state must be RUNNING, DEPLOYING, CRASHED or STOPPED, not '" + state + "'");
        }
    }

    private static String randomAlnum(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- container backends

    /** The default backend: containers are records in memory, states follow {@code deployDelay} and faults. */
    private final class InMemoryContainers implements ContainerBackend {
        @Override
        public void up(AppRecord app, Faults.JobFailure failure) {
            upInMemory(app, failure);
        }

        @Override
        public void down(AppRecord app, boolean removeVolumes, boolean removeImages) {
            synchronized (lock) {
                endFollowersOf(app.removeContainers());
            }
        }

        @Override
        public void forget(AppRecord app) {
            // Nothing on disk.
        }

        @Override
        public void followLogs(LogFollower f) {
            generateLogLines(f);
        }

        @Override
        public void close() {
            // Nothing to release.
        }
    }

    /** Which engine, compose and folder the Docker backend uses; null for in-memory apps. */
    Map<String, String> dockerDescription() {
        return containers instanceof DockerContainers d ? d.describe() : null;
    }

    /**
     * Mirrors the containers a Docker Engine reports for one app: kept records get their new state, new ones are
     * added, gone ones removed (their log streams end); an {@code app.query} CHANGED event goes out on a change.
     */
    void mirrorContainers(AppRecord app, List<AppRecord.ContainerRecord> observed) {
        synchronized (lock) {
            if (apps.get(app.name) != app) {
                return;
            }
            Map<String, AppRecord.ContainerRecord> known = new LinkedHashMap<>();
            app.containers.forEach(c -> known.put(c.id, c));
            boolean changed = known.size() != observed.size();
            List<AppRecord.ContainerRecord> next = new ArrayList<>();
            for (AppRecord.ContainerRecord o : observed) {
                AppRecord.ContainerRecord k = known.remove(o.id);
                if (k == null) {
                    next.add(o);
                    changed = true;
                } else {
                    if (!k.state.equals(o.state)) {
                        k.state = o.state;
                        changed = true;
                    }
                    next.add(k);
                }
            }
            if (!changed && known.isEmpty()) {
                return;
            }
            List<AppRecord.ContainerRecord> gone = new ArrayList<>(known.values());
            gone.forEach(c -> c.state = "removed");
            app.containers.clear();
            app.containers.addAll(next);
            endFollowersOf(gone);
            publishApp("CHANGED", app);
        }
    }

    /** One line of a real container's log, as the log-follow event source sends it. */
    void sendContainerLog(LogFollower f, String data, String timestamp) {
        if (f.ended) {
            return;
        }
        ObjectNode fields = Json.object();
        fields.put("data", data);
        if (timestamp == null) {
            fields.putNull("timestamp");
        } else {
            fields.put("timestamp", timestamp);
        }
        f.session.sendEvent(f.collection, "ADDED", null, fields);
    }

    /** The container's log stream ended (it stopped or was removed): the subscription ends without error. */
    void containerLogEnded(LogFollower f) {
        endFollower(f, null);
    }

    long jobCount() {
        synchronized (lock) {
            return jobs.size();
        }
    }
}
