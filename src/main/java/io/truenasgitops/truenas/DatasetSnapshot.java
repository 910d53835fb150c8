package io.truenasgitops.truenas;

import java.time.Instant;

/**
 * One ZFS snapshot as {@code pool.snapshot.query} (25.10+) or {@code zfs.snapshot.query} (24.10, 25.04) gives it.
 *
 * @param id {@code dataset@name}
 * @param dataset the dataset it belongs to
 * @param name the part after {@code @}
 * @param createTxg the transaction group it was taken in: a larger one is newer
 * @param created when it was taken, or null when the NAS did not say
 */
public record DatasetSnapshot(String id, String dataset, String name, long createTxg, Instant created) {}
