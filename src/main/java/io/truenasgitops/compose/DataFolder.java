package io.truenasgitops.compose;

/**
 * A folder on the NAS that a stack's compose bind-mounts for its data: a relative bind ({@code ./data}) rewritten
 * under the host base path, which must exist, owned by the user the service runs as, before the app starts (Docker
 * would create it owned by root).
 *
 * @param hostPath the folder on the NAS, absolute ({@code /mnt/tank/apps/db/data})
 * @param basePath the host base path it was rewritten under ({@code /mnt/tank/apps}): nothing at or above it is
 *     ever created
 * @param service the compose service whose owner it gets (the first one binding it)
 * @param uid the owner's user id
 * @param gid the owner's group id
 */
public record DataFolder(String hostPath, String basePath, String service, int uid, int gid) {

    /** TrueNAS's {@code apps} user and group: what the apps of the NAS run as when nothing else is said. */
    public static final int APPS_ID = 568;

    /** {@code uid:gid}, as {@code user:} and {@code chown} write it. */
    public String owner() {
        return uid + ":" + gid;
    }
}
