package io.truenasgitops.truenas;

import java.util.List;

/** The logged-in user lacks the role the method needs (EACCES, 13), e.g. an API key whose user has no APPS_WRITE role. */
public final class NotAuthorizedException extends CredentialsProblem {
    public NotAuthorizedException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public NotAuthorizedException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public NotAuthorizedException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
