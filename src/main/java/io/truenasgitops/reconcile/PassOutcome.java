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
}
