package io.truenasgitops.truenas;

import java.util.List;

/**
 * The connection to the middleware dropped (or could not be made) before an answer arrived.
 *
 * <p>For a call this means the outcome is unknown; a running job goes on on the NAS and is looked up
 * again after reconnecting.
 */
public final class ConnectionLostException extends Unreachable {
    public ConnectionLostException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public ConnectionLostException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public ConnectionLostException(
            String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
