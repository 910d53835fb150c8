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
 * Values docker compose refuses (issue 29 item 3) are located errors in validate, plan and sync, and the stack that
 * holds them fails alone: the valid stack beside it is planned and created, nothing of the broken one is sent.
 */
@QuarkusMainTest
class InvalidComposeValuesCliIT {

    static final String GOOD = "services:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n";
    static final String BAD = """
            services:
              web:
                image: nginx:1.27
                ports: ["99999:80", "abc:def", -1, .nan]
                mem_limit: lots
                healthcheck:
                  test: [CMD, "true"]
                  interval: abc
              ~:
                image: nginx:1.27
            """;

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
        RepoCommits.commit(repo, "stacks/good/compose.yaml", GOOD);
        RepoCommits.commit(repo, "stacks/bad/compose.yaml", BAD);
        RepoCommits.commit(repo, "stacks/late/stack.yaml", "healthTimeout: .inf\n");
        RepoCommits.commit(repo, "stacks/late/compose.yaml", GOOD.replace("8080", "8081"));
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

    static final List<String> LOCATED = List.of(
            "stacks/bad/compose.yaml:4:13: error: services.web.ports[0]: port '99999:80' is refused by docker compose:"
                    + " host port '99999' is not a port (0-65535)",
            "stacks/bad/compose.yaml:4:25: error: services.web.ports[1]: port 'abc:def' is refused by docker compose:"
                    + " container port 'def'",
            "stacks/bad/compose.yaml:4:36: error: services.web.ports[2]: port '-1' is refused by docker compose:"
                    + " container port '-1'",
            "stacks/bad/compose.yaml:4:40: error: services.web.ports[3]: port '.nan' is refused by docker compose:"
                    + " '.nan' is not a whole port number",
            "stacks/bad/compose.yaml:5:5: error: services.web.mem_limit: 'lots' is not a size",
            "stacks/bad/compose.yaml:8:7: error: services.web.healthcheck.interval: 'abc' is not a duration",
            "stacks/bad/compose.yaml:9:3: error: services.: a service has no name",
            "stacks/late/stack.yaml:1:1: error: healthTimeout: 'healthTimeout' is a positive duration");

    @Test
    void validateNamesEveryRefusedValueWithItsFileAndLine(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("validate", repo.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        String out = r.getOutput() + r.getErrorOutput();
        for (String line : LOCATED) {
            assertThat(out).as(out).contains(line);
        }
        assertThat(out).contains("3 stacks checked, 1 valid, 2 invalid");
    }

    @Test
    void planAndSyncCreateTheValidStackAndSendNothingOfTheBrokenOnes(QuarkusMainLauncher launcher) {
        LaunchResult plan = launcher.launch(args("plan"));
        String planned = plan.getOutput() + plan.getErrorOutput();
        for (String line : LOCATED) {
            assertThat(planned).as(planned).contains(line);
        }
        assertThat(planned).contains("+ create", "good");
        assertThat(emulator.calls().writes()).isZero();

        LaunchResult sync = launcher.launch(args("sync"));
        String synced = sync.getOutput() + sync.getErrorOutput();
        assertThat(sync.exitCode()).as(synced).isNotZero();
        for (String line : LOCATED) {
            assertThat(synced).as(synced).contains(line);
        }
        assertThat(emulator.apps().state("good")).isEqualTo("RUNNING");
        assertThat(emulator.apps().get("bad")).isEmpty();
        assertThat(emulator.apps().get("late")).isEmpty();
    }
}
