package io.truenasgitops.truenas;

import java.util.List;

/**
 * A job failed because Docker refused an image reference of the compose ({@code invalid reference format},
 * {@code manifest unknown}, an upper-case repository name): the middleware reports it as {@code EFAULT} with
 * Docker's words, the only thing that tells it from the other job failures. It fails the same way until the
 * compose changes, so it is not worth retrying.
 */
public final class ImageRejectedException extends Rejected {

    /** What Docker says, lower case. */
    static final List<String> REASONS = List.of("invalid reference format", "manifest unknown",
            "repository name must be lowercase", "invalid reference");

    public ImageRejectedException(String message, Integer errno, String errname, List<FieldError> fieldErrors,
            Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }

    /** Whether a middleware error text is this one. */
    public static boolean matches(String reason) {
        String m = reason == null ? "" : reason.toLowerCase(java.util.Locale.ROOT);
        return REASONS.stream().anyMatch(m::contains);
    }
}
