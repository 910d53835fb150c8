package io.truenasgitops.truenas;

import java.util.List;

/** Category: the NAS could not do it now (busy, slow, apps service down, job lost from view); the same call may pass later without anyone changing anything. */
public abstract sealed class TransientFailure extends TrueNasException permits CallTimeoutException, TooManyCallsException, AppsServiceDownException, JobOutcomeUnknownException,
        ImagePullRateLimitedException {

    protected TransientFailure(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId,
            Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
