package io.truenasgitops.git;

/**
 * A failed fetch or checkout of a {@link GitSource}. The message says what failed and where (URL without
 * credentials, ref, path) and what to do; it never contains a token, password or key.
 */
public class GitSourceException extends RuntimeException {

    /** What went wrong, chosen so a caller can decide between retrying and waiting for a human. */
    public enum Kind {
        /** The server refused the credentials, or wanted some and none were configured. */
        AUTH(false),
        /** The SSH host key is not in the known_hosts file, or differs from the one recorded there. */
        HOST_KEY(false),
        /** The HTTPS server's certificate was not trusted. */
        TLS(false),
        /** The repository does not exist at that URL (or the credentials may not see it). */
        NOT_FOUND(false),
        /** The branch, tag or commit does not exist in the repository, or is ambiguous. */
        BAD_REF(false),
        /** The configured subpath does not exist in the revision, or is not a directory. */
        PATH_NOT_FOUND(false),
        /** The settings are unusable: a subpath escaping the repository, a missing token or key file, ... */
        CONFIG(false),
        /** The host could not be reached, or the connection broke. */
        NETWORK(true),
        /** A network operation did not finish within the configured timeout. */
        TIMEOUT(true),
        /** The local copy in the state directory was corrupt and could not be repaired by re-cloning. */
        CORRUPT(true),
        /** Reading or writing the state directory failed (disk full, permissions). */
        IO(true);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        /** Whether trying again later, without anyone changing anything, may succeed. */
        public boolean isRetryable() {
            return retryable;
        }
    }

    private final Kind kind;

    public GitSourceException(Kind kind, String message) {
        this(kind, message, null);
    }

    public GitSourceException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /**
     * Whether trying the same fetch again later may succeed without anyone changing anything (network down,
     * timeout); false when a human has to act (credentials, host key, missing ref or path).
     */
    public boolean isRetryable() {
        return kind.isRetryable();
    }
}
