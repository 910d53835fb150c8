package io.truenasgitops.git;

import io.truenasgitops.git.GitSourceException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.PushCommand;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.jboss.logging.Logger;

/**
 * A {@link GitSource} backed by JGit.
 *
 * <p>State directory layout: {@code repo.git/} is a bare repository that only ever receives fetches (no
 * working tree, so a failed fetch cannot leave half-updated files behind); {@code checkouts/<commit>/} holds
 * the files of one revision, written to a temporary directory and renamed into place once complete, so the
 * directory a {@link Snapshot#root()} points at never changes while it exists; {@code last-good.properties}
 * records the last good snapshot for restarts. The checkouts of the current and the previous revision are
 * kept, older ones are removed after a successful fetch.
 *
 * <p>Credentials never reach disk or a message: the remote URL is passed to JGit without a password and
 * not stored in the repository configuration; the token is read from its file at each fetch and handed to
 * JGit through a {@link CredentialsProvider}.
 */
public final class JGitSource implements GitSource {

    private static final Logger LOG = Logger.getLogger(JGitSource.class);

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{7,40}");
    private static final String PINNED_REF = "refs/truenas-gitops/pinned";
    private static final String OTHER_REF = "refs/truenas-gitops/ref";
    private static final String HEAD_REF = "refs/truenas-gitops/head";
    private static final String CONFIG_SECTION = "truenas-gitops";
    private static final int DEFAULT_MAX_PACKS = 30;

    private final GitSettings settings;
    private final int maxPacks;
    private final RemoteUrl url;
    private final String shownUrl;
    private final String subpath;
    private final Path stateDir;
    private final Path repoDir;
    private final Path checkoutsDir;
    private final StateDirLock lock;
    private final LastGoodFile lastGoodFile;
    private final CheckoutStore checkouts;
    private SshSupport sshSupport;
    private volatile Snapshot lastGood;
    private volatile String previousRevision;

    /**
     * Checks the settings and reads the last good snapshot back from the state directory; no network.
     *
     * @throws GitSourceException of kind {@code CONFIG} for unusable settings (bad URL, a subpath with
     *     {@code ..}, an ssh URL without key or known_hosts file, a token over plain http to a remote host)
     */
    public JGitSource(GitSettings settings) {
        this(settings, DEFAULT_MAX_PACKS);
    }

    /** With another pack count that triggers {@code git gc}; for tests. */
    JGitSource(GitSettings settings, int maxPacks) {
        this.maxPacks = maxPacks;
        this.settings = settings;
        this.shownUrl = Redaction.url(settings.url());
        this.subpath = normaliseSubpath(settings.path(), shownUrl);
        this.url = RemoteUrl.of(settings);
        this.stateDir = settings.stateDir().toAbsolutePath().normalize();
        this.repoDir = stateDir.resolve("repo.git");
        this.checkoutsDir = stateDir.resolve("checkouts");
        this.lock = new StateDirLock(stateDir, settings.timeout(), this::describe);
        this.lastGoodFile = new LastGoodFile(stateDir, checkoutsDir, shownUrl, settings.ref(), subpath);
        this.checkouts = new CheckoutStore(checkoutsDir, shownUrl);
        LastGoodFile.Recorded recorded = lastGoodFile.read().orElse(null);
        this.lastGood = recorded == null ? null : recorded.snapshot();
        this.previousRevision = recorded == null ? null : recorded.previousRevision();
    }

    /**
     * Why this file cannot be used as an SSH deploy key (no private key in it, or one behind a passphrase), or
     * empty when it can; the file must be readable. For checks at start, before the first fetch.
     */
    public static Optional<String> sshKeyFormatProblem(Path keyFile) {
        return Optional.ofNullable(SshSupport.keyProblem(keyFile));
    }

    @Override
    public Optional<Snapshot> lastGood() {
        return Optional.ofNullable(lastGood);
    }

    @Override
    public String describe() {
        return shownUrl + " (ref " + (settings.ref().isEmpty() ? "HEAD" : settings.ref()) + ", path "
                + (subpath.isEmpty() ? "/" : subpath) + ")";
    }

    @Override
    public String toString() {
        return "JGitSource[" + describe() + "]";
    }

