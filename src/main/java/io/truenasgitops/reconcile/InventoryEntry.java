package io.truenasgitops.reconcile;

import io.truenasgitops.stacks.StackSettings.DesiredState;
import java.time.Instant;
import java.util.List;

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
 * @param secretPaths where the applied compose held values from the secrets directory (paths such as
 *     {@code services.web.environment.TOKEN}, never values): those places are masked on the live side of every
 *     diff, so a secret rotated in the same change that renames or moves it never shows in clear. Empty for
 *     entries written before this field existed or rebuilt from a stamp.
 */
public record InventoryEntry(
        String target, String app, String path, String hash, String revision, boolean prune, DesiredState state,
        Instant appliedAt, List<String> secretPaths) {

    public InventoryEntry {
        secretPaths = secretPaths == null ? List.of() : List.copyOf(secretPaths);
    }

    /** An entry that records no secret paths. */
    public InventoryEntry(String target, String app, String path, String hash, String revision, boolean prune,
            DesiredState state, Instant appliedAt) {
        this(target, app, path, hash, revision, prune, state, appliedAt, List.of());
    }

    /** The same entry with another prune flag and path (the stack.yaml or the folder changed, nothing applied). */
    public InventoryEntry withSettings(String newPath, boolean newPrune) {
        return new InventoryEntry(target, app, newPath, hash, revision, newPrune, state, appliedAt, secretPaths);
    }

    /** The inventory key of an app on a target. */
    public static String key(String target, String app) {
        return target + "/" + app;
    }

    public String key() {
        return key(target, app);
    }
}
