package io.truenasgitops.truenas;

import java.util.List;

/** ZFS could not unmount a dataset for a rollback: something (a running app) holds it open. */
public final class DatasetBusyException extends Rejected {
    public DatasetBusyException(String message, Throwable cause) {
        super(message, 16, "EBUSY", List.of(), null, cause);
    }
}
