package io.truenasgitops.truenas;

import java.util.List;

/** Refused before sending: the request frame is larger than the 64 KiB the middleware accepts from an authenticated session (it would close the connection). */
public final class FrameTooLargeException extends Rejected {
    public FrameTooLargeException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public FrameTooLargeException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public FrameTooLargeException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
