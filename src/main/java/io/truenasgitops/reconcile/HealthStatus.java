package io.truenasgitops.reconcile;

import io.truenasgitops.stacks.StackSettings.DesiredState;
import io.truenasgitops.truenas.AppState;
import java.util.Locale;

/**
 * Health of a stack's app, ordered from best to worst: {@link #isWorseThan} compares by this order.
 * STOPPED means stopped on purpose ({@code state: stopped} in stack.yaml); SUSPENDED means the stack is suspended
 * ({@code suspend: true}, or at runtime): nothing is applied to it, whatever its app does.
 */
public enum HealthStatus {
    HEALTHY,
    STOPPED,
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
        return this == HEALTHY || this == STOPPED || this == SUSPENDED;
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
            case STOPPED -> desired == DesiredState.STOPPED ? HealthStatus.STOPPED : DEGRADED;
            case UNKNOWN -> UNKNOWN;
        };
    }
}
