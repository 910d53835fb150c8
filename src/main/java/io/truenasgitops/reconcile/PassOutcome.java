package io.truenasgitops.reconcile;

import java.util.Locale;

/** How a whole pass ended: the {@code reconcile_total{result}} label, the CLI's and REST's result. */
public enum PassOutcome {
    /** Something was written, and nothing failed. */
    SUCCESS,
    /** Nothing needed writing. */
    NO_CHANGE,
    /** An action failed, the source could not be read, or a NAS could not run apps. */
    FAILURE,
    /** A dry run: nothing written on purpose. */
    DRY_RUN;

    /** The lower-case word of metrics labels and JSON ({@code no_change}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The outcome a label names ({@code failure}), as a daemon's REST answer carries it; empty for another word. */
    public static java.util.Optional<PassOutcome> fromLabel(String label) {
        for (PassOutcome o : values()) {
            if (o.label().equals(label)) {
                return java.util.Optional.of(o);
            }
        }
        return java.util.Optional.empty();
    }
}
