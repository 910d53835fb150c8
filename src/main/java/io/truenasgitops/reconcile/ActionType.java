package io.truenasgitops.reconcile;

/** What the plan does with one stack (or one orphaned app). */
public enum ActionType {
    /** Create the app: it is in Git but not on the NAS. */
    CREATE,
    /** Send the whole compose again: its normalised hash differs from what is live. */
    UPDATE,
    /** Delete the app: its folder is gone, it carries our stamp and pruning is allowed. */
    DELETE,
    /** Start the app (down + up of the whole project). */
    START,
    /** Stop the app (compose down; volumes kept). */
    STOP,
    /** Nothing to send; drift, if any, is only reported. */
    UNCHANGED,
    /** Nothing is sent because something stops us; the reason says what. */
    BLOCKED;

    /** Whether executing this action writes to the NAS. */
    public boolean writes() {
        return this == CREATE || this == UPDATE || this == DELETE || this == START || this == STOP;
    }

    /** The middleware method this action calls, for job metrics. */
    public String method() {
        return switch (this) {
            case CREATE -> "app.create";
            case UPDATE -> "app.update";
            case DELETE -> "app.delete";
            case START -> "app.start";
            case STOP -> "app.stop";
            default -> "none";
        };
    }
}
