package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.Job;

/**
 * Receives a pass's progress (the CLI prints it as progress lines). Called from engine threads; keep it quick.
 */
public interface SyncListener {

    /** The plan the pass is about to carry out. */
    default void onPlan(Plan plan) {}

    /** An action starts (reported before the long step, with its timeout). */
    default void onActionStart(Action action, String message) {}

    /** A middleware job of an action made progress. */
    default void onJob(Action action, Job job) {}

    /** An action ended. */
    default void onActionEnd(Action action, Outcome outcome) {}

    /** An event was recorded. */
    default void onEvent(Event event) {}

    /**
     * A pass (not a dry run) is about to apply {@code selected}, the actions of {@code plan} it carries out. Told to
     * the engine-wide observer (commit statuses: pending) on the pass's thread: hand the work to another thread.
     */
    default void onPassStart(Plan plan, java.util.List<Action> selected) {}

    /**
     * A pass (not a dry run) ended and its statuses are recorded. Engine-wide observers (notifications) get it
     * on the pass's thread: hand the work to another thread.
     */
    default void onPassEnd(PassResult result) {}

    /** Ignores everything. */
    SyncListener NONE = new SyncListener() {};

    /** Tells {@code first}, then {@code second}, of every pass's start and end (the engine's one observer slot). */
    static SyncListener both(SyncListener first, SyncListener second) {
        return new SyncListener() {
            @Override
            public void onPassStart(Plan plan, java.util.List<Action> selected) {
                first.onPassStart(plan, selected);
                second.onPassStart(plan, selected);
            }

            @Override
            public void onPassEnd(PassResult result) {
                first.onPassEnd(result);
                second.onPassEnd(result);
            }
        };
    }
}
