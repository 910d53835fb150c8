package io.truenasgitops.git;

import io.truenasgitops.git.GitSourceException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * One revision of a local Git repository, read from its own objects: no fetch, no remote, no network (a CI job's
 * checkout of a pull request, shallow or on a detached HEAD). See {@link GitSources#localRevision}.
 */
final class LocalRevisionSource implements GitSource {

    private final Path dir;
    private final String ref;
    private final String subpath;
    private final String sourceUrl;
    private final CheckoutStore checkouts;
    private final Path checkoutsDir;
    private volatile Snapshot lastGood;

    LocalRevisionSource(Path dir, String ref, String path, String sourceUrl, Path stateDir) {
        this.dir = dir.toAbsolutePath().normalize();
        this.ref = ref == null || ref.isBlank() ? "HEAD" : ref.strip();
        this.subpath = JGitSource.normaliseSubpath(path, this.dir.toString());
        this.checkoutsDir = stateDir.toAbsolutePath().normalize().resolve("checkouts");
        this.checkouts = new CheckoutStore(checkoutsDir, this.dir.toString());
        this.sourceUrl = sourceUrl;
    }

    @Override
    public synchronized Snapshot fetch() {
        FileRepositoryBuilder builder = new FileRepositoryBuilder().setMustExist(true).findGitDir(dir.toFile());
        if (builder.getGitDir() == null) {
            throw new GitSourceException(Kind.NOT_FOUND, "failed to read " + describe() + ": it is not in a Git"
                    + " repository; run it in a checkout of the stacks repository or give --repo PATH");
        }
        try (Repository repo = builder.build(); RevWalk walk = new RevWalk(repo)) {
            ObjectId id;
            try {
                id = repo.resolve(ref + "^{commit}");
            } catch (AmbiguousObjectException | RevisionSyntaxException e) {
                id = null;
            }
            if (id == null) {
                throw new GitSourceException(Kind.BAD_REF, "failed to read " + describe() + ": '" + ref + "' is not"
                        + " a branch, tag or commit of this repository; fetch it first (git fetch origin " + ref
                        + ") or give a commit id");
            }
            RevCommit commit = walk.parseCommit(id);
            Files.createDirectories(checkoutsDir);
            Path checkout = checkouts.materialise(repo, commit);
            Path root = subpath.isEmpty() ? checkout : checkout.resolve(subpath);
            if (!Files.isDirectory(root)) {
                throw new GitSourceException(Kind.PATH_NOT_FOUND, "failed to read " + describe() + ": the path '"
                        + subpath + "' is not a directory at " + Snapshot.shorten(commit.name()) + "; check --path");
            }
            // the URL the daemon fetches, which the apps' stamps name: given, else the checkout's origin
            String url = sourceUrl != null && !sourceUrl.isBlank() ? sourceUrl
                    : Optional.ofNullable(repo.getConfig().getString("remote", "origin", "url")).orElse(dir.toString());
            Snapshot snapshot = new Snapshot(commit.name(), Snapshot.shorten(commit.name()), root, ref,
                    Instant.now(), SourceIdentity.canonical(url), commit.getShortMessage());
            lastGood = snapshot;
            return snapshot;
        } catch (JGitSource.CorruptState e) {
            throw new GitSourceException(Kind.CORRUPT, "failed to read " + describe() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new GitSourceException(Kind.IO, "failed to read " + describe() + ": " + e.getMessage()
                    + "; check the repository and the state directory", e);
        }
    }

    @Override
    public Optional<Snapshot> lastGood() {
        return Optional.ofNullable(lastGood);
    }

    @Override
    public String describe() {
        return "local repository " + dir + " at " + ref;
    }

    @Override
    public void close() {
        // nothing held open
    }
}
