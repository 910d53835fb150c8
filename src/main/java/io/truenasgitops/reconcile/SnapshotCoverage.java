package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.Dataset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Pure: which of a stack's data a {@code snapshot:} policy cannot protect, from the stack's volumes, the host paths
 * of the other stacks and apps on the same NAS, and the datasets {@code pool.dataset.query} shows (the middleware
 * hides its internal ones). {@code validate} calls it without datasets (what can be told offline), the planner
 * with them; {@link StackDatasets} decides with it which datasets are snapshotted.
 *
 * <p>The stack's data is every writable bind mount and every named volume. Read-only binds and the host's runtime
 * files ({@code /dev}, {@code /proc}, {@code /sys}, {@code /run}, {@code /var/run}, {@code /etc/localtime},
 * {@code /etc/timezone}) are not data the stack writes and are not looked at. A writable host path is protected
 * only when it is on a dataset of its own: the dataset whose mountpoint is the longest prefix of the path is not a
 * pool's root dataset, not one of the middleware's internal datasets, and no other stack or app on the NAS
 * bind-mounts a path on that same dataset or a folder that holds the path (read-only mounts count: a rollback would
 * change what they read).
 */
public final class SnapshotCoverage {

    private SnapshotCoverage() {}

    /** Why a piece of a stack's data cannot be snapshotted. */
    public enum Kind {
        /** A host path outside {@code /mnt}: on no pool (the boot pool holds the OS). */
        OUTSIDE_MNT,
        /** Inside the apps' internal {@code ix-apps} dataset, which {@code pool.dataset.query} never shows. */
        IX_APPS,
        /** A named Docker volume: it lives in {@code ix-apps/docker}, shared by every app. */
        NAMED_VOLUME,
        /** Under {@code /mnt} but on no dataset the NAS shows (no such pool, or not mounted). */
        NO_DATASET,
        /** On a pool's root dataset ({@code tank}), which holds everything else on the pool too. */
        POOL_ROOT,
        /** On a dataset another stack or app on the same NAS mounts too. */
        SHARED
    }

    /**
     * One piece of data a snapshot policy cannot protect.
     *
     * @param kind why
     * @param path the host path, or the named volume's name
     * @param dataset the dataset it lives on, when known
     * @param other the stack or app it is shared with ({@link Kind#SHARED}), else null
     * @param message the sentence for people: which path, where, and why
     */
    public record Finding(Kind kind, String path, String dataset, String other, String message) {}

    /** Where one writable host path stands: on {@code dataset} of its own, or {@code finding}; both null: unknown. */
    record PathCoverage(String path, Dataset dataset, Finding finding) {}

    /**
     * What the snapshot policy of {@code stack} cannot protect.
     *
     * @param compose the stack's compose (normalised or as the NAS has it)
     * @param others the host paths of every other stack and app on the same NAS (read-only ones too), by name
     * @param datasets the datasets the NAS shows; empty when not known (offline): then only what can be told
     *     without them is found
     */
    public static List<Finding> check(String stack, Map<String, Object> compose,
            Map<String, ? extends Collection<String>> others, Optional<List<Dataset>> datasets) {
        List<Finding> out = new ArrayList<>();
        java.util.Set<String> volumes = new java.util.TreeSet<>();
        for (HostPaths.Mount m : HostPaths.mounts(compose)) {
            if (!m.bind() && !m.readOnly()) {
                volumes.add(m.source());
            }
        }
        for (String path : HostPaths.writable(compose)) {
            Finding f = classify(stack, path, others, datasets).finding();
            if (f != null) {
                out.add(f);
            }
        }
        for (String v : volumes) {
            out.add(new Finding(Kind.NAMED_VOLUME, v, null, null, "named volume '" + v + "' of stack '" + stack
                    + "' lives in the apps' shared ix-apps/docker dataset, which no snapshot can take for one app"));
        }
        return List.copyOf(out);
    }

    /** Every host path a compose bind-mounts, read-only ones too (what another stack's data may share). */
    public static List<String> hostPaths(Map<String, Object> compose) {
        return HostPaths.of(compose);
    }

