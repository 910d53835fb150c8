package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.StoredConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan --against REF -o markdown}: a pull request's branch planned from the local repository's own objects
 * (nothing fetched) against what the emulated NAS runs, as the Markdown a CI job posts; compared with a golden file.
 */
@QuarkusMainTest
class PlanMarkdownIT {

    static final String ORIGIN = "https://git.example.test/home/stacks.git";
    static final String WEB = "services:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n";
    static final String DB = "services:\n  db:\n    image: postgres:16\n";
    static final Path GOLDEN = Path.of("src/test/resources/golden/plan-markdown.md");

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;
    Path repo;
    Path keyFile;
    Path secrets;

    @BeforeEach
    void setUp() throws Exception {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        keyFile = tmp.resolve("api-key");
        Files.writeString(keyFile, emulator.apiKey());
        secrets = tmp.resolve("secrets");
        Files.createDirectories(secrets);
        Files.writeString(secrets.resolve("DB_PASSWORD"), "pr-s3cr3t-value");
        repo = tmp.resolve("checkout");
        Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call().close();
        try (Git git = Git.open(repo.toFile())) {
            StoredConfig c = git.getRepository().getConfig();
            c.setString("remote", "origin", "url", ORIGIN); // the URL the daemon fetches, as in a CI checkout
            c.save();
        }
    }

    @AfterEach
    void tearDown() {
        emulator.close();
    }

    void commit(String path, String content) throws Exception {
        RepoCommits.commit(repo, path, content);
    }

    void checkout(String branch, boolean create) throws Exception {
        try (Git git = Git.open(repo.toFile())) {
            git.checkout().setName(branch).setCreateBranch(create).call();
        }
    }

    String[] args(String command, String... extra) {
        List<String> a = new ArrayList<>(List.of(command, "--url", emulator.url(), "--api-key-file",
                keyFile.toString(), "--username", emulator.username(), "--tls-fingerprint", emulator.tlsFingerprint(),
                "--settle-time", "0", "--secrets-dir", secrets.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    /** main applied (stamped with the checkout's file URL), then a branch with changes, main checked out again. */
    String branchWithChanges(QuarkusMainLauncher launcher) throws Exception {
        commit("stacks/web/compose.yaml", WEB);
        commit("stacks/db/compose.yaml", DB);
        LaunchResult applied = launcher.launch(args("sync", "--repo", repo.toString(), "--ref", "main"));
        assertThat(applied.exitCode()).as(applied.getErrorOutput()).isZero();
        checkout("feature", true);
        commit("stacks/web/compose.yaml", WEB.replace("nginx:1.27", "nginx:1.28"));
        commit("stacks/db/compose.yaml", DB + "    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n");
        commit("stacks/cache/compose.yaml", "services:\n  cache:\n    image: redis:7\n");
        String head;
        try (Git git = Git.open(repo.toFile())) {
            head = git.getRepository().resolve("HEAD").name();
        }
        checkout("main", false);
        return head;
    }

    @Test
    void aBranchIsPlannedAgainstTheNasAsMarkdownWithOneCollapsedSectionPerChangedStack(QuarkusMainLauncher launcher)
            throws Exception {
        String head = branchWithChanges(launcher);
        emulator.calls().reset();

        LaunchResult r = launcher.launch(args("plan", "--repo", repo.toString(), "--against", "feature",
                "--source-url", repo.toUri().toString(), "-o", "markdown"));

        assertThat(r.exitCode()).as(r.getErrorOutput()).isEqualTo(1);
        String md = String.join("\n", CliOutput.lines(r)) + "\n";
        String normalised = md.replace(head.substring(0, 12), "<revision>").replace(emulator.url(), "<nas>")
                .replace(repo.toString(), "<checkout>");
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, normalised);
        }
        assertThat(normalised).isEqualTo(Files.readString(GOLDEN));
        assertThat(md).doesNotContain("pr-s3cr3t-value").contains("POSTGRES_PASSWORD: '***'");
        assertThat(emulator.calls().writes()).isZero();
    }

    @Test
    void withoutSourceUrlTheStampsAreComparedWithTheCheckoutsOrigin(QuarkusMainLauncher launcher) throws Exception {
        branchWithChanges(launcher);

        LaunchResult r = launcher.launch(args("plan", "--repo", repo.toString(), "--against", "feature"));

        assertThat(r.exitCode()).as(r.getErrorOutput()).isEqualTo(1);
        assertThat(r.getOutput()).contains("OwnedByOtherSource", "this source is https://git.example.test/home/stacks");
    }

    @Test
    void anUnknownRefOrAUrlSaysWhatToDo(QuarkusMainLauncher launcher) throws Exception {
        commit("stacks/web/compose.yaml", WEB);

        LaunchResult unknown = launcher.launch(args("plan", "--repo", repo.toString(), "--against", "no-such-branch"));
        LaunchResult url = launcher.launch(args("plan", "--repo", ORIGIN, "--against", "main"));
        LaunchResult markdownElsewhere = launcher.launch("apps", "list", "-o", "markdown", "--url", emulator.url(),
                "--api-key-file", keyFile.toString(), "--username", emulator.username(), "--tls-fingerprint",
                emulator.tlsFingerprint());

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.getErrorOutput()).contains("'no-such-branch' is not a branch, tag or commit of this"
                + " repository; fetch it first");
        assertThat(url.exitCode()).isEqualTo(2);
        assertThat(url.getErrorOutput()).contains("--against reads a local repository: give --repo PATH");
        assertThat(markdownElsewhere.exitCode()).isEqualTo(2);
        assertThat(markdownElsewhere.getErrorOutput()).contains("-o markdown is for plan only");
        assertThat(emulator.calls().writes()).isZero();
    }
}
