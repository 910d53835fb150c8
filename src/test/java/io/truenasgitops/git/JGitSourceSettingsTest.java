package io.truenasgitops.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.git.GitSourceException.Kind;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the constructor decides from the settings alone, without any network. */
class JGitSourceSettingsTest {

    @TempDir
    Path state;

    @ParameterizedTest(name = "''{0}'' is the subpath ''{1}''")
    @CsvSource(value = {"'', ''", "., ''", "/, ''", "./stacks/, stacks", "clusters//nas1/, clusters/nas1", "a/./b, a/b"},
            quoteCharacter = '\'')
    void subpathsAreNormalised(String given, String normalised) {
        assertThat(JGitSource.normaliseSubpath(given, "url")).isEqualTo(normalised);
    }

    @ParameterizedTest
    @ValueSource(strings = {"git@github.com:me/stacks.git", "ssh://git@host:2222/me/stacks.git", "ssh://host/me/stacks.git"})
    void sshUrlsNeedADeployKeyAndKnownHosts(String url) {
        assertThatThrownBy(() -> new JGitSource(GitSettings.of(url, "main", "", state)))
                .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIG))
                .hasMessageContaining("uses ssh");
    }

    @Test
    void aTokenIsForHttpsOnly() {
        GitSettings settings = GitSettings.of("git@github.com:me/stacks.git", "main", "", state)
                .withSsh(state.resolve("key"), state.resolve("known_hosts"))
                .withToken(state.resolve("token"), "git");
        assertThatThrownBy(() -> new JGitSource(settings))
                .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIG))
                .hasMessageContaining("tokens are for https");
    }

    @Test
    void describeNamesUrlRefAndPathWithoutCredentials() {
        try (JGitSource source = new JGitSource(GitSettings.of("https://u:pw@example.com/r.git", "", "stacks", state))) {
            assertThat(source.describe()).isEqualTo("https://example.com/r.git (ref HEAD, path stacks)");
            assertThat(source.lastGood()).isEmpty();
        }
    }
}
