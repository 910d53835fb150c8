package io.truenasgitops.notify;

import io.truenasgitops.reconcile.Event;
import io.truenasgitops.reconcile.PassResult;
import io.truenasgitops.reconcile.Reconciler;
import io.truenasgitops.reconcile.StackStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the engine knew at the end of one pass: the copy the notifications work on, away from the pass's thread.
 *
 * @param stacks every stack's status
 * @param targets every NAS target's reachability
 * @param source the Git source's state
 * @param pass what the pass did (for one-off kinds: pruned, drift healed)
 * @param at when the pass ended, by the engine's clock (the time of its state changes)
 * @param events the engine's newest events, newest first (for what happens between passes: rollbacks)
 */
public record EngineSnapshot(List<StackStatus> stacks, List<Reconciler.TargetState> targets,
        Reconciler.SourceState source, PassResult pass, Instant at, List<Event> events) {

    /** How many of the newest events a snapshot carries. */
    static final int EVENTS = 200;

    public EngineSnapshot {
        stacks = List.copyOf(stacks);
        targets = List.copyOf(targets);
        events = events == null ? List.of() : List.copyOf(events);
    }

    /** A snapshot without events. */
    public EngineSnapshot(List<StackStatus> stacks, List<Reconciler.TargetState> targets,
            Reconciler.SourceState source, PassResult pass, Instant at) {
        this(stacks, targets, source, pass, at, List.of());
    }

    /** Copies the engine's state now, with the pass that just ended. */
    public static EngineSnapshot of(Reconciler engine, PassResult pass) {
        return new EngineSnapshot(engine.statuses(), engine.targets(), engine.source(), pass,
                pass.startedAt().plus(pass.duration()), engine.events(Optional.empty(), EVENTS));
    }
}
