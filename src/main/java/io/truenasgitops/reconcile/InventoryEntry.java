package io.truenasgitops.reconcile;

import io.truenasgitops.stacks.StackSettings.DesiredState;
import java.time.Instant;

/**
 * What truenas-gitops last applied to one app on one target. Persisted: this is a compatibility contract
 * (field names must not change without a migration).
 *
 * @param target the NAS name
 * @param app the app name
 * @param path the stack folder within the repository
 * @param hash the content hash that was applied
 * @param revision the commit that was applied
 * @param prune the stack's {@code prune} setting at that time (the folder may be gone when it matters)
 * @param state the desired state that was applied (tells an explicit {@code state:} change from drift)
 * @param appliedAt when
 */
public record InventoryEntry(
        String target, String app, String path, String hash, String revision, boolean prune, DesiredState state,
        Instant appliedAt) {

    /** The inventory key of an app on a target. */
    public static String key(String target, String app) {
        return target + "/" + app;
    }

    public String key() {
        return key(target, app);
    }
}
