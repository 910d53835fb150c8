package io.truenasgitops.truenas;

import java.util.List;

/** The end of an awaited job cannot be learned any more: after a reconnect the middleware no longer knows the job id, or the id now names another job (job ids restart at 1 when the middleware restarts). Check the app's state before retrying. */
public final class JobOutcomeUnknownException extends TransientFailure {
    public JobOutcomeUnknownException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public JobOutcomeUnknownException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public JobOutcomeUnknownException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
