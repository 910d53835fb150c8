package io.truenasgitops.truenas;

import java.util.List;

/** Category: this side's connection settings are unusable (missing URL, key over plain HTTP); nothing was sent, fix the settings. */
public abstract sealed class BadSettings extends TrueNasException permits InvalidSettingsException, InsecureTransportException {

    protected BadSettings(String message, Integer errno, String errname, List<FieldError> fieldErrors, Long jobId,
            Throwable cause) {
        super(message, errno, errname, fieldErrors, jobId, cause);
    }
}
