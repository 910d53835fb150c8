package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code plan} colours on a terminal and not elsewhere. A launched jar has no terminal, so the terminal case runs
 * the command line in-process with a colour terminal; {@link PlanSyncCommandIT} runs the jar (no colours).
 */
class PlanColoursIT {

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;
    Path repo;
    Path keyFile;
    Terminal previous;

    @BeforeEach
    void setUp() throws Exception {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        keyFile = tmp.resolve("key");
        Files.writeString(keyFile, emulator.apiKey());
        repo = tmp.resolve("repo");
        Files.createDirectories(repo.resolve("stacks/web"));
        Files.writeString(repo.resolve("stacks/web/compose.yaml"), PlanSyncCommandIT.WEB);
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            PersonIdent me = new PersonIdent("Test", "test@example.invalid");
            git.commit().setMessage("web").setAuthor(me).setCommitter(me).call();
        }
        previous = Terminal.current();
    }

    @AfterEach
    void tearDown() {
        Terminal.use(previous);
        emulator.close();
    }

    String plan(boolean colours) {
        Terminal.use(new Terminal() {
            public boolean interactive() {
                return true;
            }

            public boolean colours() {
                return colours;
            }

            public String ask(PrintWriter err, String question) {
                return null;
            }
        });
        CommandLine cli = RootCommand.commandLine(CommandLine.defaultFactory(), List.of(new PlanCommand()));
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        int code = cli.execute("plan", "--repo", repo.toString(), "--url", emulator.url(), "--api-key-file",
                keyFile.toString(), "--username", emulator.username(), "--tls-fingerprint", emulator.tlsFingerprint());
        assertThat(code).isEqualTo(ExitCodes.FAILED);
        return out.toString();
    }

    @Test
    void onAColourTerminalTheActionAndTheAddedLinesAreGreen() {
        String out = plan(true);

        assertThat(out).contains("\u001b[32m+\u001b[0m \u001b[32mcreate\u001b[0m    web");
        assertThat(out).containsPattern("\u001b\\[32m\\+ +image: nginx:1.27\u001b\\[0m");
    }

    @Test
    void withoutColoursThePlanIsPlainText() {
        String out = plan(false);

        assertThat(out).doesNotContain("\u001b[").contains("  + create    web");
    }
}
