package io.truenasgitops.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.git.GitSourceException.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GitSettingsTest {

    record Config(
            Optional<String> url,
            Optional<String> ref,
            Optional<String> path,
            Path stateDir,
            Optional<Path> tokenFile,
            String username,
            Optional<Path> sshKeyFile,
            Optional<Path> knownHostsFile,
            boolean shallow,
            Duration timeout)
            implements GitConfig {}

    @Test
    void theConfigMappingBecomesSettings() {
        GitSettings s = GitSettings.from(new Config(Optional.of(" https://example.com/r.git "), Optional.of("v1"),
                Optional.of("stacks"), Path.of("/state"), Optional.of(Path.of("/run/secrets/token")), "x-access-token",
                Optional.empty(), Optional.empty(), false, Duration.ofSeconds(5)));
        assertThat(s).isEqualTo(new GitSettings("https://example.com/r.git", "v1", "stacks", Path.of("/state"),
                Path.of("/run/secrets/token"), "x-access-token", null, null, false, Duration.ofSeconds(5)));
    }

    @Test
    void absentRefAndPathMeanTheDefaultBranchAndTheRoot() {
        GitSettings s = GitSettings.from(new Config(Optional.of("/srv/repo"), Optional.empty(), Optional.empty(),
                Path.of("/state"), Optional.empty(), "git", Optional.empty(), Optional.empty(), true,
                Duration.ofSeconds(60)));
        assertThat(s.ref()).isEmpty();
        assertThat(s.path()).isEmpty();
    }

    @Test
    void noUrlIsAConfigurationErrorNamingTheKey() {
        Config none = new Config(Optional.empty(), Optional.empty(), Optional.empty(), Path.of("/state"),
                Optional.empty(), "git", Optional.empty(), Optional.empty(), true, Duration.ofSeconds(60));
        assertThatThrownBy(() -> GitSettings.from(none))
                .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIG))
                .hasMessageContaining("truenas-gitops.git.url");
    }
}
