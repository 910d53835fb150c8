package io.truenasgitops.reconcile;

import java.time.Instant;

/**
 * One status condition of a stack, in the Kubernetes/Flux vocabulary.
 *
 * @param type {@code Ready}, {@code Reconciling}, {@code Stalled} or {@code Drifted}
 * @param status TRUE, FALSE or UNKNOWN
 * @param reason PascalCase constant
 * @param message human text, including the revision
 * @param lastTransitionTime when {@code status} last changed (not when the message did)
 */
public record Condition(String type, Status status, String reason, String message, Instant lastTransitionTime) {

    public static final String READY = "Ready";
    public static final String RECONCILING = "Reconciling";
    public static final String STALLED = "Stalled";
    public static final String DRIFTED = "Drifted";
    /** TrueNAS reports newer images under the tags the stack's app runs; shown only, never acted on. */
    public static final String IMAGE_UPDATE_AVAILABLE = "ImageUpdateAvailable";

    /** Tri-state condition status. */
    public enum Status {
        TRUE,
        FALSE,
        UNKNOWN
    }

    public boolean isTrue() {
        return status == Status.TRUE;
    }
}
