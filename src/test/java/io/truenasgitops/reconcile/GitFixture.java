package io.truenasgitops.reconcile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/** A real Git repository in a temp dir that the engine fetches from (file:// URL). */
final class GitFixture implements AutoCloseable {
    private static final PersonIdent AUTHOR = new PersonIdent("Test", "test@example.invalid");
    final Path dir;
    private final Git git;

    GitFixture(Path dir) throws GitAPIException {
        this.dir = dir;
        this.git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
    }

    String url() {
        return dir.toUri().toString();
    }

    GitFixture write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return this;
    }

    GitFixture deleteDir(String path) throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve(path))) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        return this;
    }

    String commit(String message) throws GitAPIException {
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        return git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).call().name();
    }

    @Override
    public void close() {
        git.close();
    }
}
