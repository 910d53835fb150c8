package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StyleTest {

    @Test
    void onATerminalStatusWordsAndDiffLinesAreColouredByMeaning() {
        Style on = new Style(true);

        assertThat(on.status("healthy")).isEqualTo("\u001b[32mhealthy\u001b[0m");
        assertThat(on.status("RUNNING")).startsWith("\u001b[32m");
        assertThat(on.status("degraded")).startsWith("\u001b[31m");
        assertThat(on.status("stalled")).startsWith("\u001b[31m");
        assertThat(on.status("progressing")).startsWith("\u001b[33m");
        assertThat(on.status("stopped")).startsWith("\u001b[2m");
        assertThat(on.status("something else")).isEqualTo("something else");
        assertThat(on.diffLine("+    image: nginx:1.28")).startsWith("\u001b[32m");
        assertThat(on.diffLine("-    image: nginx:1.27")).startsWith("\u001b[31m");
        assertThat(on.diffLine("     ports:")).isEqualTo("     ports:");
        assertThat(Style.visibleLength(on.status("healthy"))).isEqualTo("healthy".length());
    }

    @Test
    void withoutATerminalNothingIsColoured() {
        Style off = new Style(false);

        assertThat(off.status("healthy")).isEqualTo("healthy");
        assertThat(off.diffLine("+    image: nginx:1.28")).isEqualTo("+    image: nginx:1.28");
    }

    @Test
    void noColorOfAnyValueAndADumbTerminalTurnColoursOff() {
        assertThat(Terminal.coloursAllowed(Map.<String, String>of()::get)).isTrue();
        assertThat(Terminal.coloursAllowed(Map.of("NO_COLOR", "1")::get)).isFalse();
        assertThat(Terminal.coloursAllowed(Map.of("NO_COLOR", "")::get)).as("an empty NO_COLOR is unset").isTrue();
        assertThat(Terminal.coloursAllowed(Map.of("TERM", "dumb")::get)).isFalse();
    }
}
