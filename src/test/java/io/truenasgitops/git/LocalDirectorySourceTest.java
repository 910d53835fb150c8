package io.truenasgitops.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.git.GitSourceException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirectorySourceTest {

    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        Files.createDirectories(dir.resolve("stacks/web"));
        Files.writeString(dir.resolve("stacks/web/compose.yaml"), "services: {web: {image: nginx:1}}\n");
        Files.writeString(dir.resolve("stacks/web/.env"), "TAG=1\n");
    }

    @Test
    void theSnapshotIsTheDirectoryItselfWithAContentHashAsRevision() {
        try (GitSource source = GitSources.localDirectory(dir)) {
            Snapshot s = source.fetch();
            assertThat(s.root()).isEqualTo(dir.toAbsolutePath().normalize());
            assertThat(s.revision()).matches("[0-9a-f]{64}");
            assertThat(s.shortRevision()).isEqualTo(s.revision().substring(0, 12));
            assertThat(s.sourceUrl()).isEqualTo(SourceIdentity.canonical(dir.toString()));
            assertThat(source.lastGood()).contains(s);
            assertThat(source.describe()).contains(dir.toString());
        }
    }

    @Test
    void anUnchangedDirectoryKeepsItsRevisionAndAnyEditChangesIt() throws Exception {
        try (GitSource source = GitSources.localDirectory(dir)) {
            String first = source.fetch().revision();
            assertThat(source.fetch().revision()).isEqualTo(first);
            assertThat(GitSources.localDirectory(dir).fetch().revision()).as("same content, same hash").isEqualTo(first);

            Files.writeString(dir.resolve("stacks/web/.env"), "TAG=2\n");
            String edited = source.fetch().revision();
            assertThat(edited).isNotEqualTo(first);

            Files.move(dir.resolve("stacks/web/.env"), dir.resolve("stacks/web/other.env"));
            assertThat(source.fetch().revision()).as("a rename is a change").isNotIn(first, edited);
        }
    }

    @Test
    void aGitFolderInsideIsIgnored() throws Exception {
        try (GitSource source = GitSources.localDirectory(dir)) {
            String before = source.fetch().revision();
            Files.createDirectories(dir.resolve(".git/objects"));
            Files.writeString(dir.resolve(".git/HEAD"), "ref: refs/heads/main\n");
            assertThat(source.fetch().revision()).isEqualTo(before);
        }
    }

    @Test
    void aMissingDirectoryIsNotFoundAndTheLastGoodSnapshotIsKept() throws Exception {
        Path moving = dir.resolve("stacks");
        try (GitSource source = GitSources.localDirectory(moving)) {
            Snapshot good = source.fetch();
            Files.move(moving, dir.resolve("elsewhere"));
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                    .hasMessageContaining(moving.toString());
            assertThat(source.lastGood()).contains(good);
        }
    }
}
