package io.truenasgitops.truenas;

import java.util.List;
import java.util.Optional;

/** The datasets of the NAS's pools ({@code pool.dataset.query}, role {@code DATASET_READ}). */
public interface PoolsApi {

    /** Every dataset, flat (children are listed on their own). */
    List<Dataset> datasets();

    /** The dataset of that name, or empty. */
    Optional<Dataset> dataset(String name);

    /**
     * The dataset a host path lives on: the one whose mountpoint is the longest prefix of {@code hostPath}; empty
     * when no dataset's mountpoint contains it (a path outside the pools).
     */
    default Optional<Dataset> datasetOf(String hostPath) {
        Dataset best = null;
        for (Dataset d : datasets()) {
            String mp = d.mountpoint();
            if (mp == null || mp.isEmpty()) {
                continue;
            }
            boolean under = hostPath.equals(mp) || hostPath.startsWith(mp.endsWith("/") ? mp : mp + "/");
            if (under && (best == null || mp.length() > best.mountpoint().length())) {
                best = d;
            }
        }
        return Optional.ofNullable(best);
    }
}
