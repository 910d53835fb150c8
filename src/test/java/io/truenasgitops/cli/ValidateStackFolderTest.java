package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.stacks.LoadedStack;
import io.truenasgitops.stacks.RepoScan;
import io.truenasgitops.stacks.StacksOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateStackFolderTest {

    @TempDir
    Path repo;

    @Test
    void aStackFolderWhoseStackYamlListsItsComposeFilesIsValidatedAsOneStack() throws Exception {
        Path dir = Files.createDirectories(repo.resolve("stacks/web"));
        Files.writeString(dir.resolve("base.yaml"), "services:\n  web:\n    image: nginx:1\n");
        Files.writeString(dir.resolve("prod.yaml"), "services:\n  web:\n    image: nginx:2\n");
        Files.writeString(dir.resolve("stack.yaml"), "composeFiles: [base.yaml, prod.yaml]\n");
        RepoScan scan = ValidateCommand.scan(dir, StacksOptions.defaults());
        assertThat(scan.stacks()).singleElement().satisfies((LoadedStack s) -> {
            assertThat(s.problems()).isEmpty();
            assertThat(s.composeFiles()).containsExactly("stacks/web/base.yaml", "stacks/web/prod.yaml");
        });
    }
}
