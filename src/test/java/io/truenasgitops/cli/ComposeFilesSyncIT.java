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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stack of several compose files (main, override, include) syncs as the one merged document; a change to the
 * override alone updates the app, and nothing changed writes nothing.
 */
@QuarkusMainTest
class ComposeFilesSyncIT {

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

    String[] args(String command, String... extra) {
        List<String> a = new ArrayList<>(List.of(command, "--repo", repo.toString(), "--url", emulator.url(),
                "--api-key-file", keyFile.toString(), "--username", emulator.username(), "--tls-fingerprint",
                emulator.tlsFingerprint(), "--settle-time", "1"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void theMergedProjectIsDeployedAndAChangeToTheOverrideAloneIsPlannedAndUpdatesTheApp(QuarkusMainLauncher launcher)
            throws Exception {
        RepoCommits.commit(repo, "stacks/web/db/.env", "PG_TAG=16\n");
        RepoCommits.commit(repo, "stacks/web/db/compose.yaml", "services:\n  db:\n    image: postgres:${PG_TAG}\n");
        RepoCommits.commit(repo, "stacks/web/compose.override.yaml",
                "services:\n  web:\n    environment:\n      MODE: dev-mode\n    ports: !override ['8443:443']\n");
        RepoCommits.commit(repo, "stacks/web/compose.yaml", "include: [db/compose.yaml]\nservices:\n  web:\n"
                + "    image: nginx:1.27\n    ports: ['8080:80']\n    environment:\n      LEVEL: info\n"
                + "    depends_on: [db]\n");
        LaunchResult first = launcher.launch(args("sync"));
        assertThat(first.exitCode()).as(first.getOutput() + first.getErrorOutput()).isZero();
        String deployed = emulator.apps().get("web").orElseThrow().compose().toString();
        assertThat(deployed).contains("postgres:16", "dev-mode", "LEVEL", "8443").doesNotContain("8080", "include");

        RepoCommits.commit(repo, "stacks/web/compose.override.yaml",
                "services:\n  web:\n    environment:\n      MODE: prod-mode\n    ports: !override ['8443:443']\n");
        emulator.calls().reset();
        LaunchResult plan = launcher.launch(args("plan"));
        assertThat(plan.exitCode()).as(plan.getErrorOutput()).isEqualTo(1);
        assertThat(plan.getOutput()).contains("~ update", "compose merged from stacks/web/compose.yaml,"
                + " stacks/web/db/compose.yaml, stacks/web/compose.override.yaml", "prod-mode");
        assertThat(emulator.calls().writes()).isZero();
        LaunchResult sync = launcher.launch(args("sync"));
        assertThat(sync.exitCode()).as(sync.getOutput() + sync.getErrorOutput()).isZero();
        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertThat(emulator.calls().count("app.create")).isZero();
        assertThat(emulator.apps().get("web").orElseThrow().compose().toString())
                .contains("prod-mode", "postgres:16").doesNotContain("dev-mode");

        emulator.calls().reset();
        LaunchResult again = launcher.launch(args("sync"));
        assertThat(again.exitCode()).as(again.getOutput()).isZero();
        assertThat(emulator.calls().writes()).isZero();
    }

    @Test
    void validateNamesTheFilesAStackIsMergedFrom(QuarkusMainLauncher launcher) throws Exception {
        RepoCommits.commit(repo, "stacks/web/compose.override.yaml", "services:\n  web:\n    image: nginx:1.28\n");
        RepoCommits.commit(repo, "stacks/web/compose.yaml", "services:\n  web:\n    image: nginx:1.27\n");
        LaunchResult validate = launcher.launch("validate", repo.toString());
        assertThat(validate.exitCode()).as(validate.getOutput() + validate.getErrorOutput()).isZero();
        assertThat(validate.getOutput()).contains("stacks/web: compose merged from stacks/web/compose.yaml,"
                + " stacks/web/compose.override.yaml");
    }
}
