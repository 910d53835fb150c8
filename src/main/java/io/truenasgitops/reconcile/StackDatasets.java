package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.Dataset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which datasets hold a stack's data, and which of its host paths cannot be snapshotted: the datasets behind its
 * writable bind-mounted host paths that are its own ({@link SnapshotCoverage}: not a pool's root, not internal, not
 * mounted by another stack or app), plus its ix-volumes dataset ({@code <pool>/ix-apps/app_mounts/<app>}) when the
 * API shows one (a real NAS never does). What cannot be protected is reported, never snapshotted or rolled back.
 *
 * @param datasets the datasets to snapshot, by name, with the host paths that live on each
 * @param notices what is left out, and why
 */
record StackDatasets(Map<String, List<String>> datasets, List<Notice> notices) {

    StackDatasets {
        datasets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(datasets));
        notices = List.copyOf(notices);
    }

    /** One host path left out. */
    record Notice(SnapshotCoverage.Kind kind, String path, String message) {}

    /**
     * Maps {@code stack}'s host paths to datasets.
     *
     * @param paths the stack's writable bind-mounted host paths
     * @param others the host paths of every other stack on the same NAS, by stack
     * @param all every dataset of the NAS
     */
    static StackDatasets map(String stack, Collection<String> paths, Map<String, ? extends Collection<String>> others,
            List<Dataset> all) {
        Map<String, List<String>> datasets = new TreeMap<>();
        List<Notice> notices = new ArrayList<>();
        for (String path : paths) {
            SnapshotCoverage.PathCoverage c = SnapshotCoverage.classify(stack, path, others,
                    java.util.Optional.of(all));
            if (c.finding() != null) {
                notices.add(new Notice(c.finding().kind(), path, c.finding().message() + ": it is not snapshotted"));
            } else if (c.dataset() != null) {
                datasets.computeIfAbsent(c.dataset().name(), k -> new ArrayList<>()).add(path);
            }
        }
        for (Dataset d : all) {
            if (d.name().endsWith("/ix-apps/app_mounts/" + stack)) {
                datasets.computeIfAbsent(d.name(), k -> new ArrayList<>()).add(d.mountpoint() + " (ix-volumes)");
            }
        }
        return new StackDatasets(datasets, notices);
    }

    static java.util.Optional<Dataset> datasetOf(String hostPath, List<Dataset> all) {
        Dataset best = null;
        for (Dataset d : all) {
            String mp = d.mountpoint();
            if (mp == null || mp.isEmpty()) {
                continue;
            }
            boolean under = hostPath.equals(mp) || hostPath.startsWith(mp.endsWith("/") ? mp : mp + "/");
            if (under && (best == null || mp.length() > best.mountpoint().length())) {
                best = d;
            }
        }
        return java.util.Optional.ofNullable(best);
    }
}
