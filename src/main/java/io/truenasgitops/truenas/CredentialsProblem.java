package io.truenasgitops.truenas;

import java.util.List;

/** Category: the NAS did not accept who we are (API key, session, role, TLS certificate); retrying does not help until someone fixes the credentials or the trust. */
public abstract sealed class CredentialsProblem extends TrueNasException permits AuthenticationException, NotAuthenticatedException, NotAuthorizedException, TlsTrustException {

    protected CredentialsProblem(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId,
            Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
