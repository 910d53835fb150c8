package io.truenasgitops.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.truenasgitops.reconcile.ReconcileConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code truenas-gitops.reconcile.*} as the daemon reads it; {@link #toConfig(ReconcileConfigMapping)} maps it to
 * the engine's plain {@link ReconcileConfig}, whose javadoc describes every key. The defaults are the engine's.
 */
@ConfigMapping(prefix = "truenas-gitops.reconcile")
public interface ReconcileConfigMapping {

    @WithDefault(ReconcileConfig.DEFAULT_INTERVAL)
    Duration interval();

    @WithDefault(ReconcileConfig.DEFAULT_JITTER)
    double jitter();

    @WithDefault(ReconcileConfig.DEFAULT_SETTLE_TIME)
    Duration settleTime();

    @WithDefault(ReconcileConfig.DEFAULT_HEALTH_POLL_INTERVAL)
    Duration healthPollInterval();

    @WithDefault(ReconcileConfig.DEFAULT_RETRY_INITIAL_BACKOFF)
    Duration retryInitialBackoff();

    @WithDefault(ReconcileConfig.DEFAULT_RETRY_MAX_BACKOFF)
    Duration retryMaxBackoff();

    @WithDefault(ReconcileConfig.DEFAULT_STALLED_RETRY_INITIAL_BACKOFF)
    Duration stalledRetryInitialBackoff();

    @WithDefault(ReconcileConfig.DEFAULT_STALLED_RETRY_MAX_BACKOFF)
    Duration stalledRetryMaxBackoff();

    @WithDefault(ReconcileConfig.DEFAULT_PARALLELISM)
    int parallelism();

    @WithDefault(ReconcileConfig.DEFAULT_PRUNE)
    boolean prune();

    @WithDefault(ReconcileConfig.DEFAULT_STATE_DIR)
    Path stateDir();

    Optional<String> selfAppName();

    @WithDefault(ReconcileConfig.DEFAULT_SHUTDOWN_TIMEOUT)
    Duration shutdownTimeout();

    @WithDefault(ReconcileConfig.DEFAULT_EVENT_HISTORY)
    int eventHistory();

    /**
     * What an update that fails its health gate (or its job) does when its stack.yaml does not say
     * {@code onFailure:}: {@code stay} (report it, retry on the slow backoff) or {@code rollback} (apply the last
     * revision that passed the gate on this NAS again, compose only).
     */
    @WithDefault(ReconcileConfig.DEFAULT_ON_FAILURE)
    io.truenasgitops.stacks.StackSettings.OnFailure onFailure();

    /**
     * {@code sync} (passes apply) or {@code report} (observe only: plan, drift, metrics and notifications, never a
     * write), at start; switched at runtime with {@code PUT /api/v1/mode} or {@code truenas-gitops mode}.
     */
    @WithDefault("sync")
    String mode();

    /** {@link #mode()} parsed; a wrong value names the property. */
    static io.truenasgitops.reconcile.Mode toMode(ReconcileConfigMapping m) {
        try {
            return io.truenasgitops.reconcile.Mode.parse(m.mode());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("truenas-gitops.reconcile.mode: " + e.getMessage(), e);
        }
    }

    /** The engine's settings as configured. */
    static ReconcileConfig toConfig(ReconcileConfigMapping m) {
        return new ReconcileConfig(m.interval(), m.jitter(), m.settleTime(), m.healthPollInterval(),
                m.retryInitialBackoff(), m.retryMaxBackoff(), m.stalledRetryInitialBackoff(),
                m.stalledRetryMaxBackoff(), m.parallelism(), m.prune(), m.stateDir(), m.selfAppName(),
                m.shutdownTimeout(), m.eventHistory(), m.onFailure());
    }
}
