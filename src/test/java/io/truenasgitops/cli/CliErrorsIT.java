package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a person sees when a command fails: each error once, as {@code error: ...} without the log format's
 * timestamps, and no promise that it "is retried" from a command that exits.
 */
@QuarkusMainTest
class CliErrorsIT {

    static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;
    Path keyFile;

    @BeforeEach
    void setUp() throws Exception {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        keyFile = tmp.resolve("api-key");
        Files.writeString(keyFile, emulator.apiKey());
    }

    @AfterEach
    void tearDown() {
        emulator.close();
    }

    LaunchResult sync(QuarkusMainLauncher launcher, String repo) {
        return launcher.launch("sync", "--repo", repo, "--url", emulator.url(), "--api-key-file", keyFile.toString(),
                "--username", emulator.username(), "--tls-fingerprint", emulator.tlsFingerprint());
    }

    static List<String> linesWith(String text, String fragment) {
        return text.lines().filter(l -> l.contains(fragment)).toList();
    }

    @Test
    void aMissingRepositoryIsReportedOnceWithoutTimestampOrRepeatedContext(QuarkusMainLauncher launcher) {
        LaunchResult r = sync(launcher, "file:///nonexistent-" + System.nanoTime() + ".git");

        String all = r.getOutput() + "\n" + r.getErrorOutput();
        assertThat(r.exitCode()).as(all).isEqualTo(ExitCodes.USAGE);
        assertThat(linesWith(all, "failed to fetch")).as(all).hasSize(1);
        assertThat(linesWith(all, "failed to fetch").get(0)).startsWith("error: failed to fetch file:///nonexistent-")
                .containsOnlyOnce("failed to fetch").doesNotContainPattern(TIMESTAMP);
    }

    @Test
    void anUnreachableGitServerIsNotPromisedARetryByACommandThatExits(QuarkusMainLauncher launcher) {
        LaunchResult r = sync(launcher, "https://127.0.0.1:1/stacks.git");

        String all = r.getOutput() + "\n" + r.getErrorOutput();
        assertThat(r.exitCode()).as(all).isEqualTo(ExitCodes.USAGE);
        assertThat(linesWith(all, "failed to fetch")).as(all).hasSize(1);
        assertThat(linesWith(all, "failed to fetch").get(0)).startsWith("error: ").contains("unreachable")
                .doesNotContainPattern(TIMESTAMP);
        assertThat(all).doesNotContain("retried");
    }

    @Test
    void aFailedCreateOnTwentySixPrintsTheJobsLogAfterTheError(QuarkusMainLauncher launcher) throws Exception {
        try (TrueNasEmulator nas = TrueNasEmulator.start(EmulatorOptions.defaults()
                .withRelease(io.truenasgitops.emulator.Release.V26_0))) {
            Path key = tmp.resolve("key26");
            Files.writeString(key, nas.apiKey());
            Path compose = tmp.resolve("compose.yaml");
            Files.writeString(compose, "services: {web: {image: nginx}}\n");
            nas.faults().failNextJobWithLogs("app.create", "web", "web-1  | exec /docker-entrypoint.sh: bad\n");

            LaunchResult r = launcher.launch("deploy", compose.toString(), "--name", "web", "--url", nas.url(),
                    "--api-key-file", key.toString(), "--username", nas.username(), "--tls-fingerprint",
                    nas.tlsFingerprint());

            String err = r.getErrorOutput();
            assertThat(r.exitCode()).as(err).isEqualTo(ExitCodes.FAILED);
            assertThat(err).contains("error: ").contains("Failed 'up' action for 'web' app")
                    .contains("the job's log on the NAS (logs_excerpt):\n  App installation logs for web:\n"
                            + "  web-1  | exec /docker-entrypoint.sh: bad");
            assertThat(err).doesNotContain(nas.apiKey());
        }
    }
}
