package io.truenasgitops.truenas;

import java.util.List;

/** The NAS's TLS certificate was not trusted: default verification failed (self-signed?), the CA file does not sign it, or it does not match the pinned SHA-256 fingerprint. */
public final class TlsTrustException extends CredentialsProblem {
    public TlsTrustException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public TlsTrustException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public TlsTrustException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
