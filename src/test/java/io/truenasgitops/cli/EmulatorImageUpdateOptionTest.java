package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code emulator --image-update}: a digest is refused before anything starts, as a NAS never reports one. */
class EmulatorImageUpdateOptionTest {

    @Test
    void aDigestReferenceIsRefusedWithWhatToGiveInstead() {
        CommandLine cli = RootCommand.commandLine(CommandLine.defaultFactory(), List.of(new EmulatorCommand()));
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));

        int code = cli.execute("emulator", "--image-update", "nginx:1.25", "--image-update",
                "nginx@sha256:" + "d".repeat(64));

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("emulator: --image-update 'nginx@sha256:")
                .contains("is a digest reference; a NAS never reports those as outdated")
                .contains("give a tag such as nginx:1.25");
    }
}
