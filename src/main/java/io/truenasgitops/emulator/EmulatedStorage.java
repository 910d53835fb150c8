package io.truenasgitops.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The emulated ZFS pools, datasets and snapshots, and the control a test uses on them (seed a dataset, write data
 * to it, make the next snapshot fail). The data of a dataset is a content token: a snapshot keeps the token it
 * saw, a rollback brings it back, so a test sees the rollback. Snapshots carry a transaction group number that
 * grows with every write, like ZFS's {@code createtxg}. Thread-safe (one lock).
 */
public final class EmulatedStorage {

    /** What the middleware accepts as a snapshot name (the part after {@code @}). */
    static final Pattern SNAPSHOT_NAME = Pattern.compile("[A-Za-z0-9_.:+-]{1,200}");
    private static final Pattern DATASET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*(/[A-Za-z0-9_.:-]+)*");

    /** One dataset as a test sees it. */
    public record DatasetView(String name, String mountpoint, String content) {}

    /** One snapshot as a test sees it. */
    public record SnapshotView(String id, String dataset, String name, long createtxg, String content,
            Instant created) {}

    private static final class Dataset {
        final String name;
        final String mountpoint;
        String content = "";
        final List<Snap> snapshots = new ArrayList<>();

        Dataset(String name, String mountpoint) {
            this.name = name;
            this.mountpoint = mountpoint;
        }
    }

    private record Snap(String dataset, String name, long txg, String content, Instant created) {
        String id() {
            return dataset + "@" + name;
        }
    }

    private final Object lock = new Object();
    private final Map<String, Dataset> datasets = new TreeMap<>();
    private final Map<String, String> failNextSnapshot = new LinkedHashMap<>();
    private final Set<String> busy = new java.util.HashSet<>();
    private final Supplier<Set<String>> hostPathsInUse;
    private long txg = 1000;
    /** The release whose messages and rules apply (set by {@link StorageMethods} when the release is installed). */
    private volatile Release release = Release.V25_04;

    void release(Release value) {
        release = value;
    }

    /**
     * 26.0 {@code plugins/zfs/utils.py has_internal_path}: a boot pool, or a system dataset directly under a data
     * pool ({@code <pool>/ix-apps}, {@code ix-applications}, {@code .system}, {@code .truenas_containers}) and
     * anything under it; snapshots of such paths are refused ("is a protected path", EACCES).
     */
    static boolean internalPath(String dataset) {
        String[] parts = dataset.split("/");
        if (parts[0].equals("boot-pool") || parts[0].equals("freenas-boot")) {
            return true;
        }
        return parts.length > 1 && Set.of("ix-apps", "ix-applications", ".system", ".truenas_containers")
                .contains(parts[1]);
    }

    private void refuseInternal(String path, String schema) {
        int at = path.indexOf('@');
        if (release.atLeast(Release.V26_0) && internalPath(at < 0 ? path : path.substring(0, at))) {
            throw MiddlewareError.Validation.single(schema, Py.repr(path) + " is a protected path.", Errno.EACCES);
        }
    }

    EmulatedStorage(Supplier<Set<String>> hostPathsInUse) {
        this.hostPathsInUse = hostPathsInUse;
        seedDefaults();
    }

    private void seedDefaults() {
        synchronized (lock) {
            datasets.clear();
            failNextSnapshot.clear();
            busy.clear();
            put("tank", "/mnt/tank");
            put("tank/ix-apps", "/mnt/.ix-apps");
            put("tank/ix-apps/app_mounts", "/mnt/.ix-apps/app_mounts");
        }
    }

    private void put(String name, String mountpoint) {
        datasets.put(name, new Dataset(name, mountpoint));
    }

    // ---- control -------------------------------------------------------------------------------------------

    /** Back to the pool {@code tank} with only its apps datasets, no snapshots, no faults. */
    public void reset() {
        seedDefaults();
    }

    /**
     * Creates a dataset (and its missing parents) mounted at {@code /mnt/<name>}, or under
     * {@code /mnt/.ix-apps} for the datasets below {@code <pool>/ix-apps}. Returns this, for chaining.
     */
    public EmulatedStorage seedDataset(String name) {
        int slash = name.indexOf('/');
        String pool = slash < 0 ? name : name.substring(0, slash);
        String ixApps = pool + "/ix-apps";
        String mountpoint = name.equals(ixApps) || name.startsWith(ixApps + "/")
                ? "/mnt/.ix-apps" + name.substring(ixApps.length()) : "/mnt/" + name;
        return seedDataset(name, mountpoint);
    }

