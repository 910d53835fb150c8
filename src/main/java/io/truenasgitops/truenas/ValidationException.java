package io.truenasgitops.truenas;

import java.util.List;

/** The middleware rejected the input: {@link #fieldErrors()} lists each {@code [attribute, message, errno]} triple (a {@code -32602} error, a legacy {@code VALIDATION} error, or a job whose {@code exc_info.type} is {@code VALIDATION}). Fix the input; retrying unchanged fails again. */
public final class ValidationException extends Rejected {
    public ValidationException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public ValidationException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public ValidationException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
