package io.truenasgitops.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @ParameterizedTest(name = "{0} is shown as {1}")
    @CsvSource({
        "https://user:s3cret@github.com/org/repo.git, https://github.com/org/repo.git",
        "https://ghp_token123@github.com/org/repo.git, https://github.com/org/repo.git",
        "http://x-access-token:abc@127.0.0.1:8080/r.git, http://127.0.0.1:8080/r.git",
        "ssh://git:pw@host:2222/org/repo.git, ssh://git@host:2222/org/repo.git",
        "ssh://git@host/org/repo.git, ssh://git@host/org/repo.git",
        "git@github.com:org/repo.git, git@github.com:org/repo.git",
        "file:///srv/git/repo, file:///srv/git/repo",
        "/srv/git/repo, /srv/git/repo",
    })
    void urlsLoseTheirCredentials(String url, String shown) {
        assertThat(Redaction.url(url)).isEqualTo(shown);
    }

    @Test
    void everyUrlInAMessageAndEveryKnownSecretIsRedacted() {
        String message = "https://a:tok1@h/x: not authorized, retried https://tok2@h/y with tok3";
        assertThat(Redaction.text(message, List.of("tok3", " ")))
                .isEqualTo("https://h/x: not authorized, retried https://h/y with ***");
    }

    @Test
    void settingsShowNoCredentials() {
        GitSettings settings = GitSettings.of("https://u:hunter2@example.com/r.git", "main", "", java.nio.file.Path.of("/tmp/s"));
        assertThat(settings.toString()).doesNotContain("hunter2").contains("https://example.com/r.git");
    }
}
