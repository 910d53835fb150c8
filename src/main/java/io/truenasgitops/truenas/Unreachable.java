package io.truenasgitops.truenas;

import java.util.List;

/** Category: the NAS cannot be talked to now (connection refused or lost, logins rate-limited); retrying later may pass, and the fix may be on the network or the address. */
public abstract sealed class Unreachable extends TrueNasException permits ConnectionLostException, RateLimitedException {

    protected Unreachable(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId,
            Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
