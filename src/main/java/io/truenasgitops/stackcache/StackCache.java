package io.truenasgitops.stackcache;

import io.truenasgitops.compose.RepoFiles;
import io.truenasgitops.stacks.LoadedStack;
import io.truenasgitops.stacks.RepoScan;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StackRepository.StackLoader;
import io.truenasgitops.stacks.StacksOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Scans a repository's stacks like {@link StackRepository#scan(Path, StacksOptions)}, but loads (parses, renders,
 * hashes) a stack folder only when one of its inputs changed since the last scan: a pass over an unchanged
 * repository, or over a new revision that left the folder as it was, reuses the loaded stack.
 *
 * <p>A folder's inputs are digested (SHA-256) on every scan: the options, the folder's path in the repository,
 * every secret value (a secret a compose uses can be any of them), and the folder's whole content, recursively:
 * each entry's name and kind, the bytes and execute bit of every file (compose, {@code stack.yaml}, {@code .env},
 * every {@code env_file}, which must lie inside the folder, and the files bound into containers), and for a link, its target and the content it leads to.
 * Never a timestamp. A folder the digest cannot cover with certainty (the folder or a sub-folder is a link,
 * too many entries, too many bytes) is loaded on every scan, as without a cache. One entry per folder, replaced
 * when its digest changes and dropped when the folder is gone: the cache holds at most one loaded stack per
 * stack of the last scan. Keys hold digests only, never a secret value.
 */
public final class StackCache {

    /** Beyond this many entries in one stack folder, the folder is loaded on every scan. */
    static final int MAX_ENTRIES = 2_000;
    /** Beyond this many bytes digested in one stack folder, the folder is loaded on every scan. */
    static final long MAX_BYTES = 32L * 1024 * 1024;
    /** Deeper sub-folders than this make the folder uncacheable. */
    static final int MAX_DEPTH = 16;

    private final StacksOptions options;
    private final StackLoader loader;
    private final Map<String, Entry> entries = new HashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong loads = new AtomicLong();

    private record Entry(String digest, LoadedStack stack) {}

    /** A cache in front of {@link StackRepository#load}. */
    public StackCache(StacksOptions options) {
        this(options, StackRepository::load);
    }

    /** A cache in front of {@code loader} (tests count its calls). */
    public StackCache(StacksOptions options, StackLoader loader) {
        this.options = options;
        this.loader = loader;
    }

    /** The stacks of the checkout at {@code repoRoot}, loading only folders whose inputs changed. */
    public synchronized RepoScan scan(Path repoRoot) {
        Set<String> seen = new HashSet<>();
        SecretsDigest secretsDigest = new SecretsDigest();
        String ageKeys = ageKeysDigest(options.decryption().ageKeyFile());
        RepoScan scan = StackRepository.scan(repoRoot, options, (root, dir, opts, secrets) -> {
            String rel = relative(root, dir);
            seen.add(rel);
            String digest = digest(root, dir, rel, secretsDigest.of(secrets), ageKeys);
            Entry cached = entries.get(rel);
            if (digest != null && cached != null && cached.digest().equals(digest)) {
                hits.incrementAndGet();
                return rebased(cached.stack(), dir);
            }
            loads.incrementAndGet();
            LoadedStack loaded = loader.load(root, dir, opts, secrets);
            if (digest == null) {
                entries.remove(rel);
            } else {
                entries.put(rel, new Entry(digest, loaded));
            }
            return loaded;
        });
        entries.keySet().retainAll(seen);
        return scan;
    }

    /** Folders answered from the cache since it was made. */
    public long hits() {
        return hits.get();
    }

    /** Folders loaded (parsed and rendered) since the cache was made. */
    public long loads() {
        return loads.get();
    }

    /** How many loaded stacks the cache holds. */
    public synchronized int size() {
        return entries.size();
    }

    /** The cached stack, its compose file path moved into the folder of this checkout. */
    private static LoadedStack rebased(LoadedStack s, Path dir) {
        Path compose = s.composeFile() == null ? null : dir.resolve(s.composeFile().getFileName().toString());
        return new LoadedStack(s.name(), s.relativeDir(), compose, s.settings(), s.rendered(), s.problems(),
                s.composeFiles());
    }

