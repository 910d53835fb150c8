package io.truenasgitops.emulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * How an emulator starts. Use {@link #defaults()} and the {@code with...} methods; every value has a default
 * suited to fast tests (short delays, no sleeps on rate limiting).
 *
 * @param host the address to bind; loopback by default (the CLI refuses anything else unless told)
 * @param port the TLS port; 0 picks a free one
 * @param apiKey the API key to accept, {@code <id>-<64 alnum>}; null generates one
 * @param username the owner of the API key and the password user
 * @param password the password of {@code username} (for {@code auth.login} / {@code PASSWORD_PLAIN})
 * @param otpSecret base32 TOTP secret of {@code username}; when set, password logins need a second factor
 * @param release the release to emulate
 * @param plainListener whether to also listen for plain {@code ws://} (no TLS) on an ephemeral port
 * @param plainRemoteAddress the client address plain connections appear to come from (as nginx's
 *     {@code X-Real-Remote-Addr} would say); a non-loopback address makes them insecure. Null = the real one.
 * @param deployDelay how long an app stays DEPLOYING after its containers were (re)created
 * @param jobStepDelay pause between the progress steps of a job
 * @param idleTimeout drop a connection after the server sent nothing for this long (nginx
 *     {@code proxy_read_timeout}, 60 s on real boxes); null or zero = never
 * @param rateLimitCalls unauthenticated calls allowed per method and client address in one window
 * @param rateLimitWindow the rate limit window (60 s on real boxes)
 * @param rateLimitMaxSleep upper bound of the random sleep before a "Rate Limit Exceeded" answer (real: 10 s)
 * @param failedLoginDelay how long a failed login waits before it answers (real: about 1-2 s)
 * @param logLineInterval how often a followed container log emits a new line
 * @param dockerState the apps service state at start; anything but RUNNING makes {@code app.query} return []
 *     and {@code app.create} fail as on a NAS whose Docker is stopped or has no pool
 * @param methodLatency extra latency per method name, applied before the call runs
 * @param crashLoopApps apps that crash after every start (a crash loop)
 * @param unixSocket also listen on this unix socket, like middlewared's {@code /var/run/middleware/middlewared.sock}
 *     (needs Netty's native transport); null = no unix socket
 * @param unixPeerUid the uid that unix socket connections are taken to come from, instead of the real peer uid
 *     ({@code SO_PEERCRED}); lets tests run the non-root cases from a root process. Null = the real one
 * @param docker run apps as real containers on this Docker Engine (compose projects {@code ix-<app>}), as
 *     middlewared does; null = in-memory apps (the default)
 */
public record EmulatorOptions(
        String host,
        int port,
        String apiKey,
        String username,
        String password,
        String otpSecret,
        Release release,
        boolean plainListener,
        String plainRemoteAddress,
        Duration deployDelay,
        Duration jobStepDelay,
        Duration idleTimeout,
        int rateLimitCalls,
        Duration rateLimitWindow,
        Duration rateLimitMaxSleep,
        Duration failedLoginDelay,
        Duration logLineInterval,
        DockerState dockerState,
        Map<String, Duration> methodLatency,
        Set<String> crashLoopApps,
        Path unixSocket,
        Integer unixPeerUid,
        DockerOptions docker) {

    public EmulatorOptions {
        methodLatency = methodLatency == null ? Map.of() : Map.copyOf(methodLatency);
        crashLoopApps = crashLoopApps == null ? Set.of() : Set.copyOf(crashLoopApps);
        if (dockerState == null) {
            dockerState = DockerState.RUNNING;
        }
        if (release == null) {
            release = Release.V25_04;
        }
    }

    /** Loopback, ephemeral port, generated key, user {@code truenas_admin}, 25.04, short delays. */
    public static EmulatorOptions defaults() {
        Builder b = new Builder();
        b.host = "127.0.0.1";
        b.username = "truenas_admin";
        b.password = "truenas-admin-password";
        b.release = Release.V25_04;
        b.deployDelay = Duration.ofMillis(200);
        b.jobStepDelay = Duration.ofMillis(20);
        b.rateLimitCalls = 20;
        b.rateLimitWindow = Duration.ofSeconds(60);
        b.rateLimitMaxSleep = Duration.ZERO;
        b.failedLoginDelay = Duration.ofMillis(50);
        b.logLineInterval = Duration.ofMillis(100);
        b.dockerState = DockerState.RUNNING;
        return b.build();
    }

    public EmulatorOptions withHost(String v) {
        return with(b -> b.host = v);
    }

    public EmulatorOptions withPort(int v) {
        return with(b -> b.port = v);
    }

    public EmulatorOptions withApiKey(String v) {
        return with(b -> b.apiKey = v);
    }

    public EmulatorOptions withUsername(String v) {
        return with(b -> b.username = v);
    }

    public EmulatorOptions withPassword(String v) {
        return with(b -> b.password = v);
    }

    /** Gives the user a TOTP second factor (base32 secret); compute codes with {@link Totp#code(String)}. */
    public EmulatorOptions withOtpSecret(String v) {
        return with(b -> b.otpSecret = v);
    }

    public EmulatorOptions withRelease(Release v) {
        return with(b -> b.release = v);
    }

    /** Adds a plain ws:// listener whose clients appear to come from {@code remoteAddress} (null = real address). */
    public EmulatorOptions withPlainListener(boolean enabled, String remoteAddress) {
        return with(b -> {
            b.plainListener = enabled;
            b.plainRemoteAddress = remoteAddress;
        });
    }

    public EmulatorOptions withDeployDelay(Duration v) {
        return with(b -> b.deployDelay = v);
    }

    public EmulatorOptions withJobStepDelay(Duration v) {
        return with(b -> b.jobStepDelay = v);
    }

    public EmulatorOptions withIdleTimeout(Duration v) {
        return with(b -> b.idleTimeout = v);
    }

    /** Rate limit: {@code calls} per method and client address per {@code window}; sleep up to {@code maxSleep}. */
    public EmulatorOptions withRateLimit(int calls, Duration window, Duration maxSleep) {
        return with(b -> {
            b.rateLimitCalls = calls;
            b.rateLimitWindow = window;
            b.rateLimitMaxSleep = maxSleep;
        });
    }

    public EmulatorOptions withFailedLoginDelay(Duration v) {
        return with(b -> b.failedLoginDelay = v);
    }

    public EmulatorOptions withLogLineInterval(Duration v) {
        return with(b -> b.logLineInterval = v);
    }

    public EmulatorOptions withDockerState(DockerState v) {
        return with(b -> b.dockerState = v);
    }

    /** {@code true} = {@link DockerState#RUNNING}, {@code false} = {@link DockerState#STOPPED}. */
    public EmulatorOptions withDockerRunning(boolean v) {
        return withDockerState(v ? DockerState.RUNNING : DockerState.STOPPED);
    }

    public EmulatorOptions withMethodLatency(Map<String, Duration> v) {
        return with(b -> b.methodLatency = v);
    }

    public EmulatorOptions withCrashLoopApps(Set<String> v) {
        return with(b -> b.crashLoopApps = v);
    }

    /**
     * Also listens on the unix socket {@code path} (the file is replaced if it exists). Connections on it are
     * logged in by their peer uid as middlewared does: {@code peerUid} replaces the real peer uid when not null.
     */
    public EmulatorOptions withUnixSocket(Path path, Integer peerUid) {
        return with(b -> {
            b.unixSocket = path;
            b.unixPeerUid = peerUid;
        });
    }

    /**
     * Runs the apps as real containers on a Docker Engine instead of in memory (see {@link DockerOptions}); null
     * goes back to in-memory apps.
     */
    public EmulatorOptions withDocker(DockerOptions v) {
        return with(b -> b.docker = v);
    }

    /** Changes one or more options: the one place that lists every component in order. */
    private EmulatorOptions with(java.util.function.Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    /** The options as mutable fields, for {@link #defaults} and {@link #with}. */
    private static final class Builder {
        private String host;
        private int port;
        private String apiKey;
        private String username;
        private String password;
        private String otpSecret;
        private Release release;
        private boolean plainListener;
        private String plainRemoteAddress;
        private Duration deployDelay;
        private Duration jobStepDelay;
        private Duration idleTimeout;
        private int rateLimitCalls;
        private Duration rateLimitWindow;
        private Duration rateLimitMaxSleep;
        private Duration failedLoginDelay;
        private Duration logLineInterval;
        private DockerState dockerState;
        private Map<String, Duration> methodLatency;
        private Set<String> crashLoopApps;
        private Path unixSocket;
        private Integer unixPeerUid;
        private DockerOptions docker;

        /** Every option unset (null, 0, false); the compact constructor fills in the release and Docker state. */
        Builder() {}

        Builder(EmulatorOptions o) {
            host = o.host;
            port = o.port;
            apiKey = o.apiKey;
            username = o.username;
            password = o.password;
            otpSecret = o.otpSecret;
            release = o.release;
            plainListener = o.plainListener;
            plainRemoteAddress = o.plainRemoteAddress;
            deployDelay = o.deployDelay;
            jobStepDelay = o.jobStepDelay;
            idleTimeout = o.idleTimeout;
            rateLimitCalls = o.rateLimitCalls;
            rateLimitWindow = o.rateLimitWindow;
            rateLimitMaxSleep = o.rateLimitMaxSleep;
            failedLoginDelay = o.failedLoginDelay;
            logLineInterval = o.logLineInterval;
            dockerState = o.dockerState;
            methodLatency = o.methodLatency;
            crashLoopApps = o.crashLoopApps;
            unixSocket = o.unixSocket;
            unixPeerUid = o.unixPeerUid;
            docker = o.docker;
        }

        EmulatorOptions build() {
            return new EmulatorOptions(host, port, apiKey, username, password, otpSecret, release, plainListener,
                    plainRemoteAddress, deployDelay, jobStepDelay, idleTimeout, rateLimitCalls, rateLimitWindow,
                    rateLimitMaxSleep, failedLoginDelay, logLineInterval, dockerState, methodLatency, crashLoopApps,
                    unixSocket, unixPeerUid, docker);
        }
    }
}
