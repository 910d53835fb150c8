package io.truenasgitops.truenas;

import java.util.List;

/** A middleware job ended ABORTED (someone aborted it, e.g. in the TrueNAS UI); {@link #jobId()} names the job. */
public final class JobAbortedException extends JobEnded {
    public JobAbortedException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public JobAbortedException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public JobAbortedException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
