package io.truenasgitops.reconcile;

import io.truenasgitops.stacks.StackSettings.DesiredState;
import io.truenasgitops.truenas.AppState;
import java.util.Locale;

/**
 * Health of a stack's app, ordered from best to worst: {@link #isWorseThan} compares by this order.
 * SUSPENDED means stopped on purpose (state: stopped, or the stack is suspended).
 */
public enum HealthStatus {
    HEALTHY,
    SUSPENDED,
    PROGRESSING,
    MISSING,
    DEGRADED,
    UNKNOWN;

    public boolean isWorseThan(HealthStatus other) {
        return ordinal() > other.ordinal();
    }

    /** Whether a stack in this health may count as Ready. */
    public boolean isGood() {
        return this == HEALTHY || this == SUSPENDED;
    }

    /** The metric label value. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Health of an app in {@code state} (null = absent) that should be in {@code desired}. Pure. */
    public static HealthStatus assess(AppState state, DesiredState desired) {
        if (state == null) {
            return MISSING;
        }
        return switch (state) {
            case RUNNING -> HEALTHY;
            case DEPLOYING, STOPPING -> PROGRESSING;
            case CRASHED, ERROR -> DEGRADED;
            case STOPPED -> desired == DesiredState.STOPPED ? SUSPENDED : DEGRADED;
            case UNKNOWN -> UNKNOWN;
        };
    }
}
