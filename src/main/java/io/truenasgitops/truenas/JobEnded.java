package io.truenasgitops.truenas;

import java.util.List;

/** Category: a job the NAS accepted ended without success (failed or aborted); its error says what the NAS reported. */
public abstract sealed class JobEnded extends TrueNasException permits JobFailedException, JobAbortedException {

    protected JobEnded(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId,
            Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
