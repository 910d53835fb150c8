package io.truenasgitops.git;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.jboss.logging.Logger;

/**
 * {@code checkouts/<commit>/} in the state directory: the files of one revision each, written whole or not at
 * all, never changed while they exist; the current and the previous revision are kept.
 */
final class CheckoutStore {
    private static final Logger LOG = Logger.getLogger(JGitSource.class);

    private final Path checkoutsDir;
    private final String shownUrl;

    CheckoutStore(Path checkoutsDir, String shownUrl) {
        this.checkoutsDir = checkoutsDir;
        this.shownUrl = shownUrl;
    }

    /**
     * Writes the files of a commit to {@code checkouts/<commit>} unless they are already there. The files go
     * to a temporary directory first, renamed into place when complete: a directory named after a commit
     * is always whole.
     */
    Path materialise(Repository repo, RevCommit commit) throws IOException, JGitSource.CorruptState {
        Path target = checkoutsDir.resolve(commit.name());
        if (Files.isDirectory(target)) {
            return target;
        }
        Path tmp = Files.createTempDirectory(checkoutsDir, ".tmp-" + commit.name() + "-");
        try {
            writeTree(repo, commit, tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
        } catch (FileAlreadyExistsException e) {
            // Another process finished the same revision first; its copy is as good as ours.
            deleteTree(tmp);
        } catch (IOException | RuntimeException | JGitSource.CorruptState e) {
            deleteTree(tmp);
            throw e;
        }
        return target;
    }

    private void writeTree(Repository repo, RevCommit commit, Path dir) throws IOException, JGitSource.CorruptState {
        try (TreeWalk walk = new TreeWalk(repo)) {
            walk.addTree(commit.getTree());
            walk.setRecursive(true);
            ObjectReader reader = walk.getObjectReader();
            while (walk.next()) {
                Path dest = dir.resolve(walk.getPathString()).normalize();
                if (!dest.startsWith(dir) || dest.equals(dir)) {
                    continue; // JGit's object checker refuses such paths on fetch; never write outside anyway
                }
                Files.createDirectories(dest.getParent());
                FileMode mode = walk.getFileMode(0);
                ObjectId id = walk.getObjectId(0);
                if (FileMode.GITLINK.equals(mode)) {
                    Files.createDirectories(dest); // submodules are not fetched; leave an empty folder
                } else if (FileMode.SYMLINK.equals(mode)) {
                    String link = new String(reader.open(id, Constants.OBJ_BLOB).getBytes(), StandardCharsets.UTF_8);
                    Path resolved = dest.getParent().resolve(link).normalize();
                    // A link leaving the checkout could make the daemon read any file on the host: skip it.
                    if (!Path.of(link).isAbsolute() && resolved.startsWith(dir)) {
                        Files.createSymbolicLink(dest, Path.of(link));
                    } else {
                        LOG.warnf("skipping symbolic link %s in revision %s of %s: it points outside the"
                                + " repository", walk.getPathString(), Snapshot.shorten(commit.name()), shownUrl);
                    }
                } else {
                    try (OutputStream out = Files.newOutputStream(dest)) {
                        reader.open(id, Constants.OBJ_BLOB).copyTo(out);
                    } catch (MissingObjectException | CorruptObjectException e) {
                        throw new JGitSource.CorruptState(e.getMessage(), e);
                    }
                    if (FileMode.EXECUTABLE_FILE.equals(mode)) {
                        makeExecutable(dest);
                    }
                }
            }
        } catch (MissingObjectException | CorruptObjectException e) {
            throw new JGitSource.CorruptState(e.getMessage(), e);
        }
    }

    private static void makeExecutable(Path file) {
        try {
            Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(file));
            perms.add(PosixFilePermission.OWNER_EXECUTE);
            perms.add(PosixFilePermission.GROUP_EXECUTE);
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(file, perms);
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system: the executable bit does not matter for compose files.
        }
    }

    /** Removes every checkout except the current and the previous revision, and leftover temporary dirs. */
    void clean(Snapshot current, String keepPrevious) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(checkoutsDir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                boolean keep = current != null && name.equals(current.revision())
                        || keepPrevious != null && name.equals(keepPrevious);
                if (!keep) {
                    deleteTree(entry);
                }
            }
        } catch (IOException e) {
            LOG.debugf("cannot clean old checkouts in %s: %s", checkoutsDir, e.getMessage());
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a leftover is removed by the next clean-up
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
