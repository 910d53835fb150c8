package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeFilesTest {

    @TempDir
    Path dir;

    @Test
    void yaml11LookalikesStayStringsAndNumbersReadAsDockerComposeReadsThem() throws Exception {
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, """
                services:
                  ssh:
                    image: alpine
                    ports:
                      - 22:22
                    environment:
                      ENABLED: yes
                      MODE: 0755
                      COUNT: 3
                      DEBUG: true
                """);
        Map<String, Object> compose = ComposeFiles.read(file);
        @SuppressWarnings("unchecked")
        Map<String, Object> ssh = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("ssh");
        assertThat(ssh.get("ports")).asList().containsExactly("22:22");
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) ssh.get("environment");
        assertThat(env).containsEntry("ENABLED", "yes").containsEntry("MODE", 493L).containsEntry("COUNT", 3L)
                .containsEntry("DEBUG", true);
    }

    @Test
    void aDocumentThatIsNotAComposeMappingIsAUsageError() throws Exception {
        Path list = dir.resolve("list.yaml");
        Files.writeString(list, "- a\n- b\n");
        assertThatThrownBy(() -> ComposeFiles.read(list)).isInstanceOf(UsageException.class)
                .hasMessageContaining("mapping");
        Path noServices = dir.resolve("none.yaml");
        Files.writeString(noServices, "volumes: {}\n");
        assertThatThrownBy(() -> ComposeFiles.read(noServices)).isInstanceOf(UsageException.class)
                .hasMessageContaining("services");
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "services: [\n");
        assertThatThrownBy(() -> ComposeFiles.read(broken)).isInstanceOf(UsageException.class)
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void duplicateKeysAreRefused() throws Exception {
        Path file = dir.resolve("dup.yaml");
        Files.writeString(file, "services:\n  a: {image: x}\n  a: {image: y}\n");
        assertThatThrownBy(() -> ComposeFiles.read(file)).isInstanceOf(UsageException.class);
    }

    @Test
    void callArgumentsAreJsonWhenTheyParseAndStringsOtherwise() {
        assertThat(CallCommand.parse("[[\"name\",\"=\",\"x\"]]").isArray()).isTrue();
        assertThat(CallCommand.parse("42").isInt()).isTrue();
        assertThat(CallCommand.parse("media").asText()).isEqualTo("media");
        assertThat(CallCommand.parse("media app").asText()).isEqualTo("media app");
    }
}
