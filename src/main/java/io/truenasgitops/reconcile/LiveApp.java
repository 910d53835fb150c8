package io.truenasgitops.reconcile;

import io.truenasgitops.git.SourceIdentity;
import io.truenasgitops.compose.ComposeNormalizer;
import io.truenasgitops.compose.ContentHash;
import io.truenasgitops.compose.Stamp;
import io.truenasgitops.compose.Stamps;
import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppState;
import java.util.Map;
import java.util.Optional;

/**
 * One app as observed on a target: the planner's live side, normalised with the same function as the
 * desired side so the hashes compare.
 *
 * @param target the configured NAS name
 * @param name the app name
 * @param state its state
 * @param customApp whether it is a custom (compose) app
 * @param config its normalised compose without our stamp (empty for apps without a stored compose)
 * @param hash the content hash of {@code config}
 * @param stamp our ownership stamp, when present
 * @param imageUpdatesAvailable whether TrueNAS reports newer images under the tags it runs (shown, never acted on)
 * @param errorReason why an app in {@code ERROR} is unusable (27.0's {@code error_reason}), or null
 */
public record LiveApp(
        String target, String name, AppState state, boolean customApp, Map<String, Object> config, String hash,
        Optional<Stamp> stamp, boolean imageUpdatesAvailable, String errorReason) {

    /** Normalises an {@code app.query} entry (queried with {@code retrieve_config}). */
    public static LiveApp observe(String target, App app) {
        Map<String, Object> raw = app.config() == null ? Map.of() : app.config();
        Map<String, Object> normalised = ComposeNormalizer.normalize(Stamps.strip(raw));
        return new LiveApp(
                target,
                app.name(),
                app.state() == null ? AppState.UNKNOWN : app.state(),
                app.customApp(),
                normalised,
                ContentHash.of(normalised),
                Stamps.read(raw),
                app.imageUpdatesAvailable(),
                app.errorReason());
    }

    /**
     * Whether the app carries our stamp from {@code sourceUrl}, however either is spelled ({@link SourceIdentity}:
     * a stamp written with an older spelling, such as {@code file:///repo/} for {@code /repo}, still counts).
     */
    public boolean ownedBy(String sourceUrl) {
        return stamp.isPresent() && SourceIdentity.same(sourceUrl, stamp.get().source());
    }
}
