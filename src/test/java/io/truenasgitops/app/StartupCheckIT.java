package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.truenasgitops.cli.ExitCodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code serve} with a configuration that names missing, unreadable or empty secret files: it refuses to start,
 * exit 2, one line per problem, instead of failing at the first webhook or fetch.
 */
@QuarkusMainTest
@TestProfile(StartupCheckIT.BrokenFiles.class)
class StartupCheckIT {

    static final Path DIR = tempDir();

    static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("truenas-gitops-startup-check");
            Files.writeString(dir.resolve("empty-api-key"), "\n");
            Files.createDirectories(dir.resolve("a-directory"));
            Files.writeString(dir.resolve("not-a-key"), "hello\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every kind of file the daemon reads, each broken in its own way. */
    public static class BrokenFiles implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new java.util.HashMap<>(files());
            // notification targets: a URL file that is missing, an ntfy target without its topic
            config.put("truenas-gitops.notify.targets.chat.type", "discord");
            config.put("truenas-gitops.notify.targets.chat.url-file", DIR.resolve("no-discord-url").toString());
            config.put("truenas-gitops.notify.targets.phone.type", "ntfy");
            config.put("truenas-gitops.notify.targets.phone.url", "https://ntfy.sh");
            return config;
        }

        static Map<String, String> files() {
            return Map.of(
                    "truenas-gitops.webhook.secret-file", DIR.resolve("no-webhook-secret").toString(),
                    "truenas-gitops.api.token-file", DIR.resolve("a-directory").toString(),
                    "truenas-gitops.git.url", "https://git.example.invalid/stacks.git",
                    "truenas-gitops.git.token-file", DIR.resolve("no-git-token").toString(),
                    "truenas-gitops.git.ssh-key-file", DIR.resolve("not-a-key").toString(),
                    "truenas-gitops.git.known-hosts-file", DIR.resolve("no-known-hosts").toString(),
                    "truenas-gitops.targets.default.url", "wss://127.0.0.1:1",
                    "truenas-gitops.targets.default.api-key-file", DIR.resolve("empty-api-key").toString(),
                    "truenas-gitops.state-dir", DIR.resolve("state").toString(),
                    "quarkus.http.test-port", "0");
        }
    }

    @Test
    void serveReportsEveryUnusableFileAtStartOneLineEachAndExitsTwo(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("serve");

        List<String> errors = r.getErrorOutput().lines().filter(l -> l.startsWith("error: ")).toList();
        assertThat(r.exitCode()).as(r.getOutput() + r.getErrorOutput()).isEqualTo(ExitCodes.USAGE);
        assertThat(errors).as(r.getErrorOutput()).hasSize(8);
        assertThat(errors).anySatisfy(l -> assertThat(l).contains("webhook secret file", "no-webhook-secret",
                "truenas-gitops.webhook.secret-file", "does not exist"));
        assertThat(errors).anySatisfy(l -> assertThat(l).contains("API token file", "a-directory", "is a directory"));
        assertThat(errors).anySatisfy(l -> assertThat(l).contains("Git token file", "truenas-gitops.git.token-file"));
        assertThat(errors).anySatisfy(l -> assertThat(l).contains("SSH key file", "not-a-key", "cannot be used"));
        assertThat(errors).anySatisfy(l -> assertThat(l).contains("known_hosts file", "no-known-hosts"));
        assertThat(errors).anySatisfy(l -> assertThat(l).contains("API key file of target 'default'", "is empty"));
        assertThat(errors).anySatisfy(l -> assertThat(l).contains("no-discord-url",
                "truenas-gitops.notify.targets.chat.url-file"));
        assertThat(errors).anySatisfy(l -> assertThat(l).contains("notification target 'phone' (ntfy) has no topic"));
        assertThat(r.getErrorOutput()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
