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
 * bind-mounted host paths under {@code /mnt} plus its ix-volumes dataset ({@code <pool>/ix-apps/app_mounts/<app>})
 * when there is one. A path outside {@code /mnt}, a path on no dataset of its own (a pool's root dataset or the
 * apps' shared datasets) and a dataset another stack mounts too are reported, never snapshotted or rolled back.
 *
 * @param datasets the datasets to snapshot, by name, with the host paths that live on each
 * @param notices what is left out, and why
 */
record StackDatasets(Map<String, List<String>> datasets, List<Notice> notices) {

    StackDatasets {
        datasets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(datasets));
        notices = List.copyOf(notices);
    }

    /** Why a host path is left out. */
    enum NoticeKind {
        /** Not under {@code /mnt}: not on a pool at all (e.g. {@code /etc/localtime}). */
        OUTSIDE_MNT,
        /** Under {@code /mnt} but on no dataset of its own (a pool's root dataset, the apps' shared datasets). */
        NOT_ON_OWN_DATASET,
        /** Its dataset holds data of another stack too: rolling it back would roll that stack back as well. */
        SHARED_DATASET
    }

    /** One host path left out. */
    record Notice(NoticeKind kind, String path, String message) {}

    /**
     * Maps {@code stack}'s host paths to datasets.
     *
     * @param paths the stack's bind-mounted host paths
     * @param others the host paths of every other stack on the same NAS, by stack
     * @param all every dataset of the NAS
     */
    static StackDatasets map(String stack, Collection<String> paths, Map<String, ? extends Collection<String>> others,
            List<Dataset> all) {
        Map<String, List<String>> datasets = new TreeMap<>();
        List<Notice> notices = new ArrayList<>();
        Map<String, String> usedByOthers = new TreeMap<>();
        others.forEach((other, otherPaths) -> {
            if (!other.equals(stack)) {
                otherPaths.forEach(p -> datasetOf(p, all).ifPresent(d -> usedByOthers.putIfAbsent(d.name(), other)));
            }
        });
        for (String path : paths) {
            if (!path.startsWith("/mnt/")) {
                notices.add(new Notice(NoticeKind.OUTSIDE_MNT, path, "host path " + path + " of stack '" + stack
                        + "' is outside /mnt, on no pool: it is not snapshotted"));
                continue;
            }
            var dataset = datasetOf(path, all);
            if (dataset.isEmpty() || !ownDataset(dataset.get(), stack)) {
                notices.add(new Notice(NoticeKind.NOT_ON_OWN_DATASET, path, "host path " + path + " of stack '"
                        + stack + "' is on no dataset of its own" + dataset.map(d -> " (it lives on '" + d.name()
                                + "', which holds more than this stack)").orElse("")
                        + ": it is not snapshotted; give it a dataset of its own"));
                continue;
            }
            String other = usedByOthers.get(dataset.get().name());
            if (other != null) {
                notices.add(new Notice(NoticeKind.SHARED_DATASET, path, "host path " + path + " of stack '" + stack
                        + "' is on dataset '" + dataset.get().name() + "', which stack '" + other + "' mounts too: it"
                        + " is not snapshotted, as rolling it back would roll '" + other + "' back too"));
                continue;
            }
            datasets.computeIfAbsent(dataset.get().name(), k -> new ArrayList<>()).add(path);
        }
        for (Dataset d : all) {
            if (d.name().endsWith("/ix-apps/app_mounts/" + stack)) {
                datasets.computeIfAbsent(d.name(), k -> new ArrayList<>()).add(d.mountpoint() + " (ix-volumes)");
            }
        }
        return new StackDatasets(datasets, notices);
    }

    /** A pool's root dataset and the apps' own datasets hold more than one stack's data. */
    private static boolean ownDataset(Dataset d, String stack) {
        String name = d.name();
        if (!name.contains("/")) {
            return false;
        }
        return !name.endsWith("/ix-apps") && !name.contains("/ix-apps/") || name.endsWith("/ix-apps/app_mounts/" + stack);
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
