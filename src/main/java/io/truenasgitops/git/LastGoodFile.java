package io.truenasgitops.git;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.jgit.lib.ObjectId;
import org.jboss.logging.Logger;

/**
 * {@code last-good.properties} in the state directory: the last good snapshot of one source (URL, configured
 * ref and path), read back at start so a restart without network still has files to work with. Written
 * atomically (a temporary file renamed into place).
 */
final class LastGoodFile {
    private static final Logger LOG = Logger.getLogger(JGitSource.class);
    private static final String STATE_FILE = "last-good.properties";

    /** The recorded snapshot and the revision before it (null when there was none). */
    record Recorded(Snapshot snapshot, String previousRevision) {}

    private final Path stateDir;
    private final Path checkoutsDir;
    private final String shownUrl;
    private final String configuredRef;
    private final String subpath;

    LastGoodFile(Path stateDir, Path checkoutsDir, String shownUrl, String configuredRef, String subpath) {
        this.stateDir = stateDir;
        this.checkoutsDir = checkoutsDir;
        this.shownUrl = shownUrl;
        this.configuredRef = configuredRef;
        this.subpath = subpath;
    }

    void write(Snapshot snapshot, String previousRevision) throws IOException {
        Properties p = new Properties();
        p.setProperty("url", shownUrl);
        p.setProperty("configuredRef", configuredRef);
        p.setProperty("path", subpath);
        p.setProperty("revision", snapshot.revision());
        p.setProperty("ref", snapshot.ref());
        p.setProperty("fetchedAt", snapshot.fetchedAt().toString());
        p.setProperty("commitMessage", snapshot.commitMessage());
        if (previousRevision != null) {
            p.setProperty("previousRevision", previousRevision);
        }
        Path file = stateDir.resolve(STATE_FILE);
        Path tmp = stateDir.resolve(STATE_FILE + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, "last good snapshot of the git source (written by truenas-gitops)");
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The recorded last good snapshot, if it is of this same source and its files are still on disk. */
    Optional<Recorded> read() {
        Path file = stateDir.resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
            String revision = p.getProperty("revision", "");
            if (!shownUrl.equals(p.getProperty("url")) || !configuredRef.equals(p.getProperty("configuredRef"))
                    || !subpath.equals(p.getProperty("path")) || !ObjectId.isId(revision)) {
                return Optional.empty();
            }
            Path checkout = checkoutsDir.resolve(revision);
            Path root = subpath.isEmpty() ? checkout : checkout.resolve(subpath);
            if (!Files.isDirectory(root)) {
                return Optional.empty();
            }
            return Optional.of(new Recorded(new Snapshot(revision, Snapshot.shorten(revision), root,
                    p.getProperty("ref", ""), Instant.parse(p.getProperty("fetchedAt")),
                    SourceIdentity.canonical(shownUrl), p.getProperty("commitMessage", "")),
                    p.getProperty("previousRevision")));
        } catch (IOException | RuntimeException e) {
            LOG.warnf("ignoring unreadable state file %s: %s", file, e.getMessage());
            return Optional.empty();
        }
    }
}