    /**
     * The digest of the age key file, read once per scan: a key added to it must open the stacks it could not
     * open before, though none of their files changed.
     */
    private static String ageKeysDigest(Path keyFile) {
        if (keyFile == null) {
            return "no age key file";
        }
        MessageDigest md = sha256();
        try (java.io.InputStream in = Files.newInputStream(keyFile)) {
            md.update(in.readNBytes(1024 * 1024));
        } catch (java.io.IOException e) {
            return "age key file not readable";
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The digest of every secret value, computed once per scan (the scan reads the directory once). */
    private static final class SecretsDigest {
        private Map<String, String> last;
        private String digest;

        String of(Map<String, String> secrets) {
            if (secrets != last) {
                MessageDigest md = sha256();
                new TreeMap<>(secrets).forEach((name, value) -> {
                    field(md, name);
                    field(md, value);
                });
                last = secrets;
                digest = HexFormat.of().formatHex(md.digest());
            }
            return digest;
        }
    }

    /** The digest of everything the folder's load depends on, or null when it cannot be covered with certainty. */
    private String digest(Path repoRoot, Path dir, String rel, String secrets, String ageKeys) {
        MessageDigest md = sha256();
        field(md, "stack-cache-v1");
        field(md, options.stacksDir());
        field(md, String.valueOf(options.hostBasePath()));
        field(md, String.valueOf(new java.util.TreeMap<>(options.targetHostBasePaths())));
        field(md, options.missingSecrets().name());
        field(md, options.secretsDir() == null ? "no secrets directory" : "secrets directory");
        field(md, rel);
        field(md, secrets);
        field(md, ageKeys);
        if (Files.isSymbolicLink(dir)) {
            return null;
        }
        Budget budget = new Budget();
        if (!folder(md, dir, "", repoRoot, budget, 0)) {
            return null;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static final class Budget {
        int entries;
        long bytes;
    }

    /** Digests a folder's entries in name order; false when the folder cannot be covered. */
    private static boolean folder(MessageDigest md, Path dir, String prefix, Path repoRoot, Budget budget, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.sorted().toList();
        } catch (IOException e) {
            return false;
        }
        for (Path child : children) {
            if (++budget.entries > MAX_ENTRIES) {
                return false;
            }
            String name = prefix + child.getFileName();
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                return false;
            }
            if (attrs.isDirectory()) {
                field(md, "dir");
                field(md, name);
                if (!folder(md, child, name + "/", repoRoot, budget, depth + 1)) {
                    return false;
                }
            } else if (attrs.isRegularFile()) {
                field(md, "file");
                field(md, name);
                // A file sent to a container keeps its execute bit (FileMounts): a chmod alone is a change.
                field(md, Files.isExecutable(child) ? "x" : "-");
                if (!content(md, child, attrs.size(), budget)) {
                    return false;
                }
            } else if (attrs.isSymbolicLink()) {
                field(md, "link");
                field(md, name);
                if (!link(md, child, repoRoot, budget)) {
                    return false;
                }
            } else {
                field(md, "other"); // a FIFO, socket or device: never read, and refused by the loader too
                field(md, name);
            }
        }
        return true;
    }

    /**
     * A link: its target, and what it leads to when that is a regular file inside the repository (the only
     * case in which the loader reads it). A link to a folder makes the folder uncacheable.
     */
    private static boolean link(MessageDigest md, Path link, Path repoRoot, Budget budget) {
        Path realRoot;
        try {
            field(md, Files.readSymbolicLink(link).toString());
            realRoot = repoRoot.toRealPath(); // only here: most folders hold no link
        } catch (IOException e) {
            return false;
        }
        Path real;
        try {
            real = link.toRealPath();
        } catch (IOException e) {
            field(md, "dangling");
            return true;
        }
        if (!real.startsWith(realRoot)) {
            field(md, "outside the repository");
            return true;
        }
        field(md, real.toString().substring(realRoot.toString().length()));
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(real, BasicFileAttributes.class);
        } catch (IOException e) {
            return false;
        }
        if (attrs.isDirectory()) {
            return false;
        }
        if (!attrs.isRegularFile()) {
            field(md, "other");
            return true;
        }
        return content(md, real, attrs.size(), budget);
    }

    /**
     * A regular file's bytes. One larger than any file the loader reads is refused by it for its size alone, so
     * its size stands for it (a 1 GiB file in a stack folder is not read on every pass).
     */
    private static boolean content(MessageDigest md, Path file, long size, Budget budget) {
        field(md, Long.toString(size));
        if (size > RepoFiles.MAX_COMPOSE_BYTES) {
            return true;
        }
        budget.bytes += size;
        if (budget.bytes > MAX_BYTES) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[8192];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
                total += n;
                if (total > RepoFiles.MAX_COMPOSE_BYTES) {
                    return false; // grew while read
                }
            }
            field(md, Long.toString(total));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A length-prefixed field, so that no two different sequences of fields digest alike. */
    private static void field(MessageDigest md, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        md.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        md.update((byte) ':');
        md.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static String relative(Path root, Path dir) {
        try {
            return root.toAbsolutePath().normalize().relativize(dir.toAbsolutePath().normalize()).toString()
                    .replace('\\', '/');
        } catch (IllegalArgumentException e) {
            return dir.toAbsolutePath().normalize().toString();
        }
    }
}
