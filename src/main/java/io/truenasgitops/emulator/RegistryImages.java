package io.truenasgitops.emulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The images the registries have, as the emulated NAS's {@code app.image.pull} ({@link AppImages}) finds them. The
 * emulator reaches no registry: every image exists unless a test (the control API) says otherwise with
 * {@link #markMissing} or {@link #failPulls}, so apps, tests and the demo that never mention it pull everything.
 * References are compared as the NAS normalises them ({@code nginx} is {@code registry-1.docker.io/library/nginx:latest}).
 * Thread-safe.
 */
public final class RegistryImages {

    /** How a registry refuses a pull, each with the words Docker uses for it. */
    public enum PullFailure {
        /** The tag is not in the repository: Docker's {@code manifest unknown}. */
        MANIFEST_UNKNOWN,
        /** The registry wants credentials the NAS does not have: {@code unauthorized: authentication required}. */
        UNAUTHORIZED,
        /** Docker Hub's pull rate limit: {@code toomanyrequests}. */
        RATE_LIMITED
    }

    private final Map<String, PullFailure> failing = new ConcurrentHashMap<>();

    RegistryImages() {}

    /** The registry has no image under this reference (a tag never pushed): pulls fail with {@code manifest unknown}. */
    public void markMissing(String reference) {
        failPulls(reference, PullFailure.MANIFEST_UNKNOWN);
    }

    /** Every pull of this reference fails as {@code how} says, until {@link #markPresent} or {@link #clear}. */
    public void failPulls(String reference, PullFailure how) {
        failing.put(ImageUpdates.completeTag(reference), how);
    }

    /** The image exists again (pushed, or the credentials were saved): pulls of it succeed. */
    public void markPresent(String reference) {
        failing.remove(ImageUpdates.completeTag(reference));
    }

    /** Every image exists again. */
    public void clear() {
        failing.clear();
    }

    /** The references whose pulls fail, normalised, with how. */
    public Map<String, PullFailure> failing() {
        return new TreeMap<>(failing);
    }

    /**
     * The text of docker-py's {@code APIError} that a pull of {@code reference} raises, or null when the image
     * exists. Shaped as {@code str(APIError)} is: status, the engine's URL, the reason, the engine's message.
     */
    String pullError(String reference) {
        PullFailure how = failing.get(ImageUpdates.completeTag(reference));
        if (how == null) {
            return null;
        }
        String complete = ImageUpdates.completeTag(reference);
        int slash = complete.indexOf('/');
        String registry = complete.substring(0, slash);
        String repoTag = complete.substring(slash + 1);
        int colon = repoTag.lastIndexOf(':');
        String repo = repoTag.substring(0, colon);
        String tag = repoTag.substring(colon + 1);
        String url = "http+docker://localhost/v1.47/images/create?tag=" + tag + "&fromImage=" + repo;
        return switch (how) {
            case MANIFEST_UNKNOWN -> "404 Client Error for " + url + ": Not Found (\"manifest for " + reference
                    + " not found: manifest unknown: manifest unknown\")";
            case UNAUTHORIZED -> "500 Server Error for " + url + ": Internal Server Error (\"Head \"https://"
                    + registry + "/v2/" + repo + "/manifests/" + tag + "\": unauthorized: authentication required\")";
            case RATE_LIMITED -> "500 Server Error for " + url + ": Internal Server Error (\"toomanyrequests: You have"
                    + " reached your pull rate limit. You may increase the limit by authenticating and upgrading:"
                    + " https://www.docker.com/increase-rate-limit\")";
        };
    }
}
