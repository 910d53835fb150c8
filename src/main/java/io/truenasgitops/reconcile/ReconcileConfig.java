package io.truenasgitops.reconcile;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the reconcile engine ({@code truenas-gitops.reconcile.*}). Pure classes take this interface;
 * tests pass a record implementing it.
 */
@ConfigMapping(prefix = "truenas-gitops.reconcile")
public interface ReconcileConfig {

    /** Time between two periodic passes (triggers from webhooks, REST and the CLI come on top). */
    @WithDefault("1m")
    Duration interval();

    /** Random spread applied to {@link #interval()}, as a fraction (0.1 = ±10%), so many daemons do not poll in step. */
    @WithDefault("0.1")
    double jitter();

    /** How long an app must stay RUNNING after an apply before it counts as healthy (catches crash loops). */
    @WithDefault("10s")
    Duration settleTime();

    /** How often the health gate looks at an app's state while it waits. */
    @WithDefault("2s")
    Duration healthPollInterval();

    /** First delay before a transient failure (connection lost, rate limit) is retried. */
    @WithDefault("10s")
    Duration retryInitialBackoff();

    /** Upper bound of the doubling retry delay. */
    @WithDefault("5m")
    Duration retryMaxBackoff();

    /**
     * First delay before a stalled apply that may succeed later (a failed job, such as an image pull that met a
     * registry briefly down, or a failed health gate) is tried again by itself; {@code 0s} never retries. Applies
     * the NAS refused (validation) or that cannot succeed (an invalid image reference) are never retried.
     */
    @WithDefault("10m")
    Duration stalledRetryInitialBackoff();

    /** Upper bound of the doubling delay between tries of a stalled stack. */
    @WithDefault("6h")
    Duration stalledRetryMaxBackoff();

    /** How many apps may be applied at the same time (one job at a time per app, always). */
    @WithDefault("4")
    int parallelism();

    /** Delete stamped apps of this source whose folder went away, even where stack.yaml did not say {@code prune: true}. */
    @WithDefault("false")
    boolean prune();

    /** Where status, events, the applied inventory and suspensions are persisted. */
    @WithDefault("/var/lib/truenas-gitops")
    Path stateDir();

    /** The app the daemon itself runs as on the NAS: never pruned, whatever the repository says. */
    Optional<String> selfAppName();

    /** How long a graceful shutdown waits for jobs in flight before giving up on them. */
    @WithDefault("2m")
    Duration shutdownTimeout();

    /** How many events are kept (oldest dropped first). */
    @WithDefault("500")
    int eventHistory();
}
