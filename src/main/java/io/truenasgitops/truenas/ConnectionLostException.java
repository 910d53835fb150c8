package io.truenasgitops.truenas;

/**
 * The connection to the middleware dropped (or could not be made) before an answer arrived.
 *
 * <p>For a call this means the outcome is unknown; a running job goes on on the NAS and is looked up
 * again after reconnecting.
 */
public class ConnectionLostException extends TrueNasException {
    public ConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }

    @Override
    public boolean isConnectionOrAuthProblem() {
        return true;
    }
}
