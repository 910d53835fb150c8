package io.truenasgitops.git;

import java.util.Optional;

/**
 * Where the desired state comes from: a Git repository (or, for development, a plain directory) turned into
 * an immutable {@link Snapshot} on disk.
 *
 * <p>Implementations keep the last good checkout: a failed {@link #fetch()} throws and leaves
 * {@link #lastGood()} and every file under its {@link Snapshot#root()} untouched, so a caller can keep
 * reporting (or even applying) the previous revision. A failure is never turned into an empty snapshot.
 * Calls to {@link #fetch()} are serialised per source.
 */
public interface GitSource extends AutoCloseable {

    /**
     * Brings the wanted revision on disk: clones on the first call, fetches afterwards, and checks out the
     * revision the configured ref points at now (a followed branch moves, also when force-pushed; a pinned
     * tag or commit stays put).
     *
     * @return the snapshot of that revision; its {@link Snapshot#root()} stays readable at least until the
     *     next-but-one successful fetch
     * @throws GitSourceException with a {@link GitSourceException.Kind} and a message that names the source,
     *     never a credential; the last good snapshot is kept
     */
    Snapshot fetch();

    /**
     * The last snapshot a {@link #fetch()} produced for this same source (URL, ref and path), also across a
     * process restart (it is read back from the state directory). Empty before the first success.
     */
    Optional<Snapshot> lastGood();

    /**
     * The files of an older revision (a full or abbreviated commit id) that the local copy holds, for a rollback;
     * what {@link #fetch()} follows does not change. Sources without history refuse.
     *
     * @throws GitSourceException (BAD_REF) when the revision is not there
     */
    default Snapshot checkout(String revision) {
        throw new GitSourceException(GitSourceException.Kind.BAD_REF, "failed to check out revision '" + revision
                + "' of " + describe() + ": this source keeps no history; roll back with a Git source");
    }

    /**
     * Commits new contents of some files on top of {@code base} and pushes the commit to the followed branch
     * (fast-forward only), for the daemon's own edits such as image updates. Sources that cannot push refuse.
     *
     * @param files contents by path relative to the snapshot's root
     * @return the new commit's id
     * @throws GitSourceException when nothing was pushed, saying why
     */
    default String commitAndPush(Snapshot base, java.util.Map<String, String> files, String message,
            WorkingTreeCommit.Identity who) {
        throw new GitSourceException(GitSourceException.Kind.CONFIG, "cannot push to " + describe()
                + ": this source is not a Git remote; image updates need truenas-gitops.git.url");
    }

    /** The source for logs and status: URL without credentials, the ref, and the subpath. */
    String describe();

    /** Releases network resources (SSH client); the checkouts on disk stay. Never throws. */
    @Override
    void close();
}
