package io.truenasgitops.truenas;

/**
 * One ZFS dataset as {@code pool.dataset.query} gives it.
 *
 * @param name the dataset, e.g. {@code tank/media}
 * @param pool the pool it lives in, e.g. {@code tank}
 * @param mountpoint where it is mounted, e.g. {@code /mnt/tank/media}; null when not mounted (or a zvol)
 */
public record Dataset(String name, String pool, String mountpoint) {}
