package io.truenasgitops.truenas;

import java.util.List;

/**
 * Base of every error the TrueNAS client raises: a failed call, a failed job, or a transport problem.
 *
 * <p>Carries the middleware's {@code errno}/{@code errname} where there is one, the field errors of a
 * validation failure, and the job id when the error came out of a job. Every subclass sits under one sealed
 * category that names the decision a caller has to make, not the wire shape it came from:
 * {@link TransientFailure} and {@link Unreachable} (retry later), {@link CredentialsProblem} (fix the
 * credentials or trust), {@link Rejected} (fix the request), {@link BadSettings} (fix this side's settings),
 * {@link JobEnded} (a job failed or was aborted). A plain {@code TrueNasException} is an error the client could
 * not classify. Messages never contain credentials.
 */
public sealed class TrueNasException extends RuntimeException
        permits TransientFailure, Unreachable, CredentialsProblem, Rejected, BadSettings, JobEnded {

    private final Integer errno;
    private final String errname;
    private final List<FieldError> fieldErrors;
    private final Long jobId;
    private String jobLogs;

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

    /**
     * What a failed job's log says ({@code logs_excerpt}: its first and last 10 lines; 26.0+ puts the
     * containers' output of a failed {@code app.create} there), or null. Not part of the message: the engine
     * masks the stack's secrets in it before showing it.
     */
    public String jobLogs() {
        return jobLogs;
    }

    /** Attaches a failed job's log excerpt (blank: none); returns this. */
    TrueNasException withJobLogs(String logs) {
        this.jobLogs = logs == null || logs.isBlank() ? null : logs.strip();
        return this;
    }

    /** The id of the middleware job this error came out of, or null for a plain call. */
    public Long jobId() {
        return jobId;
    }

    /**
     * Whether trying the same thing again later may succeed without anyone changing anything
     * (connection lost, timeout, too many calls, rate limit): the {@link TransientFailure} and
     * {@link Unreachable} categories.
     */
    public final boolean isRetryable() {
        return this instanceof TransientFailure || this instanceof Unreachable;
    }

    /**
     * Whether the NAS could not be reached or refused the credentials (CLI exit code 3): the {@link Unreachable}
     * and {@link CredentialsProblem} categories.
     */
    public final boolean isConnectionOrAuthProblem() {
        return this instanceof Unreachable || this instanceof CredentialsProblem;
    }
}
