package io.truenasgitops.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.compose.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackComposeFilesTest {

    @TempDir
    Path repo;

    Path stack(String name, Map<String, String> files) throws IOException {
        Path dir = repo.resolve("stacks").resolve(name);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        return dir;
    }

    LoadedStack only() {
        List<LoadedStack> stacks = StackRepository.scan(repo, StacksOptions.defaults()).stacks();
        assertThat(stacks).hasSize(1);
        return stacks.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> service(LoadedStack s, String name) {
        return (Map<String, Object>) ((Map<String, Object>) s.rendered().compose().get("services")).get(name);
    }

    @Test
    void anOverrideFileBesideTheComposeFileIsMergedOntoIt() throws IOException {
        stack("web", Map.of("compose.yaml", "services:\n  web:\n    image: nginx:1\n    ports: ['8080:80']\n",
                "compose.override.yaml", "services:\n  web:\n    image: nginx:2\n"));
        LoadedStack s = only();
        assertThat(s.problems()).isEmpty();
        assertThat(service(s, "web").get("image")).isEqualTo("nginx:2");
        assertThat(s.composeFiles()).containsExactly("stacks/web/compose.yaml", "stacks/web/compose.override.yaml");
    }

    @Test
    void twoOverrideFilesAreAnError() throws IOException {
        stack("web", Map.of("compose.yaml", "services:\n  web:\n    image: nginx:1\n",
                "compose.override.yaml", "services: {}\n", "docker-compose.override.yml", "services: {}\n"));
        assertThat(only().problems()).extracting(Problem::message).singleElement().asString()
                .startsWith("several override files (compose.override.yaml, docker-compose.override.yml)");
    }

    @Test
    void composeFilesInStackYamlListsTheFilesAndTurnsOffTheAutomaticOverride() throws IOException {
        stack("web", Map.of("base.yaml", "services:\n  web:\n    image: nginx:1\n",
                "prod/more.yaml", "services:\n  web:\n    environment:\n      MODE: prod\n",
                "compose.override.yaml", "services:\n  web:\n    image: ignored\n",
                "stack.yaml", "composeFiles: [base.yaml, prod/more.yaml]\n"));
        LoadedStack s = only();
        assertThat(s.problems()).isEmpty();
        assertThat(service(s, "web")).containsEntry("image", "nginx:1");
        assertThat(s.composeFiles()).containsExactly("stacks/web/base.yaml", "stacks/web/prod/more.yaml");
    }

    @Test
    void aProblemInAnIncludedFileNamesThatFileAndLine() throws IOException {
        stack("web", Map.of("compose.yaml", "include: [db/compose.yaml]\nservices:\n  web:\n    image: nginx:1\n",
                "db/compose.yaml", "services:\n  db:\n    image: postgres\n    volumes: ['./data:/var/lib/pg']\n"));
        LoadedStack s = only();
        assertThat(s.problems()).anySatisfy(p -> assertThat(p.format())
                .startsWith("stacks/web/db/compose.yaml:4:").contains("./db/data"));
    }
}
