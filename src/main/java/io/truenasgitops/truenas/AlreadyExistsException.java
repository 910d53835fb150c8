package io.truenasgitops.truenas;

import java.util.List;

/** The thing to create already exists (EEXIST, errno 17), e.g. {@code app.create} of an existing app name. */
public final class AlreadyExistsException extends Rejected {
    public AlreadyExistsException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public AlreadyExistsException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public AlreadyExistsException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
