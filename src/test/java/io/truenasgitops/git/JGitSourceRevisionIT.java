package io.truenasgitops.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checking out an older revision for a rollback, without moving what the source follows. */
class JGitSourceRevisionIT {

    @TempDir
    Path tmp;

    TestRepo origin;

    @BeforeEach
    void createOrigin() throws Exception {
        origin = TestRepo.create(tmp.resolve("origin"));
    }

    @AfterEach
    void closeOrigin() {
        origin.close();
    }

    @Test
    void anOlderFetchedRevisionIsCheckedOutByItsShortIdAndTheFollowedRevisionStays() throws Exception {
        origin.write("stacks/web/compose.yaml", "services: {web: {image: 'nginx:1.26'}}\n");
        String first = origin.commit("1.26");
        try (JGitSource source = new JGitSource(GitSettings.of(origin.url(), "main", "", tmp.resolve("state")))) {
            assertThat(source.fetch().revision()).isEqualTo(first);
            origin.write("stacks/web/compose.yaml", "services: {web: {image: 'nginx:1.27'}}\n");
            String second = origin.commit("1.27");
            assertThat(source.fetch().revision()).isEqualTo(second);

            Snapshot old = source.checkout(first.substring(0, 7));

            assertThat(old.revision()).isEqualTo(first);
            assertThat(old.commitMessage()).isEqualTo("1.26");
            assertThat(old.root().resolve("stacks/web/compose.yaml")).content().contains("nginx:1.26");
            assertThat(source.lastGood().orElseThrow().revision()).isEqualTo(second);
            assertThat(source.fetch().revision()).isEqualTo(second);
        }
    }

    /** The daemon fetches shallowly: a revision it never fetched is not there (docs/reconcile.md says so). */
    @Test
    void aRevisionTheLocalCopyDoesNotHaveIsABadRef() throws Exception {
        origin.write("stacks/web/compose.yaml", "services: {}\n");
        origin.commit("first");
        try (JGitSource source = new JGitSource(GitSettings.of(origin.url(), "main", "", tmp.resolve("state")))) {
            source.fetch();

            assertThatThrownBy(() -> source.checkout("deadbeef"))
                    .isInstanceOfSatisfying(GitSourceException.class,
                            e -> assertThat(e.kind()).isEqualTo(GitSourceException.Kind.BAD_REF))
                    .hasMessageContaining("failed to check out revision 'deadbeef' of")
                    .hasMessageContaining("no such commit in the local copy");
        }
    }
}