    /** Whether {@code path} is a runtime file of the host (a socket, a device, the clock), not data. */
    static boolean hostRuntime(String path) {
        for (String p : List.of("/dev", "/proc", "/sys", "/run", "/var/run")) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                return true;
            }
        }
        return path.equals("/etc/localtime") || path.equals("/etc/timezone");
    }

    /** Where one host path of {@code stack} stands; see the class comment for the rules. */
    static PathCoverage classify(String stack, String path, Map<String, ? extends Collection<String>> others,
            Optional<List<Dataset>> datasets) {
        String who = "host path " + path + " of stack '" + stack + "'";
        if (hostRuntime(path)) {
            return new PathCoverage(path, null, null);
        }
        if (!path.startsWith("/mnt/")) {
            return finding(path, Kind.OUTSIDE_MNT, null, null, who + " is outside /mnt, on no pool");
        }
        if (path.matches("/mnt/(\\.ix-apps|[^/]+/ix-apps|[^/]+/ix-applications)(/.*)?")) {
            return finding(path, Kind.IX_APPS, null, null, who + " is inside the apps' internal ix-apps dataset,"
                    + " which the API does not show and TrueNAS protects from snapshots");
        }
        if (datasets.isPresent()) {
            Optional<Dataset> dataset = StackDatasets.datasetOf(path, datasets.get());
            if (dataset.isEmpty()) {
                return finding(path, Kind.NO_DATASET, null, null, who + " is on no dataset the NAS shows");
            }
            Dataset d = dataset.get();
            if (!d.name().contains("/")) {
                return finding(path, Kind.POOL_ROOT, d.name(), null, who + " is on the root dataset of pool '"
                        + d.name() + "', which holds everything else on the pool too");
            }
            for (var e : new TreeMap<>(others).entrySet()) {
                if (e.getKey().equals(stack)) {
                    continue;
                }
                for (String q : e.getValue()) {
                    if (StackDatasets.datasetOf(q, datasets.get()).filter(o -> o.name().equals(d.name())).isPresent()) {
                        return finding(path, Kind.SHARED, d.name(), e.getKey(), who + " is on dataset '" + d.name()
                                + "', which '" + e.getKey() + "' mounts too (" + q + "): a rollback would roll '"
                                + e.getKey() + "' back as well");
                    }
                }
            }
        }
        // a folder of another stack that holds this path: that stack reads and writes this data, whatever the datasets
        for (var e : new TreeMap<>(others).entrySet()) {
            if (e.getKey().equals(stack)) {
                continue;
            }
            for (String q : e.getValue()) {
                if (path.equals(q) || path.startsWith(q.endsWith("/") ? q : q + "/")) {
                    return finding(path, Kind.SHARED, null, e.getKey(), who + " is mounted by '" + e.getKey()
                            + "' too (" + q + "): a rollback would roll '" + e.getKey() + "' back as well");
                }
            }
        }
        if (datasets.isEmpty()) {
            return new PathCoverage(path, null, null);
        }
        Dataset d = StackDatasets.datasetOf(path, datasets.get()).orElseThrow();
        return new PathCoverage(path, d, null);
    }

    private static PathCoverage finding(String path, Kind kind, String dataset, String other, String message) {
        return new PathCoverage(path, null, new Finding(kind, path, dataset, other, message));
    }

    /** The two ways out, for a message: a dataset of its own, or {@code required: false}. */
    public static String fixes(String relativeDir) {
        return "give that data a dataset of its own (Datasets → Add Dataset in the TrueNAS UI, then bind its"
                + " mountpoint, e.g. /mnt/POOL/apps/STACK/...), or set snapshot: {required: false} in " + relativeDir
                + "/stack.yaml to apply without protecting it";
    }

    /** The reason of an apply held back: which data, why, and the two fixes. */
    static String heldBack(String stack, String relativeDir, String verb, List<Finding> findings) {
        return "the snapshot policy of stack '" + stack + "' cannot protect its data, so app '" + stack + "' is not "
                + verb + ": " + String.join("; ", findings.stream().map(Finding::message).toList()) + "; "
                + fixes(relativeDir);
    }

    /** A finding as the warning of a stack that says {@code required: false}. */
    static String unprotected(Finding f) {
        return "not protected by the snapshot policy (required: false): " + f.message();
    }
}