    /** Creates a dataset (and its missing parents, under {@code /mnt/<parent>}) mounted at {@code mountpoint}. */
    public EmulatedStorage seedDataset(String name, String mountpoint) {
        if (!DATASET_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("emulator: '" + name + "' is not a dataset name");
        }
        synchronized (lock) {
            int i = name.indexOf('/');
            while (i > 0) {
                String parent = name.substring(0, i);
                if (!datasets.containsKey(parent)) {
                    put(parent, "/mnt/" + parent);
                }
                i = name.indexOf('/', i + 1);
            }
            datasets.computeIfAbsent(name, n -> new Dataset(n, mountpoint));
        }
        return this;
    }

    /**
     * Gives each stack folder under {@code stacksDir} a dataset of its own, {@code tank/apps/<stack>} mounted at
     * {@code /mnt/tank/apps/<stack>} (with {@code tank/apps} as their parent), as a NAS set up for the
     * {@code snapshot:} policy has them: then the stacks' host paths under {@code /mnt/tank/apps/<stack>} can be
     * snapshotted and rolled back. Returns the datasets made, in name order; none when the folder is missing.
     */
    public List<String> seedAppDatasets(java.nio.file.Path stacksDir) throws java.io.IOException {
        List<String> made = new ArrayList<>();
        if (!java.nio.file.Files.isDirectory(stacksDir)) {
            return made;
        }
        try (var dirs = java.nio.file.Files.list(stacksDir)) {
            for (java.nio.file.Path d : dirs.filter(java.nio.file.Files::isDirectory).sorted().toList()) {
                String name = "tank/apps/" + d.getFileName();
                if (DATASET_NAME.matcher(name).matches() && !d.getFileName().toString().startsWith(".")) {
                    seedDataset(name);
                    made.add(name);
                }
            }
        }
        return made;
    }

    /** Writes data to a dataset, as an app would: its content token becomes {@code content}. */
    public void write(String dataset, String content) {
        synchronized (lock) {
            Dataset d = datasets.get(dataset);
            if (d == null) {
                throw new IllegalArgumentException("emulator: no dataset '" + dataset + "'");
            }
            d.content = content;
            txg++;
        }
    }

    /** The content token of a dataset. */
    public String content(String dataset) {
        synchronized (lock) {
            Dataset d = datasets.get(dataset);
            if (d == null) {
                throw new IllegalArgumentException("emulator: no dataset '" + dataset + "'");
            }
            return d.content;
        }
    }

    /** All datasets, by name. */
    public List<DatasetView> datasets() {
        synchronized (lock) {
            return datasets.values().stream().map(d -> new DatasetView(d.name, d.mountpoint, d.content)).toList();
        }
    }

    /** The snapshots of all datasets, oldest first per dataset. */
    public List<SnapshotView> snapshots() {
        synchronized (lock) {
            List<SnapshotView> out = new ArrayList<>();
            datasets.values().forEach(d -> d.snapshots.forEach(s -> out.add(view(s))));
            return out;
        }
    }

    /** The snapshots of one dataset, oldest first. */
    public List<SnapshotView> snapshots(String dataset) {
        return snapshots().stream().filter(s -> s.dataset().equals(dataset)).toList();
    }

    /** Takes a snapshot directly (as a person in the UI or a periodic task would). */
    public void takeSnapshot(String dataset, String name) {
        synchronized (lock) {
            create(dataset, name, false);
        }
    }

    /** The next snapshot of {@code dataset} fails with {@code [EFAULT] Failed to snapshot ...: message}. */
    public void failNextSnapshot(String dataset, String message) {
        synchronized (lock) {
            failNextSnapshot.put(dataset, message);
        }
    }

    /** A rollback of {@code dataset} fails as busy (something holds it open), like a mounted app would. */
    public void setBusy(String dataset, boolean on) {
        synchronized (lock) {
            if (on) {
                busy.add(dataset);
            } else {
                busy.remove(dataset);
            }
        }
    }

    private static SnapshotView view(Snap s) {
        return new SnapshotView(s.id(), s.dataset(), s.name(), s.txg(), s.content(), s.created());
    }

    // ---- what the methods do (MiddlewareError as ZFS would fail) --------------------------------------------

    /** The mountpoints of every dataset: directories on the NAS. */
    Set<String> mountpoints() {
        synchronized (lock) {
            Set<String> out = new java.util.HashSet<>();
            datasets.values().forEach(d -> out.add(d.mountpoint));
            return out;
        }
    }

