package io.truenasgitops.git;

import io.truenasgitops.git.GitSourceException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Factories of {@link GitSource}s. */
public final class GitSources {

    private GitSources() {}

    /** A source that fetches the configured Git repository with JGit. */
    public static GitSource git(GitSettings settings) {
        return new JGitSource(settings);
    }

    /**
     * A source for a plain directory that is not (or not only) a Git repository, for development: {@code plan
     * --path DIR} on files that were never committed. Each {@link GitSource#fetch()} reads the directory as it
     * is now; the snapshot's root is the directory itself (no copy) and its revision is a SHA-256 content hash
     * of the file names, contents, executable bits and symbolic links below it ({@code .git} folders are
     * skipped), so an unchanged directory keeps its revision and any edit gives a new one.
     */
    public static GitSource localDirectory(Path dir) {
        return new LocalDirectorySource(dir);
    }

    /**
     * One revision of the local Git repository that holds {@code dir}, read from its own objects (no fetch):
     * {@code plan --against REF} in a CI job's checkout. The snapshot's files are written under
     * {@code stateDir/checkouts}; its source URL is {@code sourceUrl}, the one the daemon fetches, so that the
     * apps' ownership stamps match.
     *
     * @param ref a branch, tag, commit id or any revision Git resolves ({@code HEAD}, {@code origin/main}); blank:
     *     {@code HEAD}
     * @param path the sub-directory that holds the stacks folder, or blank
     */
    public static GitSource localRevision(Path dir, String ref, String path, String sourceUrl, Path stateDir) {
        return new LocalRevisionSource(dir, ref, path, sourceUrl, stateDir);
    }

    /** See {@link GitSources#localDirectory(Path)}. */
    private static final class LocalDirectorySource implements GitSource {
        private final Path dir;
        private volatile Snapshot lastGood;

        LocalDirectorySource(Path dir) {
            this.dir = dir.toAbsolutePath().normalize();
        }

        @Override
        public synchronized Snapshot fetch() {
            if (!Files.isDirectory(dir)) {
                throw new GitSourceException(Kind.NOT_FOUND, "failed to read " + describe() + ": "
                        + (Files.exists(dir) ? "it is not a directory" : "it does not exist") + "; check the path");
            }
            String revision;
            try {
                revision = contentHash(dir);
            } catch (IOException e) {
                throw new GitSourceException(Kind.IO, "failed to read " + describe() + ": " + e.getMessage()
                        + "; check the files' permissions", e);
            }
            Snapshot previous = lastGood;
            if (previous != null && previous.revision().equals(revision)) {
                return previous;
            }
            Snapshot snapshot = new Snapshot(revision, Snapshot.shorten(revision), dir, "local", Instant.now(),
                    SourceIdentity.canonical(dir.toString()), "");
            lastGood = snapshot;
            return snapshot;
        }

        @Override
        public Optional<Snapshot> lastGood() {
            return Optional.ofNullable(lastGood);
        }

        @Override
        public String describe() {
            return "directory " + dir;
        }

        @Override
        public String toString() {
            return "LocalDirectorySource[" + dir + "]";
        }

        @Override
        public void close() {
            // nothing held open
        }
    }

    /**
     * SHA-256 over every file below {@code root} in path order: type, relative path, then the contents (or
     * the link target). Names are separated by NUL bytes, which no path may contain, so different trees
     * cannot produce the same input.
     */
    static String contentHash(Path root) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(root)) {
            entries = walk.filter(p -> !p.equals(root))
                    .filter(p -> !isInGitDir(root.relativize(p)))
                    .filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted((a, b) -> relative(root, a).compareTo(relative(root, b)))
                    .toList();
        }
        byte[] buffer = new byte[64 * 1024];
        for (Path p : entries) {
            String name = relative(root, p);
            if (Files.isSymbolicLink(p)) {
                update(digest, "l\0" + name + "\0" + Files.readSymbolicLink(p).toString().replace('\\', '/') + "\0");
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                update(digest, (Files.isExecutable(p) ? "x\0" : "f\0") + name + "\0" + Files.size(p) + "\0");
                try (InputStream in = Files.newInputStream(p)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, n);
                    }
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static boolean isInGitDir(Path relative) {
        for (Path part : relative) {
            if (part.toString().equals(".git")) {
                return true;
            }
        }
        return false;
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
    }
}
