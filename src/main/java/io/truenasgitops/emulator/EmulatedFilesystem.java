package io.truenasgitops.emulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The directories of the emulated NAS under {@code /mnt}, with owner and mode, and the roles the emulated API key
 * lacks (a test takes one away to see the refusal). {@code /mnt} and the mountpoint of every dataset of
 * {@link EmulatedStorage} are directories owned by root (0:0, mode 755), as a new dataset's root is; the rest are
 * made by {@code filesystem.mkdir} or seeded by a test. In memory only: under {@code --docker} nothing is made on
 * the engine's host. Thread-safe (one lock).
 */
public final class EmulatedFilesystem {

    /** One directory as a test sees it. */
    public record Entry(String path, int uid, int gid, int mode) {}

    private final Object lock = new Object();
    private final Map<String, Entry> dirs = new TreeMap<>();
    private final Set<String> missingRoles = ConcurrentHashMap.newKeySet();
    private final EmulatedStorage storage;

    EmulatedFilesystem(EmulatedStorage storage) {
        this.storage = storage;
    }

    // ---- control -------------------------------------------------------------------------------------------

    /** Takes {@code role} away from the emulated API key's user: calls that need it fail with EACCES. */
    public EmulatedFilesystem withoutRole(String role) {
        missingRoles.add(role);
        return this;
    }

    /** A directory made outside the API (as a user would in the shell), with its owner. */
    public EmulatedFilesystem seedDirectory(String path, int uid, int gid) {
        synchronized (lock) {
            dirs.put(normalise(path), new Entry(normalise(path), uid, gid, 0755));
        }
        return this;
    }

    /** The directory (or dataset mountpoint) at {@code path}, or empty. */
    public Optional<Entry> entry(String path) {
        String p = normalise(path);
        synchronized (lock) {
            Entry e = dirs.get(p);
            if (e != null) {
                return Optional.of(e);
            }
        }
        if (p.equals("/mnt") || storage.mountpoints().contains(p)) {
            return Optional.of(new Entry(p, 0, 0, 0755));
        }
        return Optional.empty();
    }

    /** Every directory made through the API or seeded, by path (dataset mountpoints aside). */
    public Map<String, Entry> directories() {
        synchronized (lock) {
            return new LinkedHashMap<>(dirs);
        }
    }

    /** No directories, every role back. */
    public void reset() {
        synchronized (lock) {
            dirs.clear();
        }
        missingRoles.clear();
    }

    // ---- what the methods use ------------------------------------------------------------------------------

    /** main.py {@code call_method}: {@code CallError('Not authorized', errno.EACCES)} without the method's role. */
    void requireRole(String role) {
        if (missingRoles.contains(role)) {
            throw new MiddlewareError.Call(Errno.EACCES, "Not authorized");
        }
    }

    void mkdir(String path, int mode) {
        synchronized (lock) {
            dirs.put(path, new Entry(path, 0, 0, mode));
        }
    }

    void chown(String path, int uid, int gid) {
        synchronized (lock) {
            Entry e = entry(path).orElseThrow();
            dirs.put(path, new Entry(path, uid < 0 ? e.uid() : uid, gid < 0 ? e.gid() : gid, e.mode()));
        }
    }

    static String normalise(String path) {
        String p = path.replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
