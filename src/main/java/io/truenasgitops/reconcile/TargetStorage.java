package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.FilesystemApi;
import io.truenasgitops.truenas.PoolsApi;
import io.truenasgitops.truenas.SnapshotsApi;

/**
 * The datasets, snapshots and folders of one NAS target, for the {@code snapshot:} policy, rollbacks and data
 * folders.
 *
 * @param filesystem the folders of the NAS (data folders); null when not wired (then none are created)
 */
public record TargetStorage(PoolsApi pools, SnapshotsApi snapshots, FilesystemApi filesystem) {

    /** Storage without the folder calls. */
    public TargetStorage(PoolsApi pools, SnapshotsApi snapshots) {
        this(pools, snapshots, null);
    }
}
