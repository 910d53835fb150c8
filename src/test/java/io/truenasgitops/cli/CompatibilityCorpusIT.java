package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.compose.ComposeYaml;
import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.YamlLoader;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.stacks.LoadedStack;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The compatibility corpus: real self-hosted projects' compose recipes as their authors publish them
 * ({@code src/test/resources/corpus/projects/<project>/recipe/}, with {@code SOURCE} naming repository, path,
 * commit and licence). Each is put in a stacks repository with nothing rewritten, then validated, rendered and
 * synced to the emulator; {@code expected.yaml} says whether it deploys or, when TrueNAS cannot run it, where the
 * one refusal is (file, line and YAML path of the error, not its wording).
 */
class CompatibilityCorpusIT {

    static final Path PROJECTS = Path.of("src/test/resources/corpus/projects");
    static final Path HOST_BASE = Path.of("/mnt/tank/apps");

    @TempDir
    static Path tmp;
    static TrueNasEmulator emulator;
    static Path keyFile;

    @BeforeAll
    static void start() throws IOException {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        keyFile = tmp.resolve("api-key");
        Files.writeString(keyFile, emulator.apiKey());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    static Stream<String> projects() throws IOException {
        try (Stream<Path> dirs = Files.list(PROJECTS)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @Test
    void theCorpusHoldsAtLeastTwentyProjectsEachWithItsSourceAndExpectedOutcome() throws IOException {
        List<String> names = projects().toList();
        assertThat(names).hasSizeGreaterThanOrEqualTo(20);
        for (String n : names) {
            String source = Files.readString(PROJECTS.resolve(n).resolve("SOURCE"));
            assertThat(source).as(n).contains("repository: https://github.com/", "path: ", "commit: ", "licence: ");
            assertThat(PROJECTS.resolve(n).resolve("expected.yaml")).as(n).isRegularFile();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("projects")
    void everyProjectValidatesRendersAndDeploysOrIsRefusedForItsOneDocumentedReason(String project) throws Exception {
        Map<?, ?> expected = (Map<?, ?>) YamlLoader.load(Files.readString(PROJECTS.resolve(project)
                .resolve("expected.yaml")), "expected.yaml").root();
        Path repo = tmp.resolve("repo-" + project);
        copy(PROJECTS.resolve(project).resolve("recipe"), repo.resolve("stacks").resolve(project));
        commitAll(repo);

        StacksOptions options = new StacksOptions("stacks", null, HOST_BASE, StacksOptions.MissingSecrets.ERROR);
        LoadedStack stack = StackRepository.load(repo, repo.resolve("stacks").resolve(project), options, Map.of());
        List<Problem> errors = stack.problems().stream().filter(Problem::isError).toList();

        if ("deploys".equals(expected.get("outcome"))) {
            assertThat(errors).as(project + ": validate").isEmpty();
            assertThat(stack.rendered()).as(project + ": render").isNotNull();
            assertThat(ComposeYaml.dump(stack.rendered().compose())).contains("services:");
            Run sync = sync(repo);
            assertThat(sync.exitCode()).as(project + ": sync\n" + sync.out() + sync.err()).isZero();
            assertThat(emulator.apps().get(project)).as(project + ": app on the NAS").isPresent();
        } else {
            assertThat(expected.get("outcome")).isEqualTo("refused");
            assertThat(errors).as(project + ": the one reason").hasSize(1);
            Problem p = errors.get(0);
            assertThat(p.file()).isEqualTo("stacks/" + project + "/" + expected.get("file"));
            assertThat(p.line()).isEqualTo(((Number) expected.get("line")).intValue());
            assertThat(p.path()).isEqualTo(expected.get("path"));
            assertThat(stack.rendered()).isNull();
            Run sync = sync(repo);
            assertThat(sync.exitCode()).as("a refused stack is not applied").isEqualTo(ExitCodes.FAILED);
            assertThat(emulator.apps().get(project)).isEmpty();
        }
    }

    record Run(int exitCode, String out, String err) {}

    static Run sync(Path repo) {
        CommandLine cli = RootCommand.commandLine(CommandLine.defaultFactory(), List.of(new SyncCommand()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("sync", "--repo", repo.toString(), "--url", emulator.url(), "--api-key-file",
                keyFile.toString(), "--username", emulator.username(), "--tls-fingerprint", emulator.tlsFingerprint(),
                "--settle-time", "1", "--host-base-path", HOST_BASE.toString(), "--state-dir",
                repo.resolveSibling(repo.getFileName() + "-state").toString());
        return new Run(code, out.toString(), err.toString());
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    static void commitAll(Path repo) throws Exception {
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            PersonIdent me = new PersonIdent("Test", "test@example.invalid");
            git.commit().setMessage("import").setAuthor(me).setCommitter(me).call();
        }
    }
}
