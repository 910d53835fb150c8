package io.truenasgitops.compose;

import java.util.List;
import java.util.Map;

/**
 * A stack's compose ready to send: interpolated, env files inlined, validated for TrueNAS and normalised, without
 * the stamp (add it with {@link Stamps#apply}).
 *
 * @param compose the canonical compose (sorted maps)
 * @param hash {@link ContentHash#of} the compose
 * @param masker hides the stack's secret values in anything shown to people
 * @param dataFolders the folders on the NAS its relative binds were rewritten to, to create when missing
 */
public record RenderedCompose(Map<String, Object> compose, String hash, SecretMasker masker,
        List<DataFolder> dataFolders) {

    public RenderedCompose {
        dataFolders = dataFolders == null ? List.of() : List.copyOf(dataFolders);
    }

    /** A compose with no data folders to create. */
    public RenderedCompose(Map<String, Object> compose, String hash, SecretMasker masker) {
        this(compose, hash, masker, List.of());
    }

    /** The compose with the stamp for {@code source}, {@code path} and {@code revision}, ready for app.create/update. */
    public Map<String, Object> stamped(String source, String path, String revision) {
        return Stamps.apply(compose, stamp(source, path, revision));
    }

    /** The stamp for this compose: its hash and where it holds secrets ({@link SecretPaths}). */
    public Stamp stamp(String source, String path, String revision) {
        return new Stamp(source, path, revision, hash, SecretPaths.of(compose, masker));
    }
}
