package io.truenasgitops.reconcile;

import java.util.Locale;

/**
 * What the daemon's passes may do, daemon-wide: {@link #SYNC} applies, {@link #REPORT} (observe only) plans,
 * reports drift, metrics and notifications, and never writes to a NAS. Switched at runtime through the REST API
 * ({@code PUT /api/v1/mode}) or {@code truenas-gitops mode}; {@code truenas-gitops.reconcile.mode} sets it at start.
 */
public enum Mode {
    /** Passes apply what Git says (the default). */
    SYNC,
    /** Passes only plan and report: every write is held back and said as "would ...". */
    REPORT;

    /** The lower-case name used in config, the API and the CLI. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code sync} or {@code report} (any case); says what is allowed otherwise. */
    public static Mode parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "sync" -> SYNC;
            case "report" -> REPORT;
            default -> throw new IllegalArgumentException("unknown mode '" + value
                    + "': use sync (apply what Git says) or report (observe only: plan and report, never write)");
        };
    }
}
