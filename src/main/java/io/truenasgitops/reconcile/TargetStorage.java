package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.PoolsApi;
import io.truenasgitops.truenas.SnapshotsApi;

/** The datasets and snapshots of one NAS target, for the {@code snapshot:} policy and rollbacks. */
public record TargetStorage(PoolsApi pools, SnapshotsApi snapshots) {}
