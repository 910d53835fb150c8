package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {

    final DurationConverter converter = new DurationConverter();

    @Test
    void durationOptionsAreWrittenAsPeopleWriteThemAndIso8601StillWorks() {
        assertThat(converter.convert("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(converter.convert("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("0.5s")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("PT0.3S")).isEqualTo(Duration.ofMillis(300));
        assertThat(converter.convert("10")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aWordThatIsNoDurationSaysHowToWriteOne() {
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("write it like 300ms, 2s, 5m or 1h");
    }
}
