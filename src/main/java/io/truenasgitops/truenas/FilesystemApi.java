package io.truenasgitops.truenas;

import java.util.Optional;

/**
 * The folders of the NAS, for the data folders of stacks: {@code filesystem.stat} (role FILESYSTEM_ATTRS_READ),
 * {@code filesystem.mkdir} (FILESYSTEM_DATA_WRITE; makes no parents), {@code filesystem.chown} (a job,
 * FILESYSTEM_ATTRS_WRITE) and {@code pool.dataset.create} (DATASET_WRITE). A missing role is a
 * {@link NotAuthorizedException} whose message names the role to add.
 */
public interface FilesystemApi {

    /** What {@code filesystem.stat} says of a path: its owner, and whether it is a dataset's mountpoint. */
    record PathStat(String path, String type, int uid, int gid, boolean mountpoint) {}

    /** The path's stat, or empty when nothing is there (ENOENT). */
    Optional<PathStat> stat(String path);

    /**
     * Creates one directory ({@code mode} in octal, {@code "755"}); its parent must exist.
     *
     * @throws AlreadyExistsException something is there already
     * @throws NotFoundException the parent does not exist
     */
    void mkdir(String path, String mode);

    /** Gives {@code path} (not what is under it) to {@code uid:gid} and waits for the job. */
    void chown(String path, int uid, int gid);

    /** Creates the filesystem dataset {@code name} ({@code pool/a/b}) under its existing parent, at /mnt/name. */
    void createDataset(String name);
}
