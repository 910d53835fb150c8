package io.truenasgitops.truenas;

import java.util.List;
import java.util.Locale;

/**
 * A pull of one image on the NAS ({@code app.image.pull}) was refused because the registry rate-limits the NAS
 * (Docker Hub's {@code toomanyrequests}): nothing is wrong with the request and the same pull passes once the
 * registry's window has passed, so it is retried. The other pull failures are {@link ImagePullFailedException}.
 */
public final class ImagePullRateLimitedException extends TransientFailure {

    private final String image;
    private final String registryReason;

    public ImagePullRateLimitedException(String message, String image, String registryReason, Integer errno,
            String errname, Long jobId) {
        super(message, errno, errname, List.of(), jobId, null);
        this.image = image;
        this.registryReason = registryReason;
    }

    /** The image reference that was pulled, as the compose writes it. */
    public String image() {
        return image;
    }

    /** Docker's own words for the failure (the registry's reason). */
    public String registryReason() {
        return registryReason;
    }

    /** Whether a Docker pull error text is a registry's rate limit. */
    static boolean matches(String reason) {
        String m = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        return m.contains("toomanyrequests") || m.contains("rate limit") || m.contains("too many requests");
    }
}
