package io.truenasgitops.truenas;

import java.util.List;

/** The thing asked for does not exist (ENOENT), e.g. "App foo does not exist". On JSON-RPC the ENOENT hides in the {@code -32602} error's {@code extra[0][2]}. */
public final class NotFoundException extends Rejected {
    public NotFoundException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public NotFoundException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
