package io.truenasgitops.truenas;

/**
 * The state of an app as {@code app.query} reports it. {@code STOPPING} appears only in events emitted
 * by {@code app.stop}; {@code ERROR} only on newer middleware (mapped to CRASHED for older API versions).
 */
public enum AppState {
    RUNNING,
    DEPLOYING,
    CRASHED,
    STOPPED,
    STOPPING,
    ERROR,
    /** A state this client does not know (a newer middleware). */
    UNKNOWN;

    /** Parses the wire value, mapping anything unexpected to {@link #UNKNOWN}. */
    public static AppState fromWire(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(value);
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
