package io.truenasgitops.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SourceIdentityTest {

    @Test
    void aLocalPathAFileUrlAndATrailingSlashAreOneSource() {
        Path repo = Path.of("/srv/git/stacks-repo");
        assertThat(SourceIdentity.same("/srv/git/stacks-repo", "file:///srv/git/stacks-repo/")).isTrue();
        assertThat(SourceIdentity.same(repo.toUri().toString(), "file:///srv/git/stacks-repo")).isTrue();
        assertThat(SourceIdentity.same("file:///srv/git/stacks-repo.git", "/srv/git/stacks-repo/./")).isTrue();
        assertThat(SourceIdentity.of("file:///srv/git/stacks-repo/").value()).isEqualTo("file:///srv/git/stacks-repo");
    }

    @Test
    void scpLikeAndSshUrlsWithOrWithoutDotGitAreOneSource() {
        assertThat(SourceIdentity.same("git@GitHub.com:owner/stacks.git", "ssh://git@github.com/owner/stacks")).isTrue();
        assertThat(SourceIdentity.same("ssh://git@github.com:22/owner/stacks.git", "git@github.com:owner/stacks")).isTrue();
        assertThat(SourceIdentity.of("git@github.com:owner/stacks.git").value()).isEqualTo("ssh://github.com/owner/stacks");
    }

    @Test
    void theHostsCaseDefaultPortsCredentialsAndTrailingSlashesDoNotMatter() {
        assertThat(SourceIdentity.same("https://GitHub.com/owner/stacks.git", "https://github.com:443/owner/stacks/")).isTrue();
        assertThat(SourceIdentity.same("https://x-access-token:secret@github.com/owner/stacks", "https://github.com/owner/stacks")).isTrue();
        assertThat(SourceIdentity.of("https://token:secret@github.com/owner/stacks").value()).doesNotContain("secret");
    }

    @Test
    void differentRepositoriesSchemesPortsAndPathCaseStayDifferentSources() {
        assertThat(SourceIdentity.same("https://github.com/owner/stacks", "https://github.com/owner/other")).isFalse();
        assertThat(SourceIdentity.same("https://github.com/owner/stacks", "ssh://git@github.com/owner/stacks")).isFalse();
        assertThat(SourceIdentity.same("https://git.example:8443/o/r", "https://git.example/o/r")).isFalse();
        assertThat(SourceIdentity.same("https://github.com/Owner/Stacks", "https://github.com/owner/stacks")).isFalse();
        assertThat(SourceIdentity.same(null, "https://github.com/owner/stacks")).isFalse();
    }
}
