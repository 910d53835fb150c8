package io.truenasgitops.reconcile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** {@link ReconcileConfig} for tests: a record, as the config convention asks. */
record TestConfig(Duration interval, double jitter, Duration settleTime, Duration healthPollInterval,
        Duration retryInitialBackoff, Duration retryMaxBackoff, int parallelism, boolean prune, Path stateDir,
        Optional<String> selfAppName, Duration shutdownTimeout, int eventHistory) implements ReconcileConfig {

    /** As the daemon's default: a stalled stack is tried again after 10 minutes, doubling up to 6 hours. */
    @Override
    public Duration stalledRetryInitialBackoff() {
        return Duration.ofMinutes(10);
    }

    @Override
    public Duration stalledRetryMaxBackoff() {
        return Duration.ofHours(6);
    }

    static TestConfig defaults(Path stateDir) {
        return new TestConfig(Duration.ofMinutes(1), 0.1, Duration.ofSeconds(10), Duration.ofSeconds(2),
                Duration.ofSeconds(10), Duration.ofMinutes(5), 4, false, stateDir, Optional.empty(),
                Duration.ofSeconds(30), 500);
    }

    TestConfig withPrune(boolean p) {
        return new TestConfig(interval, jitter, settleTime, healthPollInterval, retryInitialBackoff, retryMaxBackoff,
                parallelism, p, stateDir, selfAppName, shutdownTimeout, eventHistory);
    }

    TestConfig withSelfApp(String name) {
        return new TestConfig(interval, jitter, settleTime, healthPollInterval, retryInitialBackoff, retryMaxBackoff,
                parallelism, prune, stateDir, Optional.of(name), shutdownTimeout, eventHistory);
    }

    TestConfig withInterval(Duration i) {
        return new TestConfig(i, 0, settleTime, healthPollInterval, retryInitialBackoff, retryMaxBackoff,
                parallelism, prune, stateDir, selfAppName, shutdownTimeout, eventHistory);
    }
}
