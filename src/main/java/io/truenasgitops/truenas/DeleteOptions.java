package io.truenasgitops.truenas;

/**
 * Options of {@code app.delete}. Note that delete always removes the project's named volumes
 * ({@code compose down -v}), whatever these say.
 */
public record DeleteOptions(
        boolean removeImages, boolean removeIxVolumes, boolean forceRemoveIxVolumes, boolean forceRemoveCustomApp) {

    /** The middleware's defaults: images removed, ix-volumes kept. */
    public static DeleteOptions defaults() {
        return new DeleteOptions(true, false, false, false);
    }
}
