package io.truenasgitops.truenas;

import java.util.List;

/** The middleware rate-limited unauthenticated calls or logins from this address (EBUSY "Rate Limit Exceeded": 20 per method per 60 s): wait a minute before trying again. */
public final class RateLimitedException extends Unreachable {
    public RateLimitedException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public RateLimitedException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public RateLimitedException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
