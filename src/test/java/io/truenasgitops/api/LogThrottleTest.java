package io.truenasgitops.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

    static final long MINUTE = Duration.ofMinutes(1).toNanos();

    @Test
    void oneLineGoesThroughPerIntervalAndTheNextSaysHowManyWereHeldBack() {
        LogThrottle t = new LogThrottle(Duration.ofMinutes(1));
        long start = 5_000;

        assertThat(t.allow(start)).isTrue();
        assertThat(t.suppressedSinceLast()).isZero();
        for (int i = 1; i <= 1000; i++) {
            assertThat(t.allow(start + i * 1000L)).isFalse();
        }
        assertThat(t.allow(start + MINUTE)).isTrue();
        assertThat(t.suppressedSinceLast()).isEqualTo(1000);
        assertThat(t.allow(start + MINUTE + 1)).isFalse();
    }
}
