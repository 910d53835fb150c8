package io.truenasgitops.reconcile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** {@link ReconcileConfig}s for tests: the engine's defaults, or explicit timings for tests that wait on them. */
final class TestConfig {

    private TestConfig() {}

    /** The engine's defaults (a stalled stack is tried again after 10 minutes, doubling up to 6 hours). */
    static ReconcileConfig defaults(Path stateDir) {
        return ReconcileConfig.defaults(stateDir);
    }

    /** Explicit timings; the stalled-retry delays are the engine's defaults. */
    static ReconcileConfig of(Duration interval, double jitter, Duration settleTime, Duration healthPollInterval,
            Duration retryInitialBackoff, Duration retryMaxBackoff, int parallelism, boolean prune, Path stateDir,
            Optional<String> selfAppName, Duration shutdownTimeout, int eventHistory) {
        ReconcileConfig d = ReconcileConfig.defaults(stateDir);
        return new ReconcileConfig(interval, jitter, settleTime, healthPollInterval, retryInitialBackoff,
                retryMaxBackoff, d.stalledRetryInitialBackoff(), d.stalledRetryMaxBackoff(), parallelism, prune,
                stateDir, selfAppName, shutdownTimeout, eventHistory);
    }
}
