package io.truenasgitops.reconcile;

import java.time.Duration;

/** Capped exponential backoff for transient failures: initial, 2×, 4× ... up to max. */
public record RetryPolicy(Duration initial, Duration max) {

    /** The delay before attempt {@code failures + 1}, after {@code failures} consecutive failures (≥ 1). */
    public Duration delayAfter(int failures) {
        int shift = Math.min(Math.max(failures - 1, 0), 30);
        long ms = initial.toMillis() << shift;
        if (ms <= 0 || ms > max.toMillis()) {
            return max;
        }
        return Duration.ofMillis(ms);
    }
}
