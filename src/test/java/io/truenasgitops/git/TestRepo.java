package io.truenasgitops.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/** A real Git repository with a working tree in a temp dir, standing in for the remote. */
final class TestRepo implements AutoCloseable {

    private static final PersonIdent AUTHOR = new PersonIdent("Test", "test@example.invalid");

    final Path dir;
    final Git git;

    private TestRepo(Path dir, Git git) {
        this.dir = dir;
        this.git = git;
    }

    static TestRepo create(Path dir) throws GitAPIException {
        return new TestRepo(dir, Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call());
    }

    /** A file:// URL of this repository. */
    String url() {
        return dir.toUri().toString();
    }

    TestRepo write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return this;
    }

    TestRepo delete(String path) throws IOException {
        Files.delete(dir.resolve(path));
        return this;
    }

    /** Commits every change in the working tree; returns the full commit id. */
    String commit(String message) throws GitAPIException {
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        RevCommit c = git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).call();
        return c.name();
    }

    /** Rewrites the tip of the current branch, as a force push does; returns the new commit id. */
    String amend(String message) throws GitAPIException {
        git.add().addFilepattern(".").call();
        RevCommit c = git.commit().setAmend(true).setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).call();
        return c.name();
    }

    void tag(String name) throws GitAPIException {
        git.tag().setName(name).setAnnotated(true).setMessage("release " + name).setTagger(AUTHOR).call();
    }

    void checkout(String branch, boolean create) throws GitAPIException {
        git.checkout().setName(branch).setCreateBranch(create).call();
    }

    @Override
    public void close() {
        git.close();
    }
}
