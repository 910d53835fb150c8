package io.truenasgitops.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.git.GitSourceException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JGitSourceIT {

    @TempDir
    Path tmp;

    TestRepo origin;
    Path state;

    @BeforeEach
    void createOrigin() throws Exception {
        origin = TestRepo.create(tmp.resolve("origin"));
        origin.write("stacks/web/compose.yaml", "services: {web: {image: nginx:1}}\n").write("README.md", "hi\n");
        origin.commit("first stack\n\nwith a body");
        state = tmp.resolve("state");
    }

    @AfterEach
    void closeOrigin() {
        origin.close();
    }

    private JGitSource source(String ref, String path) {
        return new JGitSource(GitSettings.of(origin.url(), ref, path, state));
    }

    @Test
    void firstFetchClonesAndChecksOutTheBranchTip() throws Exception {
        String head = origin.git.getRepository().resolve("HEAD").name();
        try (JGitSource source = source("main", "")) {
            assertThat(source.lastGood()).isEmpty();
            Snapshot s = source.fetch();
            assertThat(s.revision()).isEqualTo(head);
            assertThat(s.shortRevision()).isEqualTo(head.substring(0, 12));
            assertThat(s.ref()).isEqualTo("main");
            assertThat(s.commitMessage()).isEqualTo("first stack");
            assertThat(s.sourceUrl()).isEqualTo(SourceIdentity.canonical(origin.url()));
            assertThat(s.root().resolve("stacks/web/compose.yaml")).hasContent("services: {web: {image: nginx:1}}");
            assertThat(s.root().resolve(".git")).doesNotExist();
            assertThat(source.lastGood()).contains(s);
        }
    }

    @Test
    void aLaterFetchPicksUpANewCommitAndKeepsThePreviousCheckoutReadable() throws Exception {
        try (JGitSource source = source("main", "")) {
            Snapshot first = source.fetch();
            origin.write("stacks/web/compose.yaml", "services: {web: {image: nginx:2}}\n");
            String second = origin.commit("bump nginx");
            Snapshot next = source.fetch();
            assertThat(next.revision()).isEqualTo(second);
            assertThat(next.root()).isNotEqualTo(first.root());
            assertThat(next.root().resolve("stacks/web/compose.yaml")).hasContent("services: {web: {image: nginx:2}}");
            assertThat(first.root().resolve("stacks/web/compose.yaml")).hasContent("services: {web: {image: nginx:1}}");
        }
    }

    @Test
    void theRemoteDefaultBranchIsFollowedWhenNoRefIsSet() throws Exception {
        try (JGitSource source = source("", "")) {
            Snapshot s = source.fetch();
            assertThat(s.ref()).isEqualTo("main");
            assertThat(source.describe()).contains("ref HEAD");
        }
    }

    @Test
    void aPinnedTagStaysPutWhenTheBranchMoves() throws Exception {
        String tagged = origin.git.getRepository().resolve("HEAD").name();
        origin.tag("v1");
        try (JGitSource source = source("v1", "")) {
            assertThat(source.fetch().revision()).isEqualTo(tagged);
            origin.write("stacks/web/compose.yaml", "changed\n");
            origin.commit("moves main");
            Snapshot again = source.fetch();
            assertThat(again.revision()).isEqualTo(tagged);
            assertThat(again.ref()).isEqualTo("v1");
            assertThat(again.root().resolve("stacks/web/compose.yaml")).hasContent("services: {web: {image: nginx:1}}");
        }
    }

    @Test
    void aPinnedCommitStaysPutWhenTheBranchMoves() throws Exception {
        String pinned = origin.git.getRepository().resolve("HEAD").name();
        origin.write("stacks/web/compose.yaml", "changed\n");
        origin.commit("moves main");
        try (JGitSource source = source(pinned, "")) {
            Snapshot s = source.fetch();
            assertThat(s.revision()).isEqualTo(pinned);
            assertThat(s.root().resolve("stacks/web/compose.yaml")).hasContent("services: {web: {image: nginx:1}}");
            origin.write("stacks/web/compose.yaml", "changed again\n");
            origin.commit("moves main again");
            assertThat(source.fetch().revision()).isEqualTo(pinned);
        }
    }

    @Test
    void anAbbreviatedCommitIdIsResolved() throws Exception {
        String pinned = origin.git.getRepository().resolve("HEAD").name();
        origin.write("stacks/web/compose.yaml", "changed\n");
        origin.commit("moves main");
        try (JGitSource source = source(pinned.substring(0, 10), "")) {
            assertThat(source.fetch().revision()).isEqualTo(pinned);
        }
    }

    @Test
    void aCommitThatIsNotInTheRepositoryIsABadRef() {
        String unknown = "0123456789abcdef0123456789abcdef01234567";
        try (JGitSource source = source(unknown, "")) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REF))
                    .hasMessageContaining("commit '" + unknown + "' is not in any branch or tag");
        }
    }

    @Test
    void theSubpathBecomesTheSnapshotRoot() throws Exception {
        try (JGitSource source = source("main", "stacks")) {
            Snapshot s = source.fetch();
            assertThat(s.root().getFileName().toString()).isEqualTo("stacks");
            assertThat(s.root().resolve("web/compose.yaml")).exists();
            assertThat(source.describe()).contains("path stacks");
        }
    }

    @Test
    void aMissingSubpathIsAnErrorNamingThePathAndRevision() throws Exception {
        String head = origin.git.getRepository().resolve("HEAD").name();
        try (JGitSource source = source("main", "clusters/nas1")) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PATH_NOT_FOUND))
                    .hasMessageContaining("clusters/nas1")
                    .hasMessageContaining(head.substring(0, 7));
            assertThat(source.lastGood()).isEmpty();
        }
    }

    @Test
    void aSubpathThatIsAFileIsAnError() throws Exception {
        try (JGitSource source = source("main", "README.md")) {
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PATH_NOT_FOUND))
                    .hasMessageContaining("not a directory");
        }
    }

    @Test
    void aSubpathLeavingTheRepositoryIsRefused() {
        for (String bad : new String[] {"../etc", "stacks/../../x", "/abs", "stacks/.git"}) {
            assertThatThrownBy(() -> source("main", bad))
                    .as(bad)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIG));
        }
    }

    @Test
    void anUnknownBranchIsABadRefAndTheLastGoodSnapshotIsKept() throws Exception {
        Snapshot good;
        try (JGitSource source = source("main", "")) {
            good = source.fetch();
        }
        try (JGitSource other = source("nope", "")) {
            assertThatThrownBy(other::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.BAD_REF);
                        assertThat(e.isRetryable()).isFalse();
                    })
                    .hasMessageContaining("'nope'")
                    .hasMessageContaining("branches: main");
        }
        try (JGitSource again = source("main", "")) {
            assertThat(again.lastGood()).contains(good);
            assertThat(good.root().resolve("stacks/web/compose.yaml")).exists();
        }
    }

    @Test
    void aBranchDeletedOnTheRemoteIsAnErrorAndTheLastGoodSnapshotIsKept() throws Exception {
        origin.checkout("feature", true);
        origin.write("feature.txt", "x\n");
        origin.commit("feature work");
        try (JGitSource source = source("feature", "")) {
            Snapshot good = source.fetch();
            origin.checkout("main", false);
            origin.git.branchDelete().setBranchNames("feature").setForce(true).call();
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REF));
            assertThat(source.lastGood()).contains(good);
            assertThat(good.root().resolve("feature.txt")).exists();
        }
    }

    @Test
    void aRemoteThatIsGoneIsAnErrorAndTheLastGoodSnapshotIsKept() throws Exception {
        try (JGitSource source = source("main", "")) {
            Snapshot good = source.fetch();
            origin.close();
            CheckoutStore.deleteTree(origin.dir);
            assertThatThrownBy(source::fetch)
                    .isInstanceOfSatisfying(GitSourceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                    .hasMessageContaining(origin.url());
            assertThat(source.lastGood()).contains(good);
            assertThat(good.root().resolve("stacks/web/compose.yaml")).exists();
        }
    }

    @Test
    void aForcePushedBranchIsFollowed() throws Exception {
        try (JGitSource source = source("main", "")) {
            source.fetch();
            origin.write("stacks/web/compose.yaml", "rewritten\n");
            String rewritten = origin.amend("rewritten history");
            Snapshot s = source.fetch();
            assertThat(s.revision()).isEqualTo(rewritten);
            assertThat(s.root().resolve("stacks/web/compose.yaml")).hasContent("rewritten");
        }
    }

    @Test
    void aNewSourceOnTheSameStateDirKnowsTheLastGoodSnapshotBeforeAnyFetch() throws Exception {
        Snapshot good;
        try (JGitSource source = source("main", "stacks")) {
            good = source.fetch();
        }
        try (JGitSource restarted = source("main", "stacks")) {
            assertThat(restarted.lastGood()).contains(good);
        }
        try (JGitSource otherPath = source("main", "")) {
            assertThat(otherPath.lastGood()).as("another subpath is another source").isEmpty();
        }
    }

    @Test
    void onlyTheCurrentAndPreviousCheckoutsAreKept() throws Exception {
        try (JGitSource source = source("main", "")) {
            Snapshot first = source.fetch();
            origin.write("a.txt", "2\n");
            Snapshot second = commitAndFetch(source, "two");
            Snapshot third = commitAndFetch(source, "three");
            assertThat(first.root()).doesNotExist();
            assertThat(second.root()).isDirectory();
            assertThat(third.root()).isDirectory();
            try (var entries = Files.list(state.resolve("checkouts"))) {
                assertThat(entries.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder(second.revision(), third.revision());
            }
        }
    }

    private Snapshot commitAndFetch(JGitSource source, String message) throws Exception {
        origin.write("a.txt", message + "\n");
        origin.commit(message);
        return source.fetch();
    }
}
