package io.truenasgitops.images;

/** Listing an image's tags failed; the message names the registry, the repository and what to do. */
public final class RegistryException extends Exception {

    /** Why, for the caller to decide (an image update is skipped for any of them; the others go on). */
    public enum Kind {
        /** No answer, a TLS failure or a time-out. */
        UNREACHABLE,
        /** The registry wants credentials, or refused the ones given. */
        UNAUTHORIZED,
        /** The repository does not exist (or is private and the credentials do not reach it). */
        NOT_FOUND,
        /** Too many requests (Docker Hub's anonymous limit). */
        RATE_LIMITED,
        /** An answer that is not the Registry HTTP API's. */
        BAD_ANSWER
    }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
