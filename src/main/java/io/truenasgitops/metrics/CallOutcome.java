package io.truenasgitops.metrics;

import io.truenasgitops.truenas.AlreadyExistsException;
import io.truenasgitops.truenas.AuthenticationException;
import io.truenasgitops.truenas.CallTimeoutException;
import io.truenasgitops.truenas.ConnectionLostException;
import io.truenasgitops.truenas.JobAbortedException;
import io.truenasgitops.truenas.JobFailedException;
import io.truenasgitops.truenas.NotAuthenticatedException;
import io.truenasgitops.truenas.NotAuthorizedException;
import io.truenasgitops.truenas.NotFoundException;
import io.truenasgitops.truenas.RateLimitedException;
import io.truenasgitops.truenas.TlsTrustException;
import io.truenasgitops.truenas.TooManyCallsException;
import io.truenasgitops.truenas.ValidationException;

/**
 * The {@code outcome} label of {@code api_calls_total}: a small fixed vocabulary derived from the error's type,
 * never from its text.
 */
public final class CallOutcome {

    public static final String OK = "ok";
    public static final String AUTH_ERROR = "auth_error";
    public static final String CONNECTION_ERROR = "connection_error";
    public static final String TIMEOUT = "timeout";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String VALIDATION_ERROR = "validation_error";
    public static final String NOT_FOUND = "not_found";
    public static final String CONFLICT = "conflict";
    public static final String JOB_FAILED = "job_failed";
    public static final String JOB_ABORTED = "job_aborted";
    public static final String ERROR = "error";

    private CallOutcome() {}

    /** The outcome of a call that threw {@code error} (null: it succeeded). */
    public static String of(Throwable error) {
        if (error == null) {
            return OK;
        }
        if (error instanceof AuthenticationException || error instanceof NotAuthenticatedException
                || error instanceof NotAuthorizedException) {
            return AUTH_ERROR;
        }
        if (error instanceof CallTimeoutException) {
            return TIMEOUT;
        }
        if (error instanceof ConnectionLostException || error instanceof TlsTrustException) {
            return CONNECTION_ERROR;
        }
        if (error instanceof RateLimitedException || error instanceof TooManyCallsException) {
            return RATE_LIMITED;
        }
        if (error instanceof ValidationException) {
            return VALIDATION_ERROR;
        }
        if (error instanceof NotFoundException) {
            return NOT_FOUND;
        }
        if (error instanceof AlreadyExistsException) {
            return CONFLICT;
        }
        if (error instanceof JobAbortedException) {
            return JOB_ABORTED;
        }
        if (error instanceof JobFailedException) {
            return JOB_FAILED;
        }
        return ERROR;
    }
}
