package io.truenasgitops.truenas;

import java.util.List;

/** A rollback was refused because snapshots newer than its target exist (ZFS destroys them only when told). */
public final class NewerSnapshotsExistException extends Rejected {
    private final List<String> newer;

    public NewerSnapshotsExistException(String message, List<String> newer, Throwable cause) {
        super(message, 14, "EFAULT", List.of(), null, cause);
        this.newer = List.copyOf(newer);
    }

    /** The snapshots a rollback with {@code destroyNewer} would destroy. */
    public List<String> newer() {
        return newer;
    }
}
