package io.truenasgitops.reconcile;

import io.truenasgitops.git.GitSource;
import io.truenasgitops.git.GitSourceException;
import io.truenasgitops.git.Snapshot;
import io.truenasgitops.stacks.LoadedStack;
import io.truenasgitops.stacks.RepoScan;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory Git source and stack scanner: each {@link #commit} is a new revision with a list of stacks. */
final class FakeRepo implements GitSource, StackScanner {
    static final String URL = "https://git.example.test/home/stacks.git";

    private final Map<Path, List<LoadedStack>> byRoot = new ConcurrentHashMap<>();
    private volatile Snapshot head;
    private volatile Snapshot lastGood;
    private volatile boolean failFetch;
    private int counter;

    synchronized FakeRepo commit(LoadedStack... stacks) {
        counter++;
        String rev = sha1("commit-" + counter + "-" + System.identityHashCode(this));
        Path root = Path.of("/fake-repo", rev);
        byRoot.put(root, new ArrayList<>(List.of(stacks)));
        head = new Snapshot(rev, Snapshot.shorten(rev), root, "main", Instant.now(), URL, "commit " + counter);
        return this;
    }

    private static String sha1(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String head() {
        return head.revision();
    }

    void failFetch(boolean on) {
        failFetch = on;
    }

    @Override
    public Snapshot fetch() {
        if (failFetch) {
            throw new GitSourceException(GitSourceException.Kind.NETWORK, "failed to fetch " + URL + ": connection refused");
        }
        lastGood = head;
        return head;
    }

    @Override
    public Optional<Snapshot> lastGood() {
        return Optional.ofNullable(lastGood);
    }

    @Override
    public String describe() {
        return URL + " (main)";
    }

    @Override
    public void close() {}

    @Override
    public RepoScan scan(Path repoRoot) {
        return new RepoScan(byRoot.getOrDefault(repoRoot, List.of()), List.of());
    }
}
