package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.commitstatus.Forge;
import io.truenasgitops.commitstatus.StatusSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code truenas-gitops.commit-status.*} becomes settings; a mistake names its key and never the token. */
class CommitStatusConfigTest {

    @TempDir
    Path dir;

    record Config(Optional<Path> tokenFile, Optional<String> provider, Optional<String> apiUrl,
            Optional<String> repository, String context, Optional<String> statusUrl, Optional<Path> caFile,
            int maxAttempts, Duration timeout, Duration retryInitialBackoff, Duration retryMaxBackoff, int queueLimit)
            implements CommitStatusConfig {

        static Config of(Path tokenFile) {
            return new Config(Optional.ofNullable(tokenFile), Optional.empty(), Optional.empty(), Optional.empty(),
                    "truenas-gitops", Optional.empty(), Optional.empty(), 5, Duration.ofSeconds(10),
                    Duration.ofSeconds(5), Duration.ofMinutes(5), 200);
        }

        Config provider(String p, String api) {
            return new Config(tokenFile, Optional.of(p), Optional.ofNullable(api), repository, context, statusUrl,
                    caFile, maxAttempts, timeout, retryInitialBackoff, retryMaxBackoff, queueLimit);
        }
    }

    static NotifyConfig notifyWithStatusUrl() {
        return new NotifyConfigTest.Config(Map.of());
    }

    Path token(String value) throws Exception {
        Path f = dir.resolve("token");
        Files.writeString(f, value + "\n");
        return f;
    }

    @Test
    void theTokenIsReadFromItsFileAndTheStatusPageIsTheNotifications() throws Exception {
        StatusSettings s = CommitStatusReporting.map(Config.of(token("ghp_abc123")).provider("GitHub", null),
                notifyWithStatusUrl());

        assertThat(s.token().reveal()).isEqualTo("ghp_abc123");
        assertThat(s.token()).hasToString("***");
        assertThat(s.forge()).isEqualTo(Forge.GITHUB);
        assertThat(s.linkOf("media")).isEqualTo("https://gitops.home.test/stacks/media");
        assertThat(s.contextOf("media")).isEqualTo("truenas-gitops/media");
        assertThat(s.delivery().maxAttempts()).isEqualTo(5);
    }

    @Test
    void aWrongProviderOrApiUrlNamesItsKey() throws Exception {
        Path t = token("ghp_abc123");
        assertThatThrownBy(() -> CommitStatusReporting.map(Config.of(t).provider("gogs", null), notifyWithStatusUrl()))
                .hasMessage("truenas-gitops.commit-status.provider: unknown Git host 'gogs'; use github, gitlab, gitea,"
                        + " forgejo or bitbucket");
        assertThatThrownBy(() -> CommitStatusReporting.map(Config.of(t).provider("gitea", "ftp://git.home.lan"),
                notifyWithStatusUrl())).hasMessage("truenas-gitops.commit-status.api-url must start with https:// or"
                        + " http://");
        assertThat(CommitStatusReporting.map(Config.of(t).provider("gitea", "https://git.home.lan/api/v1"),
                notifyWithStatusUrl()).apiUrl()).isEqualTo(URI.create("https://git.home.lan/api/v1"));
    }

    @Test
    void aMissingTokenFileSaysWhichKeyNamedItAndNothingElse() {
        assertThatThrownBy(() -> CommitStatusReporting.map(Config.of(dir.resolve("absent")), notifyWithStatusUrl()))
                .hasMessageContaining("named by truenas-gitops.commit-status.token-file: no such file");
    }
}
