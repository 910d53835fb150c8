package io.truenasgitops.compose;

import java.util.List;

/**
 * The ownership mark truenas-gitops puts into every compose it sends, under the top-level key
 * {@code x-truenas-gitops}. TrueNAS keeps {@code x-} keys, so reading it back from {@code app.config}
 * tells whether an app is ours, where it came from and what we last applied.
 *
 * @param source the Git source URL (credentials stripped) the stack came from
 * @param path the stack folder within the repository, e.g. {@code stacks/web}
 * @param revision the commit that was applied
 * @param hash SHA-256 of the normalised compose without the stamp
 * @param secretPaths where the applied compose held secret values ({@link SecretPaths}): positions only, never a
 *     value or anything derived from one; empty for stamps written before they were recorded
 */
public record Stamp(String source, String path, String revision, String hash, List<String> secretPaths) {
    /** The top-level compose key the stamp lives under. */
    public static final String KEY = "x-truenas-gitops";

    public Stamp {
        secretPaths = secretPaths == null ? List.of() : List.copyOf(secretPaths);
    }

    /** A stamp that records no secret positions. */
    public Stamp(String source, String path, String revision, String hash) {
        this(source, path, revision, hash, List.of());
    }
}
