package io.truenasgitops.truenas;

import java.util.List;

/**
 * The NAS refused because its apps service (Docker) cannot run apps now: {@code docker.state.validate} raises
 * {@code CallError(EFAULT)} "Docker service is not running" or "No pool configured for Docker" (from
 * {@code app.create} and the other app jobs). Not the request's fault: it passes once the service runs.
 */
public final class AppsServiceDownException extends TransientFailure {

    /** What the middleware says, the only thing that tells this EFAULT from the others. */
    static final List<String> REASONS = List.of("Docker service is not running", "No pool configured for Docker");

    public AppsServiceDownException(String message, Integer errno, String errname, List<FieldError> fieldErrors,
            Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }

    /** Whether a middleware error text is this one. */
    public static boolean matches(String reason) {
        return reason != null && REASONS.stream().anyMatch(reason::contains);
    }
}
