package io.truenasgitops.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.StoredConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan --against REF}'s source: one revision of a local repository, read from its objects, nothing fetched. */
class LocalRevisionSourceIT {

    @TempDir
    Path tmp;

    Path checkout;
    String first;
    String second;

    @BeforeEach
    void repository() throws Exception {
        checkout = tmp.resolve("checkout");
        try (Git git = Git.init().setDirectory(checkout.toFile()).setInitialBranch("main").call()) {
            first = commit(git, "nginx:1.27");
            git.checkout().setCreateBranch(true).setName("feature").call();
            second = commit(git, "nginx:1.28");
            git.checkout().setName("main").call();
            StoredConfig c = git.getRepository().getConfig();
            // an origin the way some CI checkouts write it, a token in it; unreachable on purpose: never fetched
            c.setString("remote", "origin", "url", "https://x-access-token:tok3n@git.example.test/home/stacks.git");
            c.save();
        }
    }

    String commit(Git git, String image) throws Exception {
        Path f = checkout.resolve("stacks/web/compose.yaml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "services:\n  web:\n    image: " + image + "\n");
        git.add().addFilepattern(".").call();
        PersonIdent me = new PersonIdent("Test", "test@example.invalid");
        return git.commit().setMessage("web " + image).setAuthor(me).setCommitter(me).call().name();
    }

    @Test
    void aBranchIsReadFromTheRepositorysObjectsWhateverIsCheckedOut() throws Exception {
        GitSource source = GitSources.localRevision(checkout.resolve("stacks"), "feature", "", null, tmp.resolve("state"));

        Snapshot s = source.fetch();

        assertThat(s.revision()).isEqualTo(second);
        assertThat(Files.readString(s.root().resolve("stacks/web/compose.yaml"))).contains("nginx:1.28");
        assertThat(s.sourceUrl()).isEqualTo("https://git.example.test/home/stacks");
        assertThat(s.root()).startsWith(tmp.resolve("state"));
        assertThat(Files.readString(checkout.resolve("stacks/web/compose.yaml"))).contains("nginx:1.27");
    }

    @Test
    void aCommitIdOrAnExpressionWorksAndAGivenSourceUrlWins() {
        Snapshot byId = GitSources.localRevision(checkout, first.substring(0, 10), "stacks", "ssh://git@git.example.test/home/stacks.git",
                tmp.resolve("state")).fetch();
        Snapshot parent = GitSources.localRevision(checkout, "feature~1", "", null, tmp.resolve("state")).fetch();

        assertThat(byId.revision()).isEqualTo(first);
        assertThat(byId.root()).endsWith(Path.of(first, "stacks"));
        assertThat(byId.sourceUrl()).isEqualTo("ssh://git.example.test/home/stacks");
        assertThat(parent.revision()).isEqualTo(first);
    }

    @Test
    void anUnknownRefOrAFolderOutsideAnyRepositorySaysWhatToDo() throws Exception {
        assertThatThrownBy(() -> GitSources.localRevision(checkout, "pr-42", "", null, tmp.resolve("state")).fetch())
                .isInstanceOf(GitSourceException.class)
                .hasMessage("failed to read local repository " + checkout + " at pr-42: 'pr-42' is not a branch, tag or"
                        + " commit of this repository; fetch it first (git fetch origin pr-42) or give a commit id");
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        assertThatThrownBy(() -> GitSources.localRevision(plain, "main", "", null, tmp.resolve("state")).fetch())
                .hasMessageContaining("it is not in a Git repository");
    }
}
