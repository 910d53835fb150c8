package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void durationsReadAsPeopleWriteThemNeverAsIso8601() {
        assertThat(Durations.human(Duration.parse("PT14.370292862S"))).isEqualTo("14.4 s");
        assertThat(Durations.human(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.human(Duration.ofSeconds(150))).isEqualTo("2m 30s");
        assertThat(Durations.human(Duration.ofMinutes(65))).isEqualTo("1h 5m");
        assertThat(Durations.human(Duration.ofSeconds(3))).isEqualTo("3 s");
        assertThat(Durations.human(Duration.ofMillis(350))).isEqualTo("350 ms");
        assertThat(Durations.human(Duration.ofMillis(59_990))).isEqualTo("1m");
        assertThat(Durations.human(null)).isEqualTo("-");
    }
}
