package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CompletionCommandTest {

    @TempDir
    Path tmp;

    @Test
    void theScriptCompletesEveryCommandAndTheOptionsOfNestedOnesAndBashAcceptsIt() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = RootCommand.commandLineFor(CommandLine.defaultFactory(), Commands.TOP_LEVEL, "completion");
        cli.setOut(new PrintWriter(out));

        int exit = cli.execute("completion");

        assertThat(exit).isZero();
        String script = out.toString();
        assertThat(script).contains("complete -F _complete_truenas-gitops").contains("validate").contains("--repo")
                .contains("--settle-time").contains("_picocli_truenas-gitops_apps_list");
        Path file = Files.writeString(tmp.resolve("completion.bash"), script);
        Process bash = new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
        String errors = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor()).as(errors).isZero();
    }
}
