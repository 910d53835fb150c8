package io.truenasgitops.truenas;

import java.util.List;

/** Refused before connecting: an API key would travel in clear text ({@code ws://}) to a host that is not loopback. TrueNAS 25.04+ revokes a key used that way, so the client never sends it. */
public final class InsecureTransportException extends BadSettings {
    public InsecureTransportException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public InsecureTransportException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public InsecureTransportException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
