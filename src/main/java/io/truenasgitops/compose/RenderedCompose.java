package io.truenasgitops.compose;

import java.util.Map;

/**
 * A stack's compose ready to send: interpolated, env files inlined, validated for TrueNAS and normalised, without
 * the stamp (add it with {@link Stamps#apply}).
 *
 * @param compose the canonical compose (sorted maps)
 * @param hash {@link ContentHash#of} the compose
 * @param masker hides the stack's secret values in anything shown to people
 */
public record RenderedCompose(Map<String, Object> compose, String hash, SecretMasker masker) {

    /** The compose with the stamp for {@code source}, {@code path} and {@code revision}, ready for app.create/update. */
    public Map<String, Object> stamped(String source, String path, String revision) {
        return Stamps.apply(compose, stamp(source, path, revision));
    }

    /** The stamp for this compose: its hash and where it holds secrets ({@link SecretPaths}). */
    public Stamp stamp(String source, String path, String revision) {
        return new Stamp(source, path, revision, hash, SecretPaths.of(compose, masker));
    }
}
