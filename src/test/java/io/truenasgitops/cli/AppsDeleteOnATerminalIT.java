package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code apps delete} with a person at a terminal: a launched jar has no terminal, so this drives the command
 * line in-process with a terminal that answers; {@link AppsCliIT} covers the jar without one.
 */
class AppsDeleteOnATerminalIT {

    @TempDir
    Path dir;

    TrueNasEmulator emulator;
    Path keyFile;
    Terminal previous;
    final List<String> questions = new ArrayList<>();
    final Deque<String> answers = new ArrayDeque<>();

    @BeforeEach
    void setUp() throws Exception {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        keyFile = dir.resolve("key");
        Files.writeString(keyFile, emulator.apiKey());
        emulator.apps().put("web", Map.of("services", Map.of("web", Map.of("image", "nginx:1.27"))), "RUNNING");
        previous = Terminal.use(new Terminal() {
            public boolean interactive() {
                return true;
            }

            public boolean colours() {
                return false;
            }

            public String ask(PrintWriter err, String question) {
                questions.add(question);
                return answers.poll();
            }
        });
    }

    @AfterEach
    void tearDown() {
        Terminal.use(previous);
        emulator.close();
    }

    int delete(StringWriter err) {
        CommandLine cli = RootCommand.commandLine(CommandLine.defaultFactory(), List.of(new AppsCommand()));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute("apps", "delete", "web", "--url", emulator.url(), "--api-key-file", keyFile.toString(),
                "--username", emulator.username(), "--tls-fingerprint", emulator.tlsFingerprint());
    }

    @Test
    void anythingButYesDeletesNothingAndDoesNotEvenLogIn() {
        answers.add("n");
        StringWriter err = new StringWriter();

        int code = delete(err);

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("app 'web' was not deleted (not confirmed)");
        assertThat(questions).singleElement().asString().contains("Delete app 'web' and its named volumes");
        assertThat(emulator.apps().get("web")).isPresent();
        assertThat(emulator.calls().snapshot()).isEmpty();
    }

    @Test
    void aYesDeletesTheApp() {
        answers.add("yes");

        int code = delete(new StringWriter());

        assertThat(code).isZero();
        assertThat(questions).hasSize(1);
        assertThat(emulator.apps().get("web")).isEmpty();
        assertThat(emulator.calls().count("app.delete")).isEqualTo(1);
    }
}
