package io.truenasgitops.reconcile;

/**
 * A rollback that was carried out: the app runs the compose of {@code plan.revision()} on the data of its snapshots,
 * and the stack is suspended.
 *
 * @param plan what was done
 * @param message one line for humans
 * @param hash the content hash of the compose applied (that revision's), or null when not known
 */
public record RollbackResult(RollbackPlan plan, String message, String hash) {

    /** A result without the applied hash. */
    public RollbackResult(RollbackPlan plan, String message) {
        this(plan, message, null);
    }
}
