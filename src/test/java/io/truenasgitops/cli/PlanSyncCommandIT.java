package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.truenasgitops.emulator.DockerState;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan} and {@code sync} from the command line against the emulator, with a real Git repository. */
@QuarkusMainTest
class PlanSyncCommandIT {

    static final String WEB = "services:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n";
    static final String SECRET_WEB = "services:\n  web:\n    image: nginx:1.27\n    environment:\n"
            + "      TOKEN: ${TOKEN}\n";

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;
    Path repo;
    Path keyFile;

    @BeforeEach
    void setUp() throws Exception {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        keyFile = tmp.resolve("api-key");
        Files.writeString(keyFile, emulator.apiKey());
        repo = tmp.resolve("repo");
        Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call().close();
    }

    @AfterEach
    void tearDown() {
        emulator.close();
    }

    void commit(String path, String content) throws Exception {
        RepoCommits.commit(repo, path, content);
    }

    String[] args(String command, String... extra) {
        List<String> a = new ArrayList<>(List.of(command, "--repo", repo.toString(), "--url", emulator.url(),
                "--api-key-file", keyFile.toString(), "--username", emulator.username(), "--tls-fingerprint",
                emulator.tlsFingerprint(), "--settle-time", "1"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void planShowsPendingChangesWithExitOneAndWritesNothing(QuarkusMainLauncher launcher) throws Exception {
        commit("stacks/web/compose.yaml", WEB);

        LaunchResult r = launcher.launch(args("plan"));

        assertThat(r.exitCode()).as(r.getErrorOutput()).isEqualTo(1);
        assertThat(r.getOutput()).contains("+ create", "web", "NotDeployed", "Plan: 1 to create");
        assertThat(r.getOutput()).as("no colours when stdout is not a terminal").doesNotContain("\u001b[");
        assertThat(emulator.calls().writes()).isZero();
        assertThat(emulator.calls().count("app.query")).isEqualTo(1);
    }

    @Test
    void syncAppliesThenPlanIsInSyncWithExitZero(QuarkusMainLauncher launcher) throws Exception {
        commit("stacks/web/compose.yaml", WEB);

        LaunchResult sync = launcher.launch(args("sync"));
        assertThat(sync.exitCode()).as(sync.getErrorOutput()).isZero();
        assertThat(sync.getOutput()).contains("web", "create", "applied");
        assertThat(sync.getErrorOutput()).contains("web: creating app 'web'");
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");

        emulator.calls().reset();
        LaunchResult plan = launcher.launch(args("plan", "-o", "json"));
        assertThat(plan.exitCode()).as(plan.getErrorOutput()).isZero();
        assertThat(plan.getOutput()).contains("\"inSync\" : true");
        assertThat(emulator.calls().writes()).isZero();
    }

    @Test
    void planAndSyncShowAFolderNamedLikeTheDaemonsOwnAppAsBlockedAndWriteNothing(QuarkusMainLauncher launcher)
            throws Exception {
        emulator.apps().put("truenas-gitops", java.util.Map.of("services", java.util.Map.of("truenas-gitops",
                java.util.Map.of("image", "truenas-gitops:0.1.0"))), "RUNNING");
        commit("stacks/truenas-gitops/stack.yaml", "adopt: true\n");
        commit("stacks/truenas-gitops/compose.yaml", WEB);
        emulator.calls().reset();

        LaunchResult plan = launcher.launch(args("plan", "--self-app", "truenas-gitops"));
        LaunchResult sync = launcher.launch(args("sync", "--self-app", "truenas-gitops"));

        assertThat(plan.getOutput()).contains("! blocked", "truenas-gitops", "SelfApp");
        assertThat(plan.getOutput() + plan.getErrorOutput()).contains("the daemon's own app", "docs/install.md")
                .doesNotContain("set adopt: true");
        assertThat(sync.getOutput()).contains("truenas-gitops", "blocked", "SelfApp");
        assertThat(emulator.calls().writes()).isZero();
        assertThat(emulator.apps().get("truenas-gitops").orElseThrow().compose().toString())
                .contains("truenas-gitops:0.1.0");
    }

    @Test
    void aNasWhoseAppsServiceIsStoppedMakesPlanAndSyncSayWhyWriteNothingAndExitThree(QuarkusMainLauncher launcher)
            throws Exception {
        commit("stacks/web/compose.yaml", WEB);
        emulator.faults().dockerState(DockerState.STOPPED);

        LaunchResult plan = launcher.launch(args("plan"));
        LaunchResult sync = launcher.launch(args("sync"));

        assertThat(plan.exitCode()).as(plan.getErrorOutput()).isEqualTo(3);
        assertThat(plan.getOutput()).contains("! blocked", "DockerNotRunning", "is STOPPED (Application(s) have been stopped)");
        assertThat(plan.getErrorOutput()).contains("error: stack 'web' is neither applied nor checked for drift",
                "reconciliation resumes automatically");
        assertThat(sync.exitCode()).as(sync.getErrorOutput()).isEqualTo(3);
        assertThat(sync.getOutput()).contains("web", "blocked", "DockerNotRunning");
        assertThat(sync.getErrorOutput()).contains("error: ", "is STOPPED");
        assertThat(emulator.calls().writes()).isZero();

        emulator.faults().dockerState(DockerState.RUNNING);
        LaunchResult again = launcher.launch(args("sync"));
        assertThat(again.exitCode()).as(again.getErrorOutput()).isZero();
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");
    }

    String[] argsWithRepo(String command, String repoArg, String... extra) {
        String[] a = args(command, extra);
        a[2] = repoArg;
        return a;
    }

    @Test
    void planAndSyncOfARepositoryThatCannotBeFetchedExitTwoWithTheReasonNotInSync(QuarkusMainLauncher launcher)
            throws Exception {
        commit("stacks/web/compose.yaml", WEB);
        String missing = tmp.resolve("nonexistent.git").toUri().toString();

        LaunchResult plan = launcher.launch(argsWithRepo("plan", missing));
        LaunchResult badRef = launcher.launch(args("plan", "--ref", "nosuchbranch"));
        LaunchResult sync = launcher.launch(argsWithRepo("sync", missing));

        assertThat(plan.exitCode()).as(plan.getErrorOutput()).isEqualTo(2);
        assertThat(plan.getErrorOutput()).contains("error: failed to fetch " + missing, "check the url",
                "nothing was planned or applied");
        assertThat(badRef.exitCode()).as(badRef.getErrorOutput()).isEqualTo(2);
        assertThat(badRef.getErrorOutput()).contains("error: failed to fetch", "nosuchbranch");
        assertThat(sync.exitCode()).isEqualTo(2);
        assertThat(sync.getErrorOutput()).contains("error: failed to fetch " + missing);
        assertThat(emulator.calls().writes()).isZero();
    }

    @Test
    void planOfTheStacksFolderInsteadOfTheRepositoryRootExitsTwoAndSaysWhereToPoint(QuarkusMainLauncher launcher)
            throws Exception {
        commit("stacks/web/compose.yaml", WEB);

        LaunchResult plan = launcher.launch(argsWithRepo("plan", repo.resolve("stacks").toString()));

        assertThat(plan.exitCode()).as(plan.getErrorOutput()).isEqualTo(2);
        assertThat(plan.getErrorOutput()).contains("has no 'stacks' folder", "give the repository root");
    }

    @Test
    void syncOfAnUnknownStackIsAUsageErrorWithTheClosestNameAndAppliesNothing(QuarkusMainLauncher launcher)
            throws Exception {
        commit("stacks/web/compose.yaml", WEB);
        commit("stacks/db/compose.yaml", WEB.replace("8080:80", "8081:80"));

        LaunchResult sync = launcher.launch(args("sync", "--stack", "wbe"));

        assertThat(sync.exitCode()).as(sync.getErrorOutput()).isEqualTo(2);
        assertThat(sync.getErrorOutput()).contains("error: --stack wbe: no such stack", "did you mean web?",
                "its stacks: db, web");
        assertThat(sync.getOutput()).doesNotContain("Sync no change");
        assertThat(emulator.calls().writes()).isZero();

        LaunchResult known = launcher.launch(args("sync", "--stack", "web"));
        assertThat(known.exitCode()).as(known.getErrorOutput()).isZero();
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");
        assertThat(emulator.apps().get("db")).isEmpty();
    }

    @Test
    void appsSyncedFromAPathAreOwnedWhenTheSameRepositoryIsGivenAsAFileUrl(QuarkusMainLauncher launcher)
            throws Exception {
        commit("stacks/web/compose.yaml", WEB);
        LaunchResult sync = launcher.launch(args("sync"));
        assertThat(sync.exitCode()).as(sync.getErrorOutput()).isZero();

        String url = "file://" + repo.toAbsolutePath();
        LaunchResult asUrl = launcher.launch(argsWithRepo("plan", url));
        LaunchResult asUrlWithSlash = launcher.launch(argsWithRepo("plan", url + "/"));

        assertThat(asUrl.exitCode()).as(asUrl.getOutput() + asUrl.getErrorOutput()).isZero();
        assertThat(asUrl.getOutput()).doesNotContain("OwnedByOtherSource");
        assertThat(asUrlWithSlash.exitCode()).as(asUrlWithSlash.getOutput()).isZero();
        assertThat(((java.util.Map<?, ?>) emulator.apps().get("web").orElseThrow().compose().get("x-truenas-gitops"))
                .get("source")).as("the stamp carries the canonical spelling").isEqualTo(url);
    }

    @Test
    void aDryRunWritesNothing(QuarkusMainLauncher launcher) throws Exception {
        commit("stacks/web/compose.yaml", WEB);

        LaunchResult r = launcher.launch(args("sync", "--dry-run"));

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.getOutput()).contains("+ create");
        assertThat(emulator.calls().writes()).isZero();
    }

    @Test
    void thePlanDiffNeverShowsASecretValue(QuarkusMainLauncher launcher) throws Exception {
        Path secrets = tmp.resolve("secrets");
        Files.createDirectories(secrets);
        Files.writeString(secrets.resolve("TOKEN"), "s3cr3t-value-123");
        commit("stacks/web/compose.yaml", SECRET_WEB);
        launcher.launch(args("sync", "--secrets-dir", secrets.toString()));
        Files.writeString(secrets.resolve("TOKEN"), "n3w-s3cr3t-456");

        LaunchResult r = launcher.launch(args("plan", "--secrets-dir", secrets.toString()));

        assertThat(r.exitCode()).as(r.getErrorOutput()).isEqualTo(1);
        assertThat(r.getOutput()).contains("~ update").doesNotContain("s3cr3t-value-123").doesNotContain("n3w-s3cr3t-456");
    }
    static final String ROTATING = "services:\n  web:\n    image: nginx:1.27\n    command: [\"--x=${X}\"]\n"
            + "    environment:\n      KEY_A: ${A}\n";
    static final String ROTATED = "services:\n  web:\n    image: nginx:1.27\n    command: [\"--verbose\", \"--x=${X}\"]\n"
            + "    environment:\n      RENAMED_KEY_A: ${RENAMED_A}\n";

    @Test
    void aPlanFromAFreshProcessAfterARotationAndARenameShowsNoOldSecretInAnyFormat(QuarkusMainLauncher launcher)
            throws Exception {
        Path secrets = tmp.resolve("secrets");
        Files.createDirectories(secrets);
        Files.writeString(secrets.resolve("X"), "INDIA-5567");
        Files.writeString(secrets.resolve("A"), "JULIET-7788");
        commit("stacks/web/compose.yaml", ROTATING);
        LaunchResult sync = launcher.launch(args("sync", "--secrets-dir", secrets.toString(), "--state-dir",
                tmp.resolve("sync-state").toString()));
        assertThat(sync.exitCode()).as(sync.getErrorOutput()).isZero();

        Files.writeString(secrets.resolve("X"), "KILO-0001");
        Files.delete(secrets.resolve("A"));
        Files.writeString(secrets.resolve("RENAMED_A"), "LIMA-0002");
        commit("stacks/web/compose.yaml", ROTATED);

        for (String format : List.of("table", "json", "yaml", "markdown")) {
            LaunchResult plan = launcher.launch(args("plan", "--secrets-dir", secrets.toString(), "--state-dir",
                    tmp.resolve("other-state-" + format).toString(), "-o", format));
            assertThat(plan.exitCode()).as(format + ": " + plan.getErrorOutput()).isEqualTo(1);
            assertThat(plan.getOutput() + plan.getErrorOutput()).as(format)
                    .contains("RENAMED_KEY_A")
                    .doesNotContain("INDIA-5567").doesNotContain("JULIET-7788")
                    .doesNotContain("KILO-0001").doesNotContain("LIMA-0002");
        }
    }

    @Test
    void aPlanWhereOnlyTheImageTagChangedSaysNothingAboutASecretNobodyRotated(QuarkusMainLauncher launcher)
            throws Exception {
        Path secrets = tmp.resolve("secrets");
        Files.createDirectories(secrets);
        Files.writeString(secrets.resolve("TOKEN_KEEP"), "s3cr3t-to-keep");
        String compose = "services:\n  web:\n    image: nginx:%s\n    environment:\n      TOKEN_KEEP: ${TOKEN_KEEP}\n"
                + "      URL_KEEP: postgres://u:${TOKEN_KEEP}@db\n";
        commit("stacks/web/compose.yaml", compose.formatted("1.27"));
        String state = tmp.resolve("state").toString();
        LaunchResult sync = launcher.launch(args("sync", "--secrets-dir", secrets.toString(), "--state-dir", state));
        assertThat(sync.exitCode()).as(sync.getErrorOutput()).isZero();
        commit("stacks/web/compose.yaml", compose.formatted("1.28"));

        for (String stateDir : List.of(state, tmp.resolve("fresh-state").toString())) {
            LaunchResult plan = launcher.launch(args("plan", "--secrets-dir", secrets.toString(), "--state-dir",
                    stateDir));
            assertThat(plan.exitCode()).as(plan.getErrorOutput()).isEqualTo(1);
            assertThat(plan.getOutput()).contains("~ update", "nginx:1.28")
                    .doesNotContain("secret value changed").doesNotContain("s3cr3t-to-keep");
        }
    }
}