    /**
     * {@code pool.dataset.create} of a plain filesystem dataset ({@code plugins/pool_/dataset.py do_create}): a
     * full name ("You need a full name, e.g. pool/newdataset"), a parent that exists ({@code __common_validation}:
     * "Parent dataset (<parent>) does not exist."), nothing at {@code /mnt/<name>} yet ("Path /mnt/<name> already exists", found with
     * {@code filesystem.stat}); mounted at {@code /mnt/<name>}.
     */
    Map<String, Object> createDataset(String name, java.util.function.Predicate<String> pathExists) {
        String attr = "pool_dataset_create.name";
        if (!name.contains("/")) {
            throw MiddlewareError.Validation.single(attr, "You need a full name, e.g. pool/newdataset", Errno.EINVAL);
        }
        if (!DATASET_NAME.matcher(name).matches()) {
            throw MiddlewareError.Validation.single(attr, "Invalid dataset name", Errno.EINVAL);
        }
        synchronized (lock) {
            String parent = name.substring(0, name.lastIndexOf('/'));
            if (!datasets.containsKey(parent)) {
                throw MiddlewareError.Validation.single(attr, (parent.contains("/") ? "Parent dataset (" : "zpool (")
                        + parent + ") does not exist.", Errno.EINVAL);
            }
            if (datasets.containsKey(name) || pathExists.test("/mnt/" + name)) {
                throw MiddlewareError.Validation.single(attr, "Path /mnt/" + name + " already exists", Errno.EINVAL);
            }
            Dataset d = new Dataset(name, "/mnt/" + name);
            datasets.put(name, d);
            return datasetRow(d);
        }
    }

