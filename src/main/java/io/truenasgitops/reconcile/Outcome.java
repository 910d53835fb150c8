package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.AppState;
import java.util.Set;

/**
 * What became of one action, typed by what the loop should do next. Built by the executor (and by
 * {@link OutcomeMapper#classify} for exceptions); turned into status, events, metrics and the next run by
 * {@link OutcomeMapper#decide}.
 */
public sealed interface Outcome {

    /** The health observed at the end. */
    HealthStatus health();

    /** The app state observed at the end, or null when absent/unknown. */
    AppState liveState();

    /** What kind of outcome this is, as the surfaces report it. */
    ActionOutcome kind();

    /** The metric label of this outcome ({@code apply_total{result}}). */
    default String label() {
        return kind().label();
    }

    /** Written and healthy (or stopped on purpose); {@code remainingDrift} is what was only reported. */
    record Applied(String message, HealthStatus health, AppState liveState, Set<DriftKind> remainingDrift)
            implements Outcome {
        public ActionOutcome kind() {
            return ActionOutcome.APPLIED;
        }
    }

    /** Nothing to write: the quiet, first-class "no changes" outcome (drift may still be reported). */
    record Unchanged(HealthStatus health, AppState liveState) implements Outcome {
        public ActionOutcome kind() {
            return ActionOutcome.UNCHANGED;
        }
    }

    /** The planner held the stack back (suspended, invalid, not ours, stalled, backoff, ...). */
    record Blocked(Reason reason, HealthStatus health, AppState liveState) implements Outcome {
        public ActionOutcome kind() {
            return ActionOutcome.BLOCKED;
        }
    }

    /**
     * Needs a human or a change: not retried while {@code fingerprint} stays the same, except on the slow backoff
     * when {@code retry} is {@link StallRetry#SLOWLY} (a failed job may have met a registry that was briefly down).
     * {@code rolledBackTo} is the revision {@code onFailure: rollback} applied again after the failure, or null.
     */
    record Stalled(Reason reason, HealthStatus health, AppState liveState, String fingerprint, StallRetry retry,
            String rolledBackTo) implements Outcome {

        /** A stall that rolled nothing back. */
        public Stalled(Reason reason, HealthStatus health, AppState liveState, String fingerprint, StallRetry retry) {
            this(reason, health, liveState, fingerprint, retry, null);
        }

        public ActionOutcome kind() {
            return ActionOutcome.STALLED;
        }
    }

    /** Whether a stalled apply is tried again by itself while nothing changes. */
    enum StallRetry {
        /** Repeating it cannot help (the NAS refused the compose, an image reference that cannot exist). */
        NEVER,
        /** Tried again on the slow backoff (stalled-retry-initial-backoff, doubling to stalled-retry-max-backoff). */
        SLOWLY
    }

    /** May succeed later without anyone changing anything: retried with capped exponential backoff. */
    record Transient(Reason reason, HealthStatus health, AppState liveState) implements Outcome {
        public ActionOutcome kind() {
            return ActionOutcome.RETRY;
        }
    }

    /** Waits for something else (a dependency) and is looked at again next pass. */
    record Waiting(Reason reason, HealthStatus health, AppState liveState) implements Outcome {
        public ActionOutcome kind() {
            return ActionOutcome.WAITING;
        }
    }

    /** The orphaned app was deleted. */
    record Deleted(String message) implements Outcome {
        public HealthStatus health() {
            return HealthStatus.MISSING;
        }

        public AppState liveState() {
            return null;
        }

        public ActionOutcome kind() {
            return ActionOutcome.DELETED;
        }
    }
}
