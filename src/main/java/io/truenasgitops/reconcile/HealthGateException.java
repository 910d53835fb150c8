package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.AppState;

/** The app did not become (and stay) healthy after an apply: crashed, stopped, vanished or timed out. */
public final class HealthGateException extends RuntimeException {
    private final String reasonCode;
    private final AppState lastState;

    public HealthGateException(String reasonCode, String message, AppState lastState) {
        super(message);
        this.reasonCode = reasonCode;
        this.lastState = lastState;
    }

    public String reasonCode() {
        return reasonCode;
    }

    public AppState lastState() {
        return lastState;
    }
}
