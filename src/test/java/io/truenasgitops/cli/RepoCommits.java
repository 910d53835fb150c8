package io.truenasgitops.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;

/** Commits of the CLI tests' stacks repositories. */
final class RepoCommits {

    private RepoCommits() {}

    /** Writes {@code content} to {@code path} in {@code repo} and commits everything. */
    static void commit(Path repo, String path, String content) throws Exception {
        Path f = repo.resolve(path);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        try (Git git = Git.open(repo.toFile())) {
            git.add().addFilepattern(".").call();
            PersonIdent me = new PersonIdent("Test", "test@example.invalid");
            git.commit().setMessage("change " + path).setAuthor(me).setCommitter(me).call();
        }
    }
}
