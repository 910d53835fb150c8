package io.truenasgitops.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.docs.ShellSession.Result;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks the section "Moving an existing project" of docs/stacks.md: a corpus project (Linkwarden's published
 * recipe) in {@code ~/compose/linkwarden} goes through {@code import}, {@code validate}, a commit, {@code plan} and
 * {@code sync} against the emulator, through the packaged launcher.
 */
class StacksImportDocsIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    private static final String CLI = Pattern.quote(DocWalk.CLI);
    private static final String SECTION = "## Moving an existing project";

    @TempDir
    Path tmp;

    private TrueNasEmulator emulator;
    private ShellSession shell;
    private Path repoDir;
    private Path home;
    private final DocWalk walk = new DocWalk();

    @AfterEach
    void stop() {
        if (shell != null) {
            shell.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void aCorpusProjectIsImportedValidatedPlannedAndSyncedAsTheSectionShows() throws Exception {
        Path project = DocWalk.projectDir();
        DocWalk.assertJarBuilt(project);
        Path file = project.resolve("docs/stacks.md");
        List<String> lines = Files.readAllLines(file);
        int from = lines.indexOf(SECTION);
        assertThat(from).as("docs/stacks.md has the section").isNotNegative();
        int to = from + 1;
        while (to < lines.size() && !lines.get(to).startsWith("## ")) {
            to++;
        }
        MarkdownCommands page = MarkdownCommands.parse(file, blankBefore(lines, from, to));

        home = Files.createDirectories(tmp.resolve("home"));
        DocWalk.writeGitIdentity(home);
        copy(project.resolve("src/test/resources/corpus/projects/linkwarden/recipe"),
                home.resolve("compose/linkwarden"));
        repoDir = tmp.resolve("nas-stacks");
        Files.createDirectories(repoDir.resolve("stacks"));
        try (Git git = Git.init().setDirectory(repoDir.toFile()).setInitialBranch("main").call()) {
            Files.writeString(repoDir.resolve("README.md"), "my stacks\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("start").setAuthor("Docs Walker", "docs@localhost")
                    .setCommitter("Docs Walker", "docs@localhost").setSign(false).call();
        }
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        Path keyFile = tmp.resolve("api-key");
        Files.writeString(keyFile, emulator.apiKey());

        walk.substitute("path/to/your/repo", repoDir.toString());
        walk.step("import", CLI + " import ~/compose/linkwarden --repo \\S+ --host-base-path /mnt/tank/apps",
                        this::imported)
                .step("validate", CLI + " validate \\S+ --secrets-dir ~/\\.config/truenas-gitops/secrets"
                        + " --host-base-path /mnt/tank/apps", this::validated)
                .step("git", "git -C \\S+ (add|commit) .*", this::succeeds)
                .step("plan", CLI + " plan --repo \\S+ --secrets-dir ~/\\.config/truenas-gitops/secrets"
                        + " --host-base-path /mnt/tank/apps", this::planned)
                .step("sync", CLI + " sync --repo \\S+ --secrets-dir ~/\\.config/truenas-gitops/secrets"
                        + " --host-base-path /mnt/tank/apps", this::synced);

        Map<String, String> env = DocWalk.cleanEnvironment(home);
        env.put("TRUENAS_URL", emulator.url());
        env.put("TRUENAS_API_KEY_FILE", keyFile.toString());
        env.put("TRUENAS_USERNAME", emulator.username());
        env.put("TRUENAS_TLS_FINGERPRINT", emulator.tlsFingerprint());
        shell = new ShellSession(project, env, Files.createDirectories(tmp.resolve("sh")));
        List<String> ran = walk.walk(page);

        assertThat(ran).containsExactly("import", "validate", "git", "git", "plan", "sync");
        assertThat(emulator.apps().get("linkwarden")).as("the app on the NAS").isPresent();
        String compose = emulator.apps().get("linkwarden").orElseThrow().compose().toString();
        assertThat(compose).contains("/mnt/tank/apps/linkwarden/pgdata", "super_secret_password");
    }

    /** The section's lines, with the lines before it blank so that problems keep the file's line numbers. */
    private static List<String> blankBefore(List<String> lines, int from, int to) {
        return Stream.concat(Stream.generate(() -> "").limit(from), lines.subList(from, to).stream()).toList();
    }

    private Result run(String command) {
        return shell.run(command, null, COMMAND_TIMEOUT);
    }

    private void succeeds(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = run(command);
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    private void imported(MarkdownCommands.Command doc, String command, Matcher m) throws Exception {
        Result r = run(command);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("into stacks/linkwarden", "NEXTAUTH_SECRET moved to the secrets directory",
                "./pgdata (service postgres) is a data folder", "validate: ok: 1 stack checked")
                .doesNotContain("super_secret_password", "very_sensitive_secret");
        Path secrets = home.resolve(".config/truenas-gitops/secrets");
        assertThat(secrets.resolve("POSTGRES_PASSWORD")).hasContent("super_secret_password");
        assertThat(Files.readString(repoDir.resolve("stacks/linkwarden/.env")))
                .contains("POSTGRES_PASSWORD=${POSTGRES_PASSWORD}").doesNotContain("super_secret_password");
        assertThat(home.resolve("compose/linkwarden/.env")).as("the project folder is not changed")
                .content().contains("POSTGRES_PASSWORD=super_secret_password");
    }

    private void validated(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = run(command);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("ok: 1 stack checked, 1 valid");
    }

    private void planned(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = run(command);
        assertThat(r.exitCode()).as("changes pending: " + r).isEqualTo(1);
        assertThat(r.stdout()).contains("linkwarden").doesNotContain("super_secret_password");
        assertThat(emulator.apps().get("linkwarden")).isEmpty();
    }

    private void synced(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = run(command);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout() + r.stderr()).doesNotContain("super_secret_password");
    }

    private static void copy(Path from, Path to) throws Exception {
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
}
