package io.truenasgitops.reconcile;

import java.util.Locale;

/** How the NAS differs from what truenas-gitops last applied (metric label {@code kind}). */
public enum DriftKind {
    /** The live compose differs from the one we stamped (e.g. edited in the TrueNAS UI). */
    CONFIG,
    /** Stopped or crashed while it should run, or running while it should be stopped. */
    STATE,
    /** In Git, not on the NAS. */
    MISSING,
    /** Stamped by us, its folder is gone, and it was not pruned. */
    ORPHAN;

    /** The metric label value ({@code config}, {@code state}, ...). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
