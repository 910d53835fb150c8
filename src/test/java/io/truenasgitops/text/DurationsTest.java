package io.truenasgitops.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DurationsTest {

    static Stream<Arguments> examples() {
        return Stream.of(
                Arguments.of(Duration.ofMillis(250), "250 ms"),
                Arguments.of(Duration.ofMillis(14_370), "14.4 s"),
                Arguments.of(Duration.ofSeconds(5), "5 s"),
                Arguments.of(Duration.ofMinutes(5), "5m"),
                Arguments.of(Duration.ofSeconds(90), "1m30s"),
                Arguments.of(Duration.ofMinutes(90), "1h30m"),
                Arguments.of(Duration.ofHours(6), "6h"),
                Arguments.of(Duration.ofHours(49), "2d1h"),
                Arguments.of(Duration.ofSeconds(-5), "-5 s"));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void aDurationReadsAsAPersonWritesIt(Duration d, String text) {
        assertThat(Durations.human(d)).isEqualTo(text);
    }
}
