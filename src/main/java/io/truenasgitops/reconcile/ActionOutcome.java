package io.truenasgitops.reconcile;

import java.util.Locale;

/** What became of one action in a pass, as every surface reports it (CLI, REST, metrics label). */
public enum ActionOutcome {
    /** Written and healthy (or stopped on purpose). */
    APPLIED,
    /** Nothing to write. */
    UNCHANGED,
    /** Held back by the planner (suspended, invalid, not ours, stalled, backoff, ...). */
    BLOCKED,
    /** Failed in a way that needs a change or a person (tried again only slowly, if at all). */
    STALLED,
    /** Failed transiently: tried again on the backoff. */
    RETRY,
    /** Waits for something else (a dependency). */
    WAITING,
    /** The orphaned app was deleted. */
    DELETED,
    /** A dry run: what would be done. */
    PLANNED;

    /** The lower-case word of metrics labels, JSON and tables. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a sync that ended so did not get the stack where Git wants it (sync's exit code 1). */
    public boolean leftUndone() {
        return failed() || this == BLOCKED || this == WAITING;
    }

    /** The outcome a label names ({@code stalled}), as a daemon's REST answer carries it; empty for another word. */
    public static java.util.Optional<ActionOutcome> fromLabel(String label) {
        for (ActionOutcome o : values()) {
            if (o.label().equals(label)) {
                return java.util.Optional.of(o);
            }
        }
        return java.util.Optional.empty();
    }

    /** Whether this outcome means the action failed (stalled, or to be retried). */
    public boolean failed() {
        return this == STALLED || this == RETRY;
    }
}
