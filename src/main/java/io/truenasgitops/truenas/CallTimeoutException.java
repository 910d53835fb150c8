package io.truenasgitops.truenas;

import java.util.List;

/** No answer to a call (or no end of a job) came within the configured timeout. The outcome is unknown: a job goes on running on the NAS. */
public final class CallTimeoutException extends TransientFailure {
    public CallTimeoutException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public CallTimeoutException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public CallTimeoutException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
