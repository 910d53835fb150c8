package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvFileInlinerTest {

    @TempDir
    Path dir;

    EnvFileInliner.Result inline(String yaml) {
        YamlLoader.Result loaded = YamlLoader.load(yaml, "stacks/app/compose.yaml");
        @SuppressWarnings("unchecked")
        Map<String, Object> compose = (Map<String, Object>) loaded.root();
        return EnvFileInliner.inline(compose, dir, "stacks/app", loaded.sourceMap(),
                n -> "SHARED".equals(n) ? Optional.of("from-vars") : Optional.empty());
    }

    static Map<?, ?> service(EnvFileInliner.Result r) {
        return (Map<?, ?>) ((Map<?, ?>) r.compose().get("services")).get("web");
    }

    @Test
    void laterEnvFilesOverrideEarlierOnesAndExplicitEnvironmentWins() throws IOException {
        Files.writeString(dir.resolve("a.env"), "A=from-a\nB=from-a\nC=from-a\n");
        Files.writeString(dir.resolve("b.env"), "B=from-b\nC=from-b\nD=${SHARED}\n");
        EnvFileInliner.Result r = inline("services:\n  web:\n    image: x\n    env_file: [a.env, b.env]\n"
                + "    environment:\n      - C=explicit\n");
        assertThat(r.problems()).isEmpty();
        assertThat(service(r).get("environment"))
                .isEqualTo(Map.of("A", "from-a", "B", "from-b", "C", "explicit", "D", "from-vars"));
        assertThat(service(r).containsKey("env_file")).isFalse();
    }

    @Test
    void theStringAndLongFormsWorkAndOptionalMissingFilesAreSkipped() throws IOException {
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/app.env"), "A=1\n");
        EnvFileInliner.Result single = inline("services:\n  web:\n    image: x\n    env_file: conf/app.env\n");
        assertThat(service(single).get("environment")).isEqualTo(Map.of("A", "1"));
        EnvFileInliner.Result longForm = inline("services:\n  web:\n    image: x\n    env_file:\n"
                + "      - path: conf/app.env\n      - path: missing.env\n        required: false\n");
        assertThat(longForm.problems()).isEmpty();
        assertThat(service(longForm).get("environment")).isEqualTo(Map.of("A", "1"));
    }

    @Test
    void aMissingRequiredFileIsAnErrorAtItsEntry() {
        EnvFileInliner.Result r = inline("services:\n  web:\n    image: x\n    env_file:\n      - missing.env\n");
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.path()).isEqualTo("services.web.env_file[0]");
            assertThat(p.message()).contains("does not exist");
        });
    }

    @Test
    void aFileOutsideTheStackFolderIsRefused() {
        EnvFileInliner.Result r = inline("services:\n  web:\n    image: x\n    env_file: ../../etc/passwd\n");
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("outside the stack"));
    }

    @Test
    void anAbsolutePathIsKeptWithAWarning() {
        EnvFileInliner.Result r = inline("services:\n  web:\n    image: x\n    env_file: /mnt/tank/app.env\n");
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.isError()).isFalse());
        assertThat(service(r).get("env_file")).isEqualTo(List.of("/mnt/tank/app.env"));
    }
}
