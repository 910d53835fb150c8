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

/** A file beside the compose, changed in Git and only there, updates its app in one pass; plan shows its diff. */
@QuarkusMainTest
class FilesBesideComposeIT {

    static final String PROXY = "services:\n  caddy:\n    image: caddy:2\n    volumes:\n"
            + "      - ./Caddyfile:/etc/caddy/Caddyfile:ro\n    secrets: [token]\n"
            + "secrets:\n  token:\n    file: ./token.txt\n";

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
    void aChangedCaddyfileAloneShowsItsDiffInPlanAndUpdatesTheAppInOnePass(QuarkusMainLauncher launcher)
            throws Exception {
        RepoCommits.commit(repo, "stacks/proxy/Caddyfile", ":80 {\n  respond \"one\"\n}\n");
        RepoCommits.commit(repo, "stacks/proxy/token.txt", "tok-first-secret\n");
        RepoCommits.commit(repo, "stacks/proxy/compose.yaml", PROXY);
        LaunchResult first = launcher.launch(args("sync"));
        assertThat(first.exitCode()).as(first.getErrorOutput()).isZero();
        assertThat(emulator.apps().get("proxy").orElseThrow().compose().toString()).contains("respond \"one\"");

        RepoCommits.commit(repo, "stacks/proxy/Caddyfile", ":80 {\n  respond \"two\"\n}\n");
        RepoCommits.commit(repo, "stacks/proxy/token.txt", "tok-second-secret\n");
        emulator.calls().reset();
        LaunchResult plan = launcher.launch(args("plan"));

        assertThat(plan.exitCode()).as(plan.getErrorOutput()).isEqualTo(1);
        assertThat(plan.getOutput()).contains("~ update", "proxy", "-        respond \"one\"",
                "+        respond \"two\"", "# secret value changed (masked): configs.token.content")
                .doesNotContain("tok-first-secret", "tok-second-secret");
        assertThat(emulator.calls().writes()).isZero();

        LaunchResult sync = launcher.launch(args("sync"));
        assertThat(sync.exitCode()).as(sync.getErrorOutput()).isZero();
        assertThat(sync.getOutput() + sync.getErrorOutput()).doesNotContain("tok-second-secret");
        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertThat(emulator.calls().count("app.create")).isZero();
        assertThat(emulator.apps().get("proxy").orElseThrow().compose().toString())
                .contains("respond \"two\"", "tok-second-secret");

        emulator.calls().reset();
        LaunchResult again = launcher.launch(args("plan"));
        assertThat(again.exitCode()).as(again.getOutput()).isZero();
        assertThat(emulator.calls().writes()).isZero();
    }
}
