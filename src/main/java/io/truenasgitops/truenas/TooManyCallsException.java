package io.truenasgitops.truenas;

import java.util.List;

/** More calls were in flight on one connection than the middleware allows (20; {@code -32000} / ETOOMANYREFS). The client keeps at most 8 in flight, so this means another client shares the session or the limit changed. */
public final class TooManyCallsException extends TransientFailure {
    public TooManyCallsException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public TooManyCallsException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public TooManyCallsException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
