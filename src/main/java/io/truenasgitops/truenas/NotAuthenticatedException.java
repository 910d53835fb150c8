package io.truenasgitops.truenas;

import java.util.List;

/** The session is not (or no longer) logged in (ENOTAUTHENTICATED, 207): the client logs in again after reconnecting. */
public final class NotAuthenticatedException extends CredentialsProblem {
    public NotAuthenticatedException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public NotAuthenticatedException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public NotAuthenticatedException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
