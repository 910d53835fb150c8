package io.truenasgitops.reconcile;

/** A rollback that cannot be done as asked (nothing was changed): the message says why and what to do. */
public class RollbackRefusedException extends RuntimeException {
    public RollbackRefusedException(String message) {
        super(message);
    }
}