    List<Map<String, Object>> datasetRows() {
        synchronized (lock) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Dataset d : datasets.values()) {
                rows.add(datasetRow(d));
            }
            return rows;
        }
    }

    private Map<String, Object> datasetRow(Dataset d) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", d.name);
        row.put("type", "FILESYSTEM");
        row.put("name", d.name);
        row.put("pool", pool(d.name));
        row.put("encrypted", false);
        row.put("encryption_root", null);
        row.put("key_loaded", false);
        List<Map<String, Object>> children = new ArrayList<>();
        for (Dataset c : datasets.values()) {
            if (c.name.startsWith(d.name + "/") && c.name.indexOf('/', d.name.length() + 1) < 0) {
                children.add(datasetRow(c));
            }
        }
        row.put("children", children);
        row.put("user_properties", Map.of());
        row.put("locked", false);
        row.put("mountpoint", d.mountpoint);
        return row;
    }

    List<Map<String, Object>> snapshotRows() {
        synchronized (lock) {
            List<Map<String, Object>> rows = new ArrayList<>();
            datasets.values().forEach(d -> d.snapshots.forEach(s -> rows.add(snapshotRow(s))));
            return rows;
        }
    }

    private static Map<String, Object> snapshotRow(Snap s) {
        Map<String, Object> row = new LinkedHashMap<>();
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("createtxg", prop(String.valueOf(s.txg()), s.txg()));
        props.put("creation", prop(String.valueOf(s.created().getEpochSecond()),
                Map.of("$date", s.created().toEpochMilli())));
        props.put("referenced", prop(String.valueOf(s.content().length() * 4096L), s.content().length() * 4096L));
        row.put("properties", props);
        row.put("pool", pool(s.dataset()));
        row.put("name", s.id());
        row.put("type", "SNAPSHOT");
        row.put("snapshot_name", s.name());
        row.put("dataset", s.dataset());
        row.put("id", s.id());
        row.put("createtxg", String.valueOf(s.txg()));
        return row;
    }

    private static Map<String, Object> prop(String raw, Object parsed) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("value", raw);
        p.put("rawvalue", raw);
        p.put("source", "NONE");
        p.put("parsed", parsed);
        return p;
    }

    private static String pool(String dataset) {
        int slash = dataset.indexOf('/');
        return slash < 0 ? dataset : dataset.substring(0, slash);
    }

    /** {@code zfs.snapshot.create} / {@code pool.snapshot.create} with a name already resolved. */
    Map<String, Object> create(String dataset, String name, boolean recursive) {
        synchronized (lock) {
            String full = dataset + "@" + name;
            refuseInternal(full, "zfs.resource.snapshot.create");
            Dataset d = datasets.get(dataset);
            if (d == null) {
                throw new MiddlewareError.Call(Errno.EFAULT, "Failed to snapshot " + full + ": cannot open '" + dataset
                        + "': dataset does not exist");
            }
            String failure = failNextSnapshot.remove(dataset);
            if (failure != null) {
                throw new MiddlewareError.Call(Errno.EFAULT, "Failed to snapshot " + full + ": " + failure);
            }
            List<Dataset> targets = new ArrayList<>();
            targets.add(d);
            if (recursive) {
                datasets.values().stream().filter(c -> c.name.startsWith(dataset + "/")).forEach(targets::add);
            }
            for (Dataset t : targets) {
                if (t.snapshots.stream().anyMatch(s -> s.name().equals(name))) {
                    throw new MiddlewareError.Call(Errno.EEXIST, "Failed to snapshot " + full
                            + ": dataset already exists");
                }
            }
            txg++;
            Instant now = Instant.now();
            Snap first = null;
            for (Dataset t : targets) {
                Snap s = new Snap(t.name, name, txg, t.content, now);
                t.snapshots.add(s);
                first = first == null ? s : first;
            }
            return snapshotRow(first);
        }
    }

    /** {@code *.snapshot.delete}: true, or InstanceNotFound. */
    void delete(String id, boolean recursive) {
        synchronized (lock) {
            Snap s = find(id).orElseThrow(() -> MiddlewareError.Validation.instanceNotFound(
                    "cannot open '" + id + "': dataset does not exist"));
            datasets.get(s.dataset()).snapshots.remove(s);
            if (recursive) {
                datasets.values().stream().filter(c -> c.name.startsWith(s.dataset() + "/"))
                        .forEach(c -> c.snapshots.removeIf(x -> x.name().equals(s.name())));
            }
        }
    }

    /**
     * {@code *.snapshot.rollback}: like {@code zfs rollback [-r]}: refused while newer snapshots exist (unless
     * {@code destroyNewer}) and while the dataset is busy; brings back the snapshot's content.
     */
    void rollback(String id, boolean destroyNewer, boolean children) {
        synchronized (lock) {
            boolean lzc = release.atLeast(Release.V26_0);
            refuseInternal(id, "zfs.resource.snapshot.rollback");
            Snap s = find(id).orElseThrow(() -> lzc
                    // 26.0 snapshot_crud.py rollback: ZFSPathNotFoundException -> ValidationError(ENOENT)
                    ? MiddlewareError.Validation.single("zfs.resource.snapshot.rollback", Py.repr(id) + " not found",
                            Errno.ENOENT)
                    : new MiddlewareError.Call(Errno.EFAULT,
                            "Failed to rollback snapshot: cannot open '" + id + "': dataset does not exist"));
            List<Dataset> targets = new ArrayList<>();
            targets.add(datasets.get(s.dataset()));
            if (children) {
                datasets.values().stream().filter(c -> c.name.startsWith(s.dataset() + "/")
                        && c.snapshots.stream().anyMatch(x -> x.name().equals(s.name()))).forEach(targets::add);
            }
            Set<String> inUse = hostPathsInUse.get();
            for (Dataset d : targets) {
                Snap target = d.snapshots.stream().filter(x -> x.name().equals(s.name())).findFirst().orElseThrow();
                List<Snap> newer = d.snapshots.stream().filter(x -> x.txg() > target.txg()).toList();
                if (!newer.isEmpty() && !destroyNewer && lzc) {
                    // 26.0 snapshot_rollback_impl.py: FileExistsError from lzc.rollback, listed newest last
                    StringBuilder msg = new StringBuilder("Cannot rollback: more recent snapshots or bookmarks exist."
                            + " Please pass `recursive: true` to delete the following snapshots and bookmarks"
                            + " recursively:");
                    newer.forEach(n -> msg.append("\n  ").append(n.id()));
                    throw MiddlewareError.Validation.single("zfs.resource.snapshot.rollback", msg.toString(),
                            Errno.EINVAL);
                }
                if (!newer.isEmpty() && !destroyNewer) {
                    StringBuilder msg = new StringBuilder("Failed to rollback snapshot: cannot rollback to '"
                            + target.id() + "': more recent snapshots or bookmarks exist\nuse '-r' to force deletion"
                            + " of the following snapshots and bookmarks:");
                    newer.forEach(n -> msg.append('\n').append(n.id()));
                    throw new MiddlewareError.Call(Errno.EFAULT, msg.toString());
                }
                boolean held = busy.contains(d.name) || inUse.stream().anyMatch(p -> p.equals(d.mountpoint)
                        || p.startsWith(d.mountpoint + "/"));
                if (held && lzc) {
                    // 26.0: lzc.rollback raises OSError(EBUSY), rewrapped as "Failed to rollback snapshot: {e}"
                    throw MiddlewareError.Validation.single("zfs.resource.snapshot.rollback",
                            "Failed to rollback snapshot: [Errno 16] Device or resource busy", Errno.EINVAL);
                }
                if (held) {
                    throw new MiddlewareError.Call(Errno.EFAULT, "Failed to rollback snapshot: cannot unmount '"
                            + d.mountpoint + "': pool or dataset is busy");
                }
            }
            for (Dataset d : targets) {
                Snap target = d.snapshots.stream().filter(x -> x.name().equals(s.name())).findFirst().orElseThrow();
                d.snapshots.removeIf(x -> x.txg() > target.txg());
                d.content = target.content();
            }
            txg++;
        }
    }

    private Optional<Snap> find(String id) {
        int at = id.indexOf('@');
        if (at < 0) {
            return Optional.empty();
        }
        Dataset d = datasets.get(id.substring(0, at));
        if (d == null) {
            return Optional.empty();
        }
        String name = id.substring(at + 1);
        return d.snapshots.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
