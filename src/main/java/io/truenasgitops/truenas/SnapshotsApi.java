package io.truenasgitops.truenas;

import java.util.List;

/**
 * ZFS snapshots: {@code pool.snapshot.*} from 25.10, {@code zfs.snapshot.*} on 24.10 and 25.04 (the client finds
 * out which on first use). None of these is a job: each call returns when ZFS is done. Roles: {@code SNAPSHOT_READ}
 * (query), {@code SNAPSHOT_WRITE} (create), {@code SNAPSHOT_DELETE} (delete), {@code SNAPSHOT_WRITE} and
 * {@code POOL_WRITE} for a rollback on 25.10 (a full admin before).
 */
public interface SnapshotsApi {

    /** The snapshots of one dataset, oldest first (by creation transaction group). */
    List<DatasetSnapshot> list(String dataset);

    /**
     * Takes {@code dataset@name} (with its descendants when {@code recursive}).
     *
     * @throws NotFoundException when the dataset does not exist
     * @throws AlreadyExistsException when a snapshot of that name exists
     * @throws ValidationException when the name is not a valid snapshot name
     */
    DatasetSnapshot create(String dataset, String name, boolean recursive);

    /** Destroys one snapshot. @throws NotFoundException when it is gone already */
    void delete(String id);

    /**
     * Rolls a dataset back to one of its snapshots: its data becomes what it was then.
     *
     * @param destroyNewer destroy the snapshots taken after it (ZFS refuses the rollback otherwise)
     * @throws NewerSnapshotsExistException when newer snapshots exist and {@code destroyNewer} is false
     * @throws DatasetBusyException when something holds the dataset open (stop the app first)
     * @throws NotFoundException when the snapshot does not exist
     */
    void rollback(String id, boolean destroyNewer);
}
