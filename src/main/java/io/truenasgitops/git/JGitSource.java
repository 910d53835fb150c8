package io.truenasgitops.git;

import io.truenasgitops.git.GitSourceException.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;

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

    private static final System.Logger LOG = System.getLogger(JGitSource.class.getName());

    /** One fetch at a time per state directory within this JVM; a file lock covers other processes. */
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{7,40}");
    private static final String STATE_FILE = "last-good.properties";
    private static final String PINNED_REF = "refs/truenas-gitops/pinned";
    private static final String OTHER_REF = "refs/truenas-gitops/ref";
    private static final String HEAD_REF = "refs/truenas-gitops/head";
    private static final String CONFIG_SECTION = "truenas-gitops";
    private static final int DEFAULT_MAX_PACKS = 30;

    private final GitSettings settings;
    private final int maxPacks;
    private final String shownUrl;
    private final String transportUrl;
    private final String urlUser;
    private final String urlPassword;
    private final boolean ssh;
    private final boolean plainHttp;
    private final String subpath;
    private final Path stateDir;
    private final Path repoDir;
    private final Path checkoutsDir;
    private final ReentrantLock lock;
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
        URIish uri;
        try {
            uri = new URIish(settings.url());
        } catch (URISyntaxException e) {
            throw new GitSourceException(Kind.CONFIG, "invalid git url '" + shownUrl + "': " + Redaction.text(e.getMessage()));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        this.ssh = scheme.startsWith("ssh") || scheme.endsWith("+ssh")
                || (scheme.isEmpty() && uri.getHost() != null && !isLocalPath(settings.url()));
        this.plainHttp = scheme.equals("http");
        boolean http = plainHttp || scheme.equals("https");
        this.urlUser = uri.getUser();
        this.urlPassword = http ? uri.getPass() : null;
        URIish forTransport = uri.setPass(null);
        if (http) {
            forTransport = forTransport.setUser(null);
        } else if (ssh && (forTransport.getUser() == null || forTransport.getUser().isEmpty())) {
            forTransport = forTransport.setUser(settings.username());
        }
        this.transportUrl = forTransport.toString();
        this.stateDir = settings.stateDir().toAbsolutePath().normalize();
        this.repoDir = stateDir.resolve("repo.git");
        this.checkoutsDir = stateDir.resolve("checkouts");
        this.lock = LOCKS.computeIfAbsent(stateDir, p -> new ReentrantLock());
        if (ssh) {
            if (settings.sshKeyFile() == null) {
                throw new GitSourceException(Kind.CONFIG, "git url " + shownUrl
                        + " uses ssh but no deploy key is configured: set truenas-gitops.git.ssh-key-file");
            }
            if (settings.knownHostsFile() == null) {
                throw new GitSourceException(Kind.CONFIG, "git url " + shownUrl
                        + " uses ssh but no known_hosts file is configured: set truenas-gitops.git.known-hosts-file"
                        + " (create it with ssh-keyscan, see docs/git-source.md); host keys are never trusted blindly");
            }
            if (settings.tokenFile() != null) {
                throw new GitSourceException(Kind.CONFIG, "git url " + shownUrl
                        + " uses ssh, but a token file is configured: tokens are for https urls, use a deploy key");
            }
        }
        if (plainHttp && (settings.tokenFile() != null || urlPassword != null) && !isLoopback(uri.getHost())) {
            throw new GitSourceException(Kind.CONFIG, "refusing to send the git token in clear text over http to "
                    + uri.getHost() + ": use an https url");
        }
        this.lastGood = readState().orElse(null);
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
        lock.lock();
        try (FileChannel channel = openLockFile(); FileLock ignored = acquire(channel)) {
            try {
                return attempt();
            } catch (CorruptState e) {
                // A broken local copy is repaired by starting over; the remote is the source of truth.
                LOG.log(System.Logger.Level.WARNING, "the local clone of {0} in {1} is corrupt ({2}); cloning it again",
                        shownUrl, repoDir, e.getMessage());
                deleteTree(repoDir);
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
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks out an older revision the local copy holds (full or abbreviated commit id), for a rollback; the
     * followed ref and {@link #lastGood()} stay as they are.
     */
    @Override
    public Snapshot checkout(String revision) {
        lock.lock();
        try (FileChannel channel = openLockFile(); FileLock ignored = acquire(channel);
                Repository repo = openRepository()) {
            ObjectId id = revision == null ? null : localCommit(repo, revision.strip());
            if (id == null) {
                throw new GitSourceException(Kind.BAD_REF, "failed to check out revision '" + revision + "' of "
                        + describe() + ": no such commit in the local copy" + (isShallow(repo)
                                ? " (it is a shallow clone, which keeps only the commits it fetched)" : "")
                        + "; give a commit id the daemon has fetched (see status or the events)");
            }
            RevCommit commit = parseCommit(repo, id, revision);
            checkSubpath(repo, commit, revision);
            Path checkout = materialise(repo, commit);
            Path root = subpath.isEmpty() ? checkout : checkout.resolve(subpath);
            return new Snapshot(commit.name(), Snapshot.shorten(commit.name()), root, revision, Instant.now(),
                    SourceIdentity.canonical(shownUrl), commit.getShortMessage());
        } catch (CorruptState e) {
            throw new GitSourceException(Kind.CORRUPT, "failed to check out revision '" + revision + "' of "
                    + describe() + ": the local clone in " + repoDir + " is corrupt (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new GitSourceException(Kind.IO, "failed to check out revision '" + revision + "' of " + describe()
                    + ": cannot use state directory " + stateDir + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
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
            CredentialsProvider credentials = credentials();
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
            Path checkout = materialise(repo, commit);
            Path root = subpath.isEmpty() ? checkout : checkout.resolve(subpath);
            Snapshot snapshot = new Snapshot(commit.name(), Snapshot.shorten(commit.name()), root, resolvedRef,
                    Instant.now(), SourceIdentity.canonical(shownUrl), commit.getShortMessage());
            Snapshot previous = lastGood;
            if (previous != null && !previous.revision().equals(snapshot.revision())) {
                previousRevision = previous.revision();
            }
            writeState(snapshot);
            lastGood = snapshot;
            cleanCheckouts();
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
            deleteTree(repoDir);
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
        LsRemoteCommand ls = Git.lsRemoteRepository().setRemote(transportUrl).setHeads(false).setTags(false);
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
                .setRemote(transportUrl)
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
            if (isLocalCorruption(e)) {
                throw new CorruptState(rootMessage(e), e);
            }
            throw networkError("failed to fetch " + describe(), e);
        }
    }

    private void configure(TransportCommand<?, ?> command, CredentialsProvider credentials) {
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, settings.timeout().toSeconds()));
        command.setCredentialsProvider(credentials);
        command.setTimeout(seconds);
        if (ssh) {
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

    /** The credentials for this fetch; the token file is read every time so a rotated token is picked up. */
    private CredentialsProvider credentials() {
        if (settings.tokenFile() != null && !ssh) {
            String token;
            try {
                token = Files.readString(settings.tokenFile(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new GitSourceException(Kind.CONFIG, "failed to fetch " + describe() + ": cannot read token file "
                        + settings.tokenFile() + " (" + e.getClass().getSimpleName() + "); check "
                        + "truenas-gitops.git.token-file and the file's permissions");
            }
            if (token.isEmpty()) {
                throw new GitSourceException(Kind.CONFIG, "failed to fetch " + describe() + ": token file "
                        + settings.tokenFile() + " is empty; write the access token into it");
            }
            return new UsernamePasswordCredentialsProvider(settings.username(), token);
        }
        if (urlPassword != null) {
            return new UsernamePasswordCredentialsProvider(urlUser == null ? settings.username() : urlUser, urlPassword);
        }
        return NoCredentials.INSTANCE;
    }

    /** Never prompts and never answers: a server that wants credentials gets none (an AUTH error). */
    private static final class NoCredentials extends CredentialsProvider {
        static final NoCredentials INSTANCE = new NoCredentials();

        @Override
        public boolean isInteractive() {
            return false;
        }

        @Override
        public boolean supports(CredentialItem... items) {
            return false;
        }

        @Override
        public boolean get(URIish uri, CredentialItem... items) {
            return false;
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
     * Writes the files of a commit to {@code checkouts/<commit>} unless they are already there. The files go
     * to a temporary directory first, renamed into place when complete: a directory named after a commit
     * is always whole.
     */
    private Path materialise(Repository repo, RevCommit commit) throws IOException, CorruptState {
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
        } catch (IOException | RuntimeException | CorruptState e) {
            deleteTree(tmp);
            throw e;
        }
        return target;
    }

    private void writeTree(Repository repo, RevCommit commit, Path dir) throws IOException, CorruptState {
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
                        LOG.log(System.Logger.Level.WARNING, "skipping symbolic link {0} in revision {1} of {2}:"
                                + " it points outside the repository", walk.getPathString(),
                                Snapshot.shorten(commit.name()), shownUrl);
                    }
                } else {
                    try (OutputStream out = Files.newOutputStream(dest)) {
                        reader.open(id, Constants.OBJ_BLOB).copyTo(out);
                    } catch (MissingObjectException | CorruptObjectException e) {
                        throw new CorruptState(e.getMessage(), e);
                    }
                    if (FileMode.EXECUTABLE_FILE.equals(mode)) {
                        makeExecutable(dest);
                    }
                }
            }
        } catch (MissingObjectException | CorruptObjectException e) {
            throw new CorruptState(e.getMessage(), e);
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
            LOG.log(System.Logger.Level.WARNING, "git gc of {0} failed: {1}", repoDir, e.toString());
        }
    }

    /** Removes every checkout except the current and the previous revision, and leftover temporary dirs. */
    private void cleanCheckouts() {
        Snapshot current = lastGood;
        String keepPrevious = previousRevision;
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
            LOG.log(System.Logger.Level.DEBUG, "cannot clean old checkouts in {0}: {1}", checkoutsDir, e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // State file

    private void writeState(Snapshot snapshot) throws IOException {
        Properties p = new Properties();
        p.setProperty("url", shownUrl);
        p.setProperty("configuredRef", settings.ref());
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
    private Optional<Snapshot> readState() {
        Path file = stateDir.resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
            String revision = p.getProperty("revision", "");
            if (!shownUrl.equals(p.getProperty("url")) || !settings.ref().equals(p.getProperty("configuredRef"))
                    || !subpath.equals(p.getProperty("path")) || !ObjectId.isId(revision)) {
                return Optional.empty();
            }
            Path checkout = checkoutsDir.resolve(revision);
            Path root = subpath.isEmpty() ? checkout : checkout.resolve(subpath);
            if (!Files.isDirectory(root)) {
                return Optional.empty();
            }
            previousRevision = p.getProperty("previousRevision");
            return Optional.of(new Snapshot(revision, Snapshot.shorten(revision), root, p.getProperty("ref", ""),
                    Instant.parse(p.getProperty("fetchedAt")), SourceIdentity.canonical(shownUrl),
                    p.getProperty("commitMessage", "")));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring unreadable state file {0}: {1}", file, e.getMessage());
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Locking

    private FileChannel openLockFile() throws IOException {
        Files.createDirectories(stateDir);
        return FileChannel.open(stateDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    /** Waits for another process using the same state directory, up to the network timeout. */
    private FileLock acquire(FileChannel channel) throws IOException {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (true) {
            FileLock fileLock = channel.tryLock();
            if (fileLock != null) {
                return fileLock;
            }
            if (System.nanoTime() > deadline) {
                throw new GitSourceException(Kind.IO, "failed to fetch " + describe() + ": state directory "
                        + stateDir + " is in use by another process; use a separate truenas-gitops.git.state-dir");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + stateDir);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Errors

    /** The local clone is unusable; the caller deletes it and clones again. */
    private static final class CorruptState extends Exception {
        CorruptState(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static boolean isLocalCorruption(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransportException || t instanceof NoRemoteRepositoryException) {
                return false;
            }
            if (t instanceof MissingObjectException || t instanceof CorruptObjectException
                    || t instanceof org.eclipse.jgit.errors.PackInvalidException) {
                return true;
            }
        }
        return false;
    }

    /** Turns a JGit failure into a typed, credential-free error with a hint. */
    private GitSourceException networkError(String context, Throwable e) {
        if (e instanceof GitSourceException g) {
            return g;
        }
        String root = withoutUrlPrefix(rootMessage(e));
        String lower = allMessages(e).toLowerCase(Locale.ROOT);
        Kind kind;
        String hint;
        SshSupport.Rejection rejection = ssh && sshSupport != null ? sshSupport.rejection() : null;
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
        } else if (has(e, UnknownHostException.class)) {
            kind = Kind.NETWORK;
            root = "unknown host " + root;
            hint = "check the host name in the url and DNS";
        } else if (has(e, SSLException.class) || lower.contains("pkix") || lower.contains("certificate")) {
            kind = Kind.TLS;
            hint = "the server's TLS certificate is not trusted by this JVM; add its CA to the trust store";
        } else if (has(e, SocketTimeoutException.class) || lower.contains("timed out") || lower.contains("timeout")) {
            kind = Kind.TIMEOUT;
            hint = "the server did not answer within " + settings.timeout().toSeconds()
                    + "s; raise truenas-gitops.git.timeout for slow links";
        } else if (has(e, ConnectException.class) || has(e, NoRouteToHostException.class)
                || lower.contains("connection refused")) {
            kind = Kind.NETWORK;
            hint = "the server is unreachable: check the url and that the server is up";
        } else if (lower.contains("not authorized") || lower.contains("authentication is required")
                || lower.contains("auth fail") || lower.contains("authentication not supported")
                || lower.contains("no more authentication methods") || lower.contains("permission denied")
                || lower.contains("authentication failed") || lower.contains(" 401") || lower.contains(" 403")
                || lower.contains("cannot log in") || lower.contains("no credentialsprovider")
                || lower.contains("could not load identity") || lower.contains("no keys")) {
            kind = Kind.AUTH;
            hint = authHint();
        } else if (has(e, NoRemoteRepositoryException.class) || e instanceof InvalidRemoteException
                || lower.contains("not found") || lower.contains("does not appear to be a git repository")
                || lower.contains(" 404")) {
            kind = Kind.NOT_FOUND;
            hint = "check the url; a private repository also looks missing when the credentials may not read it";
        } else if (lower.contains("want ") && lower.contains("not valid")
                || lower.contains("not our ref") || lower.contains("no such ref")) {
            kind = Kind.BAD_REF;
            hint = "check truenas-gitops.git.ref";
        } else {
            kind = Kind.NETWORK;
            hint = "check the url and the network";
        }
        String message = context + ": " + root + "; " + hint;
        return new GitSourceException(kind, Redaction.text(message, secrets()), e);
    }

    /** JGit prefixes its messages with the URL, which the context already names. */
    private String withoutUrlPrefix(String message) {
        String m = message;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String prefix : List.of(transportUrl + ": ", shownUrl + ": ", Redaction.url(transportUrl) + ": ")) {
                if (m.startsWith(prefix)) {
                    m = m.substring(prefix.length());
                    changed = true;
                }
            }
        }
        while (m.endsWith(".")) {
            m = m.substring(0, m.length() - 1);
        }
        return m.isBlank() ? message : m;
    }

    private String authHint() {
        if (ssh) {
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

    private List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        if (urlPassword != null) {
            secrets.add(urlPassword);
        }
        if (settings.tokenFile() != null) {
            try {
                secrets.add(Files.readString(settings.tokenFile(), StandardCharsets.UTF_8).strip());
            } catch (IOException | RuntimeException e) {
                // nothing to hide when it cannot be read
            }
        }
        return secrets;
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String allMessages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(' ').append(t.getMessage());
        }
        return sb.toString();
    }

    private static String rootMessage(Throwable e) {
        // The innermost message that says something; JGit's outer ones are often just "error".
        String best = e.getMessage();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                best = t.getMessage();
            }
        }
        if (best == null || best.isBlank()) {
            best = e.getClass().getSimpleName();
        }
        return Redaction.text(best.strip());
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

    private static boolean isLocalPath(String url) {
        return url.startsWith("/") || url.startsWith("./") || url.startsWith("../") || url.startsWith("~")
                || url.matches("^[A-Za-z]:[\\\\/].*");
    }

    private static boolean isLoopback(String host) {
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("::1")
                || host.equals("[::1]"));
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
