package io.truenasgitops.truenas;

import java.util.List;
import java.util.Locale;

/**
 * A pull of one image on the NAS ({@code app.image.pull}) failed in a way that fails the same way until someone
 * changes something: the registry has no such manifest (a tag or repository that does not exist, yet), it refused
 * the NAS's credentials (or has none for it), or Docker reported something else. The middleware raises it as
 * {@code CallError} "Failed to pull '<image>' image: <Docker's error>" ({@code plugins/apps_images/pull.py},
 * {@code plugins/apps/ix_apps/docker/images.py}); {@link #registryReason()} is Docker's (the registry's) part.
 * A rate-limited pull is {@link ImagePullRateLimitedException} instead (it passes later by itself).
 */
public final class ImagePullFailedException extends Rejected {

    /** What the registry said, as far as Docker's words tell it. */
    public enum Kind {
        /** The tag (or digest) is not in the repository: a typo, or an image not pushed yet. */
        MANIFEST_UNKNOWN,
        /** The registry wants credentials the NAS does not have, or refused them (or the repository does not exist). */
        UNAUTHORIZED,
        /** Anything else Docker said (a registry that cannot be reached, a bad reference, ...). */
        OTHER
    }

    private final String image;
    private final String registryReason;
    private final Kind kind;

    public ImagePullFailedException(String message, String image, String registryReason, Kind kind, Integer errno,
            String errname, Long jobId) {
        super(message, errno, errname, List.of(), jobId, null);
        this.image = image;
        this.registryReason = registryReason;
        this.kind = kind;
    }

    /** The image reference that was pulled, as the compose writes it. */
    public String image() {
        return image;
    }

    /** Docker's own words for the failure (the registry's reason where it sent one). */
    public String registryReason() {
        return registryReason;
    }

    /** What kind of refusal it was. */
    public Kind kind() {
        return kind;
    }

    /** The kind of a Docker pull error text (lower-cased matching; Docker's words are the only signal). */
    static Kind kindOf(String reason) {
        String m = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (m.contains("manifest unknown")) {
            return Kind.MANIFEST_UNKNOWN;
        }
        if (m.contains("unauthorized") || m.contains("denied") || m.contains("authentication required")) {
            return Kind.UNAUTHORIZED;
        }
        if (m.contains("not found")) {
            return Kind.MANIFEST_UNKNOWN;
        }
        return Kind.OTHER;
    }

    /** What a person does about each kind, for the message. */
    static String hint(Kind kind) {
        return switch (kind) {
            case MANIFEST_UNKNOWN -> "check that the tag exists in the registry (or push it), or fix the image in Git";
            case UNAUTHORIZED -> "the registry refused the NAS: save credentials for it on the NAS (Apps > Configuration"
                    + " > Manage Container Image Registries) or check the repository name";
            case OTHER -> "check the image reference and that the NAS can reach the registry";
        };
    }
}
