package io.truenasgitops.truenas;

import java.util.List;

/**
 * Base of every error the TrueNAS client raises: a failed call, a failed job, or a transport problem.
 *
 * <p>Carries the middleware's {@code errno}/{@code errname} where there is one, the field errors of a
 * validation failure, and the job id when the error came out of a job. Subclasses name the decision a
 * caller has to make (retry, fix the input, fix the credentials), not the wire shape it came from.
 * Messages never contain credentials.
 */
public class TrueNasException extends RuntimeException {

    private final Integer errno;
    private final String errname;
    private final List<FieldError> fieldErrors;
    private final Long jobId;

    public TrueNasException(String message) {
        this(message, null, null, List.of(), null, null);
    }

    public TrueNasException(String message, Throwable cause) {
        this(message, null, null, List.of(), null, cause);
    }

    public TrueNasException(
            String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, cause);
        this.errno = errno;
        this.errname = errname;
        this.fieldErrors = fieldErrors == null ? List.of() : List.copyOf(fieldErrors);
        this.jobId = jobId;
    }

    /** The middleware's errno (e.g. 2 ENOENT, 17 EEXIST, 22 EINVAL), or null when there was none. */
    public Integer errno() {
        return errno;
    }

    /** The middleware's error name (e.g. {@code EEXIST}, {@code ENOTAUTHENTICATED}), or null. */
    public String errname() {
        return errname;
    }

    /** The per-field problems of a validation failure, in the server's order; empty otherwise. */
    public List<FieldError> fieldErrors() {
        return fieldErrors;
    }

    /** The id of the middleware job this error came out of, or null for a plain call. */
    public Long jobId() {
        return jobId;
    }

    /**
     * Whether trying the same thing again later may succeed without anyone changing anything
     * (connection lost, timeout, too many calls, rate limit). Overridden by the transient subclasses.
     */
    public boolean isRetryable() {
        return false;
    }

    /** Whether the NAS could not be reached or refused the credentials (CLI exit code 3). */
    public boolean isConnectionOrAuthProblem() {
        return false;
    }
}
