package io.truenasgitops.reconcile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings of the reconcile engine: a plain record, mapped from {@code truenas-gitops.reconcile.*} at the edge
 * (the daemon's {@code ReconcileConfigMapping}) or built by the CLI and tests from {@link #defaults(Path)}.
 * The defaults live here once, as the strings the configuration documents; the mapping uses the same constants.
 *
 * @param interval time between two periodic passes (triggers from webhooks, REST and the CLI come on top)
 * @param jitter random spread applied to {@code interval}, as a fraction (0.1 = ±10%), so many daemons do not
 *     poll in step
 * @param settleTime how long an app must stay RUNNING after an apply before it counts as healthy (catches crash
 *     loops)
 * @param healthPollInterval how often the health gate looks at an app's state while it waits
 * @param retryInitialBackoff first delay before a transient failure (connection lost, rate limit) is retried
 * @param retryMaxBackoff upper bound of the doubling retry delay
 * @param stalledRetryInitialBackoff first delay before a stalled apply that may succeed later (a failed job, such
 *     as an image pull that met a registry briefly down, or a failed health gate) is tried again by itself;
 *     {@code 0s} never retries. Applies the NAS refused (validation) or that cannot succeed (an invalid image
 *     reference) are never retried
 * @param stalledRetryMaxBackoff upper bound of the doubling delay between tries of a stalled stack
 * @param parallelism how many apps may be applied at the same time (one job at a time per app, always)
 * @param prune delete stamped apps of this source whose folder went away, even where stack.yaml did not say
 *     {@code prune: true}
 * @param stateDir where status, events, the applied inventory and suspensions are persisted
 * @param selfAppName the app the daemon itself runs as on the NAS: never pruned, whatever the repository says
 * @param shutdownTimeout how long a graceful shutdown waits for jobs in flight before giving up on them
 * @param eventHistory how many events are kept (oldest dropped first)
 * @param onFailure the repository-wide default of stack.yaml's {@code onFailure}: what an update that fails its
 *     health gate (or its job) does, stay and report ({@code stay}) or apply the last revision that passed the gate
 *     on this NAS again ({@code rollback})
 */
public record ReconcileConfig(Duration interval, double jitter, Duration settleTime, Duration healthPollInterval,
        Duration retryInitialBackoff, Duration retryMaxBackoff, Duration stalledRetryInitialBackoff,
        Duration stalledRetryMaxBackoff, int parallelism, boolean prune, Path stateDir, Optional<String> selfAppName,
        Duration shutdownTimeout, int eventHistory, io.truenasgitops.stacks.StackSettings.OnFailure onFailure) {

    public static final String DEFAULT_INTERVAL = "1m";
    public static final String DEFAULT_JITTER = "0.1";
    public static final String DEFAULT_SETTLE_TIME = "10s";
    public static final String DEFAULT_HEALTH_POLL_INTERVAL = "2s";
    public static final String DEFAULT_RETRY_INITIAL_BACKOFF = "10s";
    public static final String DEFAULT_RETRY_MAX_BACKOFF = "5m";
    public static final String DEFAULT_STALLED_RETRY_INITIAL_BACKOFF = "10m";
    public static final String DEFAULT_STALLED_RETRY_MAX_BACKOFF = "6h";
    public static final String DEFAULT_PARALLELISM = "4";
    public static final String DEFAULT_PRUNE = "false";
    public static final String DEFAULT_STATE_DIR = "/var/lib/truenas-gitops";
    public static final String DEFAULT_SHUTDOWN_TIMEOUT = "2m";
    public static final String DEFAULT_EVENT_HISTORY = "500";
    public static final String DEFAULT_ON_FAILURE = "stay";

    /** A duration as the configuration writes it: {@code 500ms}, {@code 10s}, {@code 1m}, {@code 6h}, {@code 1d} or ISO-8601. */
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    public ReconcileConfig {
        selfAppName = selfAppName == null ? Optional.empty() : selfAppName;
        onFailure = onFailure == null ? io.truenasgitops.stacks.StackSettings.OnFailure.STAY : onFailure;
    }

    /** Settings whose {@code onFailure} default is {@code stay}. */
    public ReconcileConfig(Duration interval, double jitter, Duration settleTime, Duration healthPollInterval,
            Duration retryInitialBackoff, Duration retryMaxBackoff, Duration stalledRetryInitialBackoff,
            Duration stalledRetryMaxBackoff, int parallelism, boolean prune, Path stateDir,
            Optional<String> selfAppName, Duration shutdownTimeout, int eventHistory) {
        this(interval, jitter, settleTime, healthPollInterval, retryInitialBackoff, retryMaxBackoff,
                stalledRetryInitialBackoff, stalledRetryMaxBackoff, parallelism, prune, stateDir, selfAppName,
                shutdownTimeout, eventHistory, null);
    }

    /** The same settings with another repository-wide {@code onFailure} default. */
    public ReconcileConfig withOnFailure(io.truenasgitops.stacks.StackSettings.OnFailure value) {
        return new ReconcileConfig(interval, jitter, settleTime, healthPollInterval, retryInitialBackoff,
                retryMaxBackoff, stalledRetryInitialBackoff, stalledRetryMaxBackoff, parallelism, prune, stateDir,
                selfAppName, shutdownTimeout, eventHistory, value);
    }

    /** The documented defaults, with the state in {@code stateDir}. */
    public static ReconcileConfig defaults(Path stateDir) {
        return new ReconcileConfig(duration(DEFAULT_INTERVAL), Double.parseDouble(DEFAULT_JITTER),
                duration(DEFAULT_SETTLE_TIME), duration(DEFAULT_HEALTH_POLL_INTERVAL),
                duration(DEFAULT_RETRY_INITIAL_BACKOFF), duration(DEFAULT_RETRY_MAX_BACKOFF),
                duration(DEFAULT_STALLED_RETRY_INITIAL_BACKOFF), duration(DEFAULT_STALLED_RETRY_MAX_BACKOFF),
                Integer.parseInt(DEFAULT_PARALLELISM), Boolean.parseBoolean(DEFAULT_PRUNE), stateDir, Optional.empty(),
                duration(DEFAULT_SHUTDOWN_TIMEOUT), Integer.parseInt(DEFAULT_EVENT_HISTORY));
    }

    /** Parses a duration the way the configuration documents it (see {@link #SHORT_DURATION}). */
    static Duration duration(String text) {
        Matcher m = SHORT_DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Duration.parse(text.strip());
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    public ReconcileConfig withInterval(Duration value) {
        return new ReconcileConfig(value, jitter, settleTime, healthPollInterval, retryInitialBackoff, retryMaxBackoff,
                stalledRetryInitialBackoff, stalledRetryMaxBackoff, parallelism, prune, stateDir, selfAppName,
                shutdownTimeout, eventHistory, onFailure);
    }

    public ReconcileConfig withJitter(double value) {
        return new ReconcileConfig(interval, value, settleTime, healthPollInterval, retryInitialBackoff, retryMaxBackoff,
                stalledRetryInitialBackoff, stalledRetryMaxBackoff, parallelism, prune, stateDir, selfAppName,
                shutdownTimeout, eventHistory, onFailure);
    }

    public ReconcileConfig withSettleTime(Duration value) {
        return new ReconcileConfig(interval, jitter, value, healthPollInterval, retryInitialBackoff, retryMaxBackoff,
                stalledRetryInitialBackoff, stalledRetryMaxBackoff, parallelism, prune, stateDir, selfAppName,
                shutdownTimeout, eventHistory, onFailure);
    }

    public ReconcileConfig withPrune(boolean value) {
        return new ReconcileConfig(interval, jitter, settleTime, healthPollInterval, retryInitialBackoff,
                retryMaxBackoff, stalledRetryInitialBackoff, stalledRetryMaxBackoff, parallelism, value, stateDir,
                selfAppName, shutdownTimeout, eventHistory, onFailure);
    }

    public ReconcileConfig withSelfApp(String name) {
        return new ReconcileConfig(interval, jitter, settleTime, healthPollInterval, retryInitialBackoff,
                retryMaxBackoff, stalledRetryInitialBackoff, stalledRetryMaxBackoff, parallelism, prune, stateDir,
                Optional.ofNullable(name), shutdownTimeout, eventHistory, onFailure);
    }
}