    @Override
    public Snapshot fetch() {
        try (StateDirLock.Held held = lock.acquire()) {
            try {
                return attempt();
            } catch (CorruptState e) {
                // A broken local copy is repaired by starting over; the remote is the source of truth.
                LOG.warnf("the local clone of %s in %s is corrupt (%s); cloning it again", shownUrl, repoDir,
                        e.getMessage());
                CheckoutStore.deleteTree(repoDir);
                try {
                    return attempt();
                } catch (CorruptState again) {
                    throw new GitSourceException(Kind.CORRUPT, "failed to fetch " + describe()
                            + ": the local clone in " + repoDir + " is still corrupt after cloning again ("
                            + again.getMessage() + "); check the disk and the state directory", again.getCause());
                }
            }
        } catch (IOException e) {
            throw new GitSourceException(Kind.IO, "failed to fetch " + describe() + ": cannot use state directory "
                    + stateDir + ": " + e.getMessage() + "; check that it exists and is writable", e);
        }
    }

    /**
     * Checks out an older revision the local copy holds (full or abbreviated commit id), for a rollback; the
     * followed ref and {@link #lastGood()} stay as they are.
     */
    @Override
    public Snapshot checkout(String revision) {
        try (StateDirLock.Held held = lock.acquire(); Repository repo = openRepository()) {
            ObjectId id = revision == null ? null : localCommit(repo, revision.strip());
            if (id == null) {
                throw new GitSourceException(Kind.BAD_REF, "failed to check out revision '" + revision + "' of "
                        + describe() + ": no such commit in the local copy" + (isShallow(repo)
                                ? " (it is a shallow clone, which keeps only the commits it fetched)" : "")
                        + "; give a commit id the daemon has fetched (see status or the events)");
            }
            RevCommit commit = parseCommit(repo, id, revision);
            checkSubpath(repo, commit, revision);
            Path checkout = checkouts.materialise(repo, commit);
            Path root = subpath.isEmpty() ? checkout : checkout.resolve(subpath);
            return new Snapshot(commit.name(), Snapshot.shorten(commit.name()), root, revision, Instant.now(),
                    SourceIdentity.canonical(shownUrl), commit.getShortMessage());
        } catch (CorruptState e) {
            throw new GitSourceException(Kind.CORRUPT, "failed to check out revision '" + revision + "' of "
                    + describe() + ": the local clone in " + repoDir + " is corrupt (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new GitSourceException(Kind.IO, "failed to check out revision '" + revision + "' of " + describe()
                    + ": cannot use state directory " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Commits changed files on top of {@code base} (a snapshot this source fetched) and pushes the commit to the
     * followed branch, fast-forward only: the daemon's own edits (image updates) go through Git like a person's.
     * Nothing is forced: when the branch moved since {@code base}, nothing is pushed and the caller tries again
     * after the next fetch.
     *
     * @param files new contents by path relative to the snapshot's root (the configured subpath)
     * @return the pushed commit's id
     * @throws GitSourceException {@code BAD_REF} when the ref is not a branch or the branch moved, {@code AUTH} when
     *     the credentials may not push, or a network kind
     */
    @Override
    public String commitAndPush(Snapshot base, Map<String, String> files, String message,
            WorkingTreeCommit.Identity who) {
        try (StateDirLock.Held held = lock.acquire(); Repository repo = openRepository()) {
            CredentialsProvider credentials = url.credentials(settings, describe());
            Map<String, Ref> advertised = listRemote(credentials);
            Target target = resolve(advertised);
            if (target.commit() || !target.remoteRef().startsWith(Constants.R_HEADS)) {
                throw new GitSourceException(Kind.BAD_REF, "cannot push to " + describe() + ": the ref is not a"
                        + " branch; set truenas-gitops.git.ref to the branch to commit image updates to");
            }
            Ref remote = advertised.get(target.remoteRef());
            if (remote == null || !remote.getObjectId().name().equals(base.revision())) {
                throw new GitSourceException(Kind.BAD_REF, "cannot push to " + describe() + ": branch "
                        + target.display() + " moved since revision " + Snapshot.shorten(base.revision())
                        + "; nothing was pushed, the next fetch brings the new commits and the edit is made again");
            }
            ObjectId commitId;
            try (ObjectInserter inserter = repo.newObjectInserter(); RevWalk walk = new RevWalk(repo)) {
                RevCommit parent = walk.parseCommit(ObjectId.fromString(base.revision()));
                DirCache index = DirCache.newInCore();
                DirCacheBuilder builder = index.builder();
                try (var reader = repo.newObjectReader()) {
                    builder.addTree(new byte[0], 0, reader, parent.getTree());
                }
                builder.finish();
                DirCacheEditor editor = index.editor();
                for (Map.Entry<String, String> f : files.entrySet()) {
                    String path = (subpath.isEmpty() ? "" : subpath + "/") + f.getKey();
                    ObjectId blob = inserter.insert(Constants.OBJ_BLOB,
                            f.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    editor.add(new DirCacheEditor.PathEdit(path) {
                        @Override
                        public void apply(DirCacheEntry entry) {
                            if (entry.getFileMode() == null || entry.getFileMode() == FileMode.MISSING) {
                                entry.setFileMode(FileMode.REGULAR_FILE);
                            }
                            entry.setObjectId(blob);
                        }
                    });
                }
                editor.finish();
                CommitBuilder commit = new CommitBuilder();
                commit.setTreeId(index.writeTree(inserter));
                commit.setParentId(parent);
                PersonIdent ident = new PersonIdent(who.name(), who.email());
                commit.setAuthor(ident);
                commit.setCommitter(ident);
                commit.setMessage(message.strip() + "\n\nSigned-off-by: " + who.name() + " <" + who.email() + ">\n");
                commitId = inserter.insert(commit);
                inserter.flush();
            }
            PushCommand push = Git.wrap(repo).push().setRemote(url.transport())
                    .setRefSpecs(new RefSpec(commitId.name() + ":" + target.remoteRef()));
            configure(push, credentials);
            Iterable<PushResult> results;
            try {
                results = push.call();
            } catch (GitAPIException | RuntimeException e) {
                GitSourceException failure = networkError("failed to push to " + describe(), e);
                if (failure.kind() == Kind.AUTH) {
                    throw new GitSourceException(Kind.AUTH, failure.getMessage() + "; to push image updates the"
                            + " credentials need write access to branch " + target.display() + " (a deploy key with"
                            + " write access, or a token that may push)", e);
                }
                throw failure;
            }
            for (PushResult r : results) {
                for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                    if (u.getStatus() != RemoteRefUpdate.Status.OK && u.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                        throw new GitSourceException(u.getStatus() == RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD
                                ? Kind.BAD_REF : Kind.AUTH, "failed to push to " + describe() + ": the server answered "
                                + u.getStatus().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                                + (u.getMessage() == null ? "" : " (" + u.getMessage() + ")")
                                + "; check that the credentials may push to branch " + target.display());
                    }
                }
            }
            return commitId.name();
        } catch (CorruptState e) {
            throw new GitSourceException(Kind.CORRUPT, "failed to push to " + describe() + ": the local clone in "
                    + repoDir + " is corrupt (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new GitSourceException(Kind.IO, "failed to push to " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (sshSupport != null) {
            sshSupport.close();
            sshSupport = null;
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // One fetch

    /** The wanted revision, as found on the remote (or locally, for a pinned commit). */
    private record Target(String display, String remoteRef, String localRef, boolean commit) {}

    private Snapshot attempt() throws IOException, CorruptState {
        try {
            return attemptOnce();
        } catch (MissingObjectException | CorruptObjectException e) {
            throw new CorruptState(e.getMessage(), e);
        }
    }

    private Snapshot attemptOnce() throws IOException, CorruptState {
        Files.createDirectories(checkoutsDir);
        try (Repository repo = openRepository()) {
            CredentialsProvider credentials = url.credentials(settings, describe());
            ObjectId commitId;
            String resolvedRef;
            ObjectId local = settings.ref().isEmpty() ? null : localCommit(repo, settings.ref());
            if (local != null) {
                // A pinned commit never moves: when it is already here, the remote is not needed at all.
                commitId = local;
                resolvedRef = settings.ref();
            } else {
                Map<String, Ref> advertised = listRemote(credentials);
                Target target = resolve(advertised);
                commitId = fetchTarget(repo, target, advertised, credentials);
                resolvedRef = target.display();
            }
            RevCommit commit = parseCommit(repo, commitId, resolvedRef);
            checkSubpath(repo, commit, resolvedRef);
            Path checkout = checkouts.materialise(repo, commit);
            Path root = subpath.isEmpty() ? checkout : checkout.resolve(subpath);
            Snapshot snapshot = new Snapshot(commit.name(), Snapshot.shorten(commit.name()), root, resolvedRef,
                    Instant.now(), SourceIdentity.canonical(shownUrl), commit.getShortMessage());
            Snapshot previous = lastGood;
            if (previous != null && !previous.revision().equals(snapshot.revision())) {
                previousRevision = previous.revision();
            }
            lastGoodFile.write(snapshot, previousRevision);
            lastGood = snapshot;
            checkouts.clean(lastGood, previousRevision);
            compactIfNeeded(repo);
            return snapshot;
        }
    }

    private Repository openRepository() throws IOException, CorruptState {
        if (!Files.exists(repoDir)) {
            return initRepository();
        }
        Repository repo;
        try {
            repo = new FileRepositoryBuilder().setGitDir(repoDir.toFile()).setMustExist(true).build();
            repo.getConfig().load();
            repo.getRefDatabase().getRefs();
        } catch (RepositoryNotFoundException | IllegalArgumentException e) {
            throw new CorruptState("not a git repository: " + e.getMessage(), e);
        } catch (IOException | org.eclipse.jgit.errors.ConfigInvalidException e) {
            throw new CorruptState(e.getMessage(), e);
        }
        String owner = repo.getConfig().getString(CONFIG_SECTION, null, "url");
        if (!shownUrl.equals(owner)) {
            // The state directory belonged to another repository: start over rather than mix histories.
            repo.close();
            CheckoutStore.deleteTree(repoDir);
            return initRepository();
        }
        return repo;
    }

    private Repository initRepository() throws IOException {
        Files.createDirectories(stateDir);
        try {
            Repository repo = Git.init().setBare(true).setGitDir(repoDir.toFile()).call().getRepository();
            StoredConfig config = repo.getConfig();
            // Only the redacted URL is recorded: it tells whether this clone belongs to the configured source.
            config.setString(CONFIG_SECTION, null, "url", shownUrl);
            config.setBoolean(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_AUTODETACH, false);
            config.save();
            return repo;
        } catch (GitAPIException e) {
            throw new IOException("cannot create " + repoDir + ": " + e.getMessage(), e);
        }
    }

    /** A commit named by a hex ref that is already in the local clone, or null. */
    private ObjectId localCommit(Repository repo, String ref) throws CorruptState {
        if (!HEX.matcher(ref).matches()) {
            return null;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            ObjectId id;
            if (ref.length() == Constants.OBJECT_ID_STRING_LENGTH) {
                id = ObjectId.fromString(ref);
            } else {
                var candidates = walk.getObjectReader()
                        .resolve(org.eclipse.jgit.lib.AbbreviatedObjectId.fromString(ref));
                if (candidates.size() > 1) {
                    throw new GitSourceException(Kind.BAD_REF, "failed to fetch " + describe() + ": commit id '"
                            + ref + "' is ambiguous in " + shownUrl + "; use more hex digits or the full id");
                }
                if (candidates.isEmpty()) {
                    return null;
                }
                id = candidates.iterator().next();
            }
            if (!repo.getObjectDatabase().has(id)) {
                return null;
            }
            RevObject object = walk.peel(walk.parseAny(id));
            return object instanceof RevCommit ? object.getId() : null;
        } catch (MissingObjectException | CorruptObjectException e) {
            throw new CorruptState(e.getMessage(), e);
        } catch (IOException e) {
            return null;
        }
    }

    private Map<String, Ref> listRemote(CredentialsProvider credentials) {
        LsRemoteCommand ls = Git.lsRemoteRepository().setRemote(url.transport()).setHeads(false).setTags(false);
        configure(ls, credentials);
        try {
            return ls.callAsMap();
        } catch (GitAPIException | RuntimeException e) {
            throw networkError("failed to fetch " + describe(), e);
        }
    }

    private Target resolve(Map<String, Ref> advertised) {
        String ref = settings.ref();
        if (ref.isEmpty()) {
            Ref head = advertised.get(Constants.HEAD);
            if (head == null) {
                throw new GitSourceException(Kind.BAD_REF, "failed to fetch " + describe() + ": the repository "
                        + (advertised.isEmpty() ? "is empty (no branches)" : "has no default branch (HEAD)")
                        + "; push a branch or set truenas-gitops.git.ref");
            }
            if (head.isSymbolic() && head.getTarget().getName().startsWith(Constants.R_HEADS)) {
                String branch = head.getTarget().getName();
                return new Target(Repository.shortenRefName(branch), branch, "refs/remotes/origin/"
                        + Repository.shortenRefName(branch), false);
            }
            return new Target(Constants.HEAD, Constants.HEAD, HEAD_REF, false);
        }
        if (ref.startsWith("refs/")) {
            if (!advertised.containsKey(ref)) {
                throw badRef("ref '" + ref + "' does not exist", advertised);
            }
            String local = ref.startsWith(Constants.R_HEADS)
                    ? "refs/remotes/origin/" + ref.substring(Constants.R_HEADS.length())
                    : ref.startsWith(Constants.R_TAGS) ? ref : OTHER_REF;
            return new Target(Repository.shortenRefName(ref), ref, local, false);
        }
        boolean branch = advertised.containsKey(Constants.R_HEADS + ref);
        boolean tag = advertised.containsKey(Constants.R_TAGS + ref);
        if (branch && tag) {
            throw new GitSourceException(Kind.BAD_REF, "failed to fetch " + describe() + ": '" + ref
                    + "' is both a branch and a tag; set the ref to refs/heads/" + ref + " or refs/tags/" + ref);
        }
        if (branch) {
            return new Target(ref, Constants.R_HEADS + ref, "refs/remotes/origin/" + ref, false);
        }
        if (tag) {
            return new Target(ref, Constants.R_TAGS + ref, Constants.R_TAGS + ref, false);
        }
        if (HEX.matcher(ref).matches()) {
            return new Target(ref, null, PINNED_REF, true);
        }
        throw badRef("no branch or tag named '" + ref + "'", advertised);
    }

    private GitSourceException badRef(String what, Map<String, Ref> advertised) {
        List<String> branches = advertised.keySet().stream()
                .filter(n -> n.startsWith(Constants.R_HEADS))
                .map(Repository::shortenRefName)
                .sorted()
                .toList();
        String known = branches.isEmpty() ? "the repository has no branches"
                : "branches: " + String.join(", ", branches.subList(0, Math.min(10, branches.size())))
                        + (branches.size() > 10 ? ", ..." : "");
        return new GitSourceException(Kind.BAD_REF, "failed to fetch " + describe() + ": " + what + " in "
                + shownUrl + " (" + known + "); check truenas-gitops.git.ref");
    }

    private ObjectId fetchTarget(Repository repo, Target target, Map<String, Ref> advertised,
            CredentialsProvider credentials) throws CorruptState, IOException {
        if (target.commit()) {
            return fetchCommit(repo, target, credentials);
        }
        Ref remote = advertised.get(target.remoteRef());
        ObjectId wanted = remote == null ? null
                : remote.getPeeledObjectId() != null ? remote.getPeeledObjectId() : remote.getObjectId();
        if (wanted != null && hasCommit(repo, wanted)) {
            // Already here (the branch did not move, or moved back): no transfer needed.
            updateRef(repo, target.localRef(), remote.getObjectId());
            return peel(repo, remote.getObjectId(), target.display());
        }
        fetch(repo, credentials, settings.shallow(), false,
                new RefSpec("+" + target.remoteRef() + ":" + target.localRef()));
        Ref fetched = repo.exactRef(target.localRef());
        if (fetched == null) {
            throw new GitSourceException(Kind.BAD_REF, "failed to fetch " + describe() + ": '" + target.display()
                    + "' disappeared from " + shownUrl + " while fetching; try again");
        }
        return peel(repo, fetched.getObjectId(), target.display());
    }

    /**
     * A commit id is fetched directly when the server allows it (a shallow fetch of just that commit);
     * otherwise, and for abbreviated ids, all branches and tags are fetched and the id is looked up there.
     */
    private ObjectId fetchCommit(Repository repo, Target target, CredentialsProvider credentials)
            throws CorruptState, IOException {
        String ref = target.display();
        if (ref.length() == 40) {
            try {
                fetch(repo, credentials, settings.shallow(), false, new RefSpec("+" + ref.toLowerCase(Locale.ROOT)
                        + ":" + PINNED_REF));
                ObjectId id = ObjectId.fromString(ref);
                if (hasCommit(repo, id)) {
                    return id;
                }
            } catch (GitSourceException e) {
                if (EnumSet.of(Kind.AUTH, Kind.HOST_KEY, Kind.TLS, Kind.TIMEOUT, Kind.CONFIG).contains(e.kind())) {
                    throw e;
                }
                // The server does not serve unadvertised commits: fall back to fetching everything.
            }
        }
        fetch(repo, credentials, false, isShallow(repo),
                new RefSpec("+refs/heads/*:refs/remotes/origin/*"), new RefSpec("+refs/tags/*:refs/tags/*"));
        ObjectId id = localCommit(repo, ref);
        if (id == null) {
            throw new GitSourceException(Kind.BAD_REF, "failed to fetch " + describe() + ": commit '" + ref
                    + "' is not in any branch or tag of " + shownUrl + "; check truenas-gitops.git.ref");
        }
        updateRef(repo, PINNED_REF, id);
        return id;
    }

    private void fetch(Repository repo, CredentialsProvider credentials, boolean shallow, boolean unshallow,
            RefSpec... specs) throws CorruptState {
        FetchCommand fetch = Git.wrap(repo).fetch()
                .setRemote(url.transport())
                .setRefSpecs(specs)
                .setTagOpt(TagOpt.NO_TAGS)
                .setRemoveDeletedRefs(false);
        if (shallow) {
            fetch.setDepth(1);
        } else if (unshallow) {
            fetch.setUnshallow(true);
        }
        configure(fetch, credentials);
        try {
            fetch.call();
        } catch (GitAPIException | RuntimeException e) {
            if (GitErrorClassifier.isLocalCorruption(e)) {
                throw new CorruptState(GitErrorClassifier.rootMessage(e), e);
            }
            throw networkError("failed to fetch " + describe(), e);
        }
    }

    private void configure(TransportCommand<?, ?> command, CredentialsProvider credentials) {
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, settings.timeout().toSeconds()));
        command.setCredentialsProvider(credentials);
        command.setTimeout(seconds);
        if (url.ssh()) {
            SshSupport support = ssh();
            support.resetRejection();
            command.setTransportConfigCallback(transport -> {
                if (transport instanceof SshTransport sshTransport) {
                    sshTransport.setSshSessionFactory(support.factory());
                }
            });
        }
    }

    private synchronized SshSupport ssh() {
        if (sshSupport == null) {
            requireFile(settings.sshKeyFile(), "ssh key file", "truenas-gitops.git.ssh-key-file");
            requireFile(settings.knownHostsFile(), "known_hosts file",
                    "truenas-gitops.git.known-hosts-file (create it with: ssh-keyscan HOST > FILE)");
            Path home = stateDir.resolve("ssh");
            try {
                Files.createDirectories(home);
            } catch (IOException e) {
                throw new GitSourceException(Kind.IO, "cannot create " + home + ": " + e.getMessage(), e);
            }
            sshSupport = new SshSupport(settings.sshKeyFile(), settings.knownHostsFile(), home);
        } else {
            requireFile(settings.sshKeyFile(), "ssh key file", "truenas-gitops.git.ssh-key-file");
            requireFile(settings.knownHostsFile(), "known_hosts file", "truenas-gitops.git.known-hosts-file");
        }
        String keyProblem = SshSupport.keyProblem(settings.sshKeyFile());
        if (keyProblem != null) {
            throw new GitSourceException(Kind.CONFIG, "failed to fetch " + describe() + ": cannot use ssh key file "
                    + settings.sshKeyFile() + ": " + keyProblem + "; check truenas-gitops.git.ssh-key-file");
        }
        return sshSupport;
    }

    private void requireFile(Path file, String what, String setting) {
        if (!Files.isReadable(file)) {
            throw new GitSourceException(Kind.CONFIG, "failed to fetch " + describe() + ": " + what + " " + file
                    + (Files.exists(file) ? " is not readable" : " does not exist") + "; check " + setting);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Local objects and the checkout

    private static boolean hasCommit(Repository repo, ObjectId id) {
        try (RevWalk walk = new RevWalk(repo)) {
            if (!repo.getObjectDatabase().has(id)) {
                return false;
            }
            RevObject object = walk.peel(walk.parseAny(id));
            return object instanceof RevCommit;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isShallow(Repository repo) {
        return Files.exists(repo.getDirectory().toPath().resolve("shallow"));
    }

    private static void updateRef(Repository repo, String name, ObjectId id) throws IOException {
        RefUpdate update = repo.updateRef(name);
        update.setNewObjectId(id);
        update.setForceUpdate(true);
        update.update();
    }

    private ObjectId peel(Repository repo, ObjectId id, String ref) throws CorruptState {
        try (RevWalk walk = new RevWalk(repo)) {
            RevObject object = walk.peel(walk.parseAny(id));
            if (!(object instanceof RevCommit)) {
                throw new GitSourceException(Kind.BAD_REF, "failed to fetch " + describe() + ": '" + ref
                        + "' does not point at a commit in " + shownUrl);
            }
            return object.getId();
        } catch (MissingObjectException | CorruptObjectException e) {
            throw new CorruptState(e.getMessage(), e);
        } catch (IOException e) {
            throw new CorruptState(e.getMessage(), e);
        }
    }

    private RevCommit parseCommit(Repository repo, ObjectId id, String ref) throws CorruptState {
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = walk.parseCommit(id);
            walk.parseBody(commit);
            return commit;
        } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
            throw new GitSourceException(Kind.BAD_REF, "failed to fetch " + describe() + ": '" + ref
                    + "' is not a commit in " + shownUrl);
        } catch (IOException e) {
            throw new CorruptState(e.getMessage(), e);
        }
    }

    private void checkSubpath(Repository repo, RevCommit commit, String ref) throws CorruptState {
        if (subpath.isEmpty()) {
            return;
        }
        try (TreeWalk walk = TreeWalk.forPath(repo, subpath, commit.getTree())) {
            if (walk == null) {
                throw new GitSourceException(Kind.PATH_NOT_FOUND, "failed to fetch " + describe() + ": path '"
                        + subpath + "' does not exist in revision " + Snapshot.shorten(commit.name()) + " (" + ref
                        + "); check truenas-gitops.git.path");
            }
            if (!FileMode.TREE.equals(walk.getFileMode(0))) {
                throw new GitSourceException(Kind.PATH_NOT_FOUND, "failed to fetch " + describe() + ": path '"
                        + subpath + "' in revision " + Snapshot.shorten(commit.name()) + " (" + ref
                        + ") is a file, not a directory; check truenas-gitops.git.path");
            }
        } catch (MissingObjectException | CorruptObjectException e) {
            throw new CorruptState(e.getMessage(), e);
        } catch (IOException e) {
            throw new CorruptState(e.getMessage(), e);
        }
    }

    /**
     * Every fetch adds a pack; JGit never runs {@code gc --auto} by itself. Packing once there are many keeps
     * fetches fast and drops the commits of force-pushed history after git's usual expiry.
     */
    private void compactIfNeeded(Repository repo) {
        Path packs = repoDir.resolve("objects/pack");
        try (Stream<Path> files = Files.list(packs)) {
            if (files.filter(f -> f.getFileName().toString().endsWith(".pack")).count() < maxPacks) {
                return;
            }
        } catch (IOException e) {
            return;
        }
        try {
            // Nothing else reads this clone while the lock is held: old packs may go at once.
            repo.getConfig().setString(ConfigConstants.CONFIG_GC_SECTION, null,
                    ConfigConstants.CONFIG_KEY_PRUNEPACKEXPIRE, "now");
            Git.wrap(repo).gc().call();
        } catch (GitAPIException | RuntimeException e) {
            LOG.warnf("git gc of %s failed: %s", repoDir, e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // State file

    // ---------------------------------------------------------------------------------------------------
    // Locking

    // ---------------------------------------------------------------------------------------------------
    // Errors

    /** The local clone is unusable; the caller deletes it and clones again. */
    static final class CorruptState extends Exception {
        CorruptState(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Turns a JGit failure into a typed, credential-free error with a hint. */
    private GitSourceException networkError(String context, Throwable e) {
        if (e instanceof GitSourceException g) {
            return g;
        }
        String root = url.withoutUrlPrefix(GitErrorClassifier.rootMessage(e));
        Kind kind;
        String hint;
        SshSupport.Rejection rejection = url.ssh() && sshSupport != null ? sshSupport.rejection() : null;
        if (rejection != null) {
            kind = Kind.HOST_KEY;
            Path file = settings.knownHostsFile();
            if (rejection.unknown()) {
                root = "the ssh host key of " + rejection.host() + " (" + rejection.offered() + ") is not in the"
                        + " known_hosts file " + file;
                hint = "add it with: ssh-keyscan " + keyscanArgs(rejection.host()) + " >> " + file
                        + " (and check the fingerprint with the server's owner)";
            } else {
                root = "the ssh host key of " + rejection.host() + " changed: the server offered "
                        + rejection.offered() + " but the known_hosts file " + file + " has "
                        + String.join(", ", rejection.known());
                hint = "if the server's key really changed, replace its line in " + file
                        + "; otherwise someone may be intercepting the connection";
            }
        } else {
            GitErrorClassifier.Cause cause = GitErrorClassifier.classify(e);
            kind = cause.kind;
            hint = switch (cause) {
                case UNKNOWN_HOST -> "check the host name in the url and DNS";
                case TLS -> "the server's TLS certificate is not trusted by this JVM; add its CA to the trust store";
                case TIMEOUT -> "the server did not answer within " + settings.timeout().toSeconds()
                        + "s; raise truenas-gitops.git.timeout for slow links";
                case UNREACHABLE -> "the server is unreachable: check the url and that the server is up";
                case AUTH -> authHint();
                case NOT_FOUND -> "check the url; a private repository also looks missing when the credentials may"
                        + " not read it";
                case BAD_REF -> "check truenas-gitops.git.ref";
                case OTHER -> "check the url and the network";
            };
            if (cause == GitErrorClassifier.Cause.UNKNOWN_HOST) {
                root = "unknown host " + root;
            }
        }
        String message = context + ": " + root + "; " + hint;
        return new GitSourceException(kind, Redaction.text(message, url.secrets(settings)), e);
    }

    private String authHint() {
        if (url.ssh()) {
            return "check that the deploy key " + settings.sshKeyFile() + " is added to the repository with read"
                    + " access (and is not protected by a passphrase)";
        }
        if (settings.tokenFile() != null) {
            return "the server refused the token from " + settings.tokenFile() + " (user '" + settings.username()
                    + "'); check that it is valid, not expired, and may read the repository";
        }
        return "the repository needs credentials: set truenas-gitops.git.token-file (https) or use an ssh url"
                + " with a deploy key";
    }

    private static String keyscanArgs(String hostSpec) {
        // JGit names hosts "[host]:port" for non-default ports, like OpenSSH's known_hosts.
        if (hostSpec.startsWith("[")) {
            int close = hostSpec.indexOf(']');
            int colon = hostSpec.indexOf(':', close);
            if (close > 0 && colon > 0) {
                return "-p " + hostSpec.substring(colon + 1) + " " + hostSpec.substring(1, close);
            }
        }
        return hostSpec;
    }

    // ---------------------------------------------------------------------------------------------------
    // Settings helpers

    /** {@code ""} for the root, else a clean relative path; refuses anything that could leave the checkout. */
    static String normaliseSubpath(String path, String shownUrl) {
        String p = path == null ? "" : path.strip().replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        if (p.equals(".") || p.equals("/") || p.isEmpty()) {
            return "";
        }
        if (p.startsWith("/")) {
            throw new GitSourceException(Kind.CONFIG, "git path '" + path + "' of " + shownUrl
                    + " must be relative to the repository root (like stacks or clusters/nas1)");
        }
        List<String> parts = new ArrayList<>();
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") || part.equals(".git")) {
                throw new GitSourceException(Kind.CONFIG, "git path '" + path + "' of " + shownUrl
                        + " may not contain '" + part + "': it must stay inside the repository");
            }
            parts.add(part);
        }
        return String.join("/", parts);
    }

}
