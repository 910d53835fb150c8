package io.truenasgitops.truenas;

import java.util.List;

/** The connection settings cannot work (bad URL, a protocol that contradicts the URL, unreadable CA file, bad fingerprint); nothing was attempted. */
public final class InvalidSettingsException extends BadSettings {
    public InvalidSettingsException(String message) {
        super(message, null, null, List.of(), null, null);
    }

    public InvalidSettingsException(String message, Throwable cause) {
        super(message, null, null, List.of(), null, cause);
    }

    public InvalidSettingsException(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId, Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
