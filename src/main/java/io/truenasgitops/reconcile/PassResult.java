package io.truenasgitops.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one pass did.
 *
 * @param plan the plan it carried out (all actions, also those not selected)
 * @param results one per executed (or, in a dry run, planned) action, in plan order
 * @param dryRun whether nothing was written on purpose
 * @param startedAt when the pass started
 * @param duration how long it took
 * @param result how the pass ended ({@code reconcile_total{result}})
 */
public record PassResult(Plan plan, List<ActionResult> results, boolean dryRun, Instant startedAt, Duration duration,
        PassOutcome result) {

    public PassResult {
        results = List.copyOf(results);
    }

    /**
     * The result of one action.
     *
     * @param action the planned action
     * @param outcome what became of it
     * @param reason the reason recorded in the stack's status
     * @param health the health at the end
     */
    public record ActionResult(Action action, ActionOutcome outcome, Reason reason, HealthStatus health) {}

    /** Whether any action failed (stalled or will be retried). */
    public boolean failed() {
        return results.stream().anyMatch(r -> r.outcome().failed());
    }
}
