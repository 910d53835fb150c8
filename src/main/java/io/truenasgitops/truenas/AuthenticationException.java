package io.truenasgitops.truenas;

import java.util.List;

/**
 * Logging in failed; {@link #reason()} says how, the message says what to do about it.
 */
public final class AuthenticationException extends CredentialsProblem {

    /** How a login failed. */
    public enum Reason {
        /** Wrong credentials or unknown user ({@code AUTH_ERR}, or {@code false} from a legacy login). */
        AUTH_ERR,
        /** The credential expired or the API key was revoked ({@code EXPIRED}). */
        EXPIRED,
        /** The password was accepted but a one-time password is needed and none was given. */
        OTP_REQUIRED,
        /** The NAS points elsewhere ({@code REDIRECT}, an HA standby controller). */
        REDIRECT,
        /** The user may not use the API ({@code DENIED}, 26.0+). */
        DENIED,
        /**
         * The API key mechanism is not possible: the NAS does not offer the one configured, or AUTO will not fall
         * back to API_KEY_PLAIN on a NAS that offered SCRAM before.
         */
        MECHANISM,
        /** The API key's owner is needed ({@code login_ex}, SCRAM) and was neither configured nor found. */
        USERNAME_NEEDED,
        /** SCRAM's mutual authentication failed: the server's signature does not prove it holds the key. */
        SERVER_NOT_AUTHENTIC,
        /** The server answered with something this client does not understand. */
        OTHER
    }

    private final Reason reason;

    public AuthenticationException(Reason reason, String message) {
        this(reason, message, null, null);
    }

    public AuthenticationException(Reason reason, String message, Integer errno, String errname) {
        super(message, errno, errname, List.of(), null, null);
        this.reason = reason;
    }

    /** How the login failed. */
    public Reason reason() {
        return reason;
    }
}
