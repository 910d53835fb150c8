package io.truenasgitops.reconcile;

/**
 * A rollback that was carried out: the app runs the compose of {@code plan.revision()} on the data of its snapshots,
 * and the stack is suspended.
 *
 * @param plan what was done
 * @param message one line for humans
 */
public record RollbackResult(RollbackPlan plan, String message) {}
