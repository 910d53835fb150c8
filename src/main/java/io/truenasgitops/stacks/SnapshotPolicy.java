package io.truenasgitops.stacks;

import java.time.Duration;

/**
 * The {@code snapshot:} setting of a {@code stack.yaml}: ZFS snapshots of the stack's datasets before every change
 * of its app (update, delete), and how many of them to keep.
 *
 * @param enabled whether to snapshot at all (off unless stack.yaml says so)
 * @param recursive whether each snapshot takes the dataset's child datasets too
 * @param keepLast how many of this tool's snapshots to keep per dataset and stack; 0 keeps any number
 * @param maxAge this tool's snapshots older than this are destroyed; null keeps them regardless of age
 * @param required whether a change is held back ({@code SnapshotImpossible}) when some of the stack's data cannot be
 *     snapshotted (no dataset of its own, outside {@code /mnt}, a named volume); {@code false} warns and goes on
 */
public record SnapshotPolicy(boolean enabled, boolean recursive, int keepLast, Duration maxAge, boolean required) {

    /** A policy that fails closed ({@code required: true}, the default). */
    public SnapshotPolicy(boolean enabled, boolean recursive, int keepLast, Duration maxAge) {
        this(enabled, recursive, keepLast, maxAge, true);
    }

    /** How many snapshots are kept when stack.yaml turns snapshots on without saying. */
    public static final int DEFAULT_KEEP_LAST = 10;

    /** No snapshots. */
    public static final SnapshotPolicy OFF = new SnapshotPolicy(false, false, DEFAULT_KEEP_LAST, null);
}
