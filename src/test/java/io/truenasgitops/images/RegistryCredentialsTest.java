package io.truenasgitops.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCredentialsTest {

    @TempDir
    Path tmp;

    @Test
    void dockersConfigFileGivesALoginPerRegistryAndDockerHubUnderItsOldName() throws IOException {
        Path f = tmp.resolve("config.json");
        Files.writeString(f, """
                {"auths": {
                  "https://index.docker.io/v1/": {"auth": "%s"},
                  "ghcr.io": {"username": "me", "password": "ghp_x"}
                }}""".formatted(Base64.getEncoder().encodeToString("hubuser:hubpass".getBytes())));
        RegistryCredentials c = RegistryCredentials.read(f);
        assertThat(c.forRegistry("docker.io")).contains(new RegistryCredentials.Login("hubuser", "hubpass"));
        assertThat(c.forRegistry("ghcr.io")).contains(new RegistryCredentials.Login("me", "ghp_x"));
        assertThat(c.forRegistry("quay.io")).isEmpty();
        assertThat(c.toString()).doesNotContain("hubpass").doesNotContain("ghp_x");
        assertThat(c.forRegistry("ghcr.io").orElseThrow().toString()).doesNotContain("ghp_x");
    }

    @Test
    void aFileThatIsNotDockersFormSaysWhatItShouldBeAndNeverQuotesIt() throws IOException {
        Path f = tmp.resolve("config.json");
        Files.writeString(f, "{\"auths\": {\"ghcr.io\": {\"auth\": \"not base64 s3cret!\"}}}");
        assertThatThrownBy(() -> RegistryCredentials.read(f)).isInstanceOf(IOException.class)
                .hasMessageContaining("the \"auth\" of ghcr.io is not base64 of user:password")
                .hasMessageNotContaining("s3cret");
        Files.writeString(f, "{\"credsStore\": \"desktop\"}");
        assertThatThrownBy(() -> RegistryCredentials.read(f)).hasMessageContaining("have no \"auths\" object");
    }
}
