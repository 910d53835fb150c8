package io.truenasgitops.truenas;

import java.util.List;

/** A middleware job ended FAILED with an error that has no more specific type; {@link #jobId()} names the job. */
public final class JobFailedException extends JobEnded {
    public JobFailedException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public JobFailedException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public JobFailedException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
