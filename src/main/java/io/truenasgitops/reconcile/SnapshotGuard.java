package io.truenasgitops.reconcile;

import io.truenasgitops.stacks.SnapshotPolicy;
import io.truenasgitops.stacks.StackSettings.DesiredState;
import io.truenasgitops.truenas.AlreadyExistsException;
import io.truenasgitops.truenas.DatasetSnapshot;
import io.truenasgitops.truenas.TrueNasException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The {@code snapshot:} policy of stack.yaml, run by the executor before it updates or deletes an app: snapshots the
 * stack's datasets ({@link StackDatasets}), waits for them, and holds the change back (a Stalled outcome with reason
 * {@code SnapshotFailed}, no app.update sent) when a snapshot fails. Afterwards it prunes this tool's snapshots of
 * the stack beyond {@code keepLast} or older than {@code maxAge}, and never any other snapshot.
 *
 * <p>A snapshot is named after the revision whose data it holds: the one live when it was taken (from the app's
 * stamp), so that {@code rollback --to REVISION} finds it.
 */
final class SnapshotGuard implements ApplyExecutor.BeforeChange {

    private final Map<String, TargetStorage> storage;
    private final EngineClock clock;
    private final ReconcileMetrics metrics;
    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    /** The policy last seen per stack: a delete (its folder is gone) has no stack.yaml left to read it from. */
    private final Map<String, SnapshotPolicy> seen = new ConcurrentHashMap<>();

    SnapshotGuard(Map<String, TargetStorage> storage, EngineClock clock, ReconcileMetrics metrics) {
        this.storage = Map.copyOf(storage);
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The events of the snapshots taken, pruned and skipped since the last call. */
    List<Event> drainEvents() {
        List<Event> out = new ArrayList<>();
        Event e;
        while ((e = events.poll()) != null) {
            out.add(e);
        }
        return out;
    }

    @Override
    public Optional<Outcome> beforeChange(Action a, DesiredStack d, LiveApp live, ApplyExecutor.Context ctx) {
        ctx.desired().forEach((name, stack) -> seen.put(name, stack.settings().snapshot()));
        if (a.type() != ActionType.UPDATE && a.type() != ActionType.DELETE || live == null) {
            return Optional.empty();
        }
        TargetStorage st = storage.get(a.target());
        SnapshotPolicy policy = d != null ? d.settings().snapshot() : seen.getOrDefault(a.stack(), SnapshotPolicy.OFF);
        String verb = a.type() == ActionType.UPDATE ? "updating" : "deleting";
        String liveRevision = live.stamp().map(s -> s.revision()).orElse(null);
        try {
            if (!policy.enabled() && (d != null || st == null || !hasOurSnapshots(a, live, ctx, st))) {
                return Optional.empty(); // a stack without the policy is never held back by the storage API
            }
            if (!policy.enabled()) {
                // its folder is gone, but its datasets carry our snapshots: it had the policy on
                policy = new SnapshotPolicy(true, false, SnapshotPolicy.DEFAULT_KEEP_LAST, null);
            }
            if (st == null) {
                return Optional.of(failed(a, live, "target '" + a.target() + "' has no storage API configured"));
            }
            StackDatasets sd = datasets(a, d, live, ctx, st);
            sd.notices().forEach(n -> events.add(new Event(clock.now(), a.stack(), Event.Type.WARNING,
                    Reasons.SNAPSHOT_SKIPPED, n.message(), ctx.revision())));
            if (sd.datasets().isEmpty()) {
                return Optional.empty();
            }
            String name = SnapshotNames.name(a.stack(), liveRevision, clock.now());
            for (String dataset : sd.datasets().keySet()) {
                try {
                    st.snapshots().create(dataset, name, policy.recursive());
                } catch (AlreadyExistsException e) {
                    // the same name within the same second: that snapshot was taken for this very change
                }
                metrics.snapshotCompleted("create", "success");
            }
            events.add(new Event(clock.now(), a.stack(), Event.Type.NORMAL, Reasons.SNAPSHOT_TAKEN, "took snapshot '"
                    + name + "' of " + String.join(", ", sd.datasets().keySet()) + " before " + verb + " app '"
                    + a.stack() + "'", ctx.revision()));
            prune(a, policy, sd.datasets().keySet(), name, st, ctx);
            return Optional.empty();
        } catch (TrueNasException e) {
            metrics.snapshotCompleted("create", "failure");
            return Optional.of(failed(a, live, e.getMessage()));
        }
    }

    private Outcome failed(Action a, LiveApp live, String cause) {
        String verb = a.type() == ActionType.UPDATE ? "update" : "delete";
        return new Outcome.Stalled(Reason.of(Reasons.SNAPSHOT_FAILED, "snapshot before the " + verb + " of app '"
                + a.stack() + "' failed, so the app was left as it is: " + cause), HealthStatus.assess(live.state(),
                a.wantState() == null ? DesiredState.RUNNING : a.wantState()), live.state(), a.fingerprint(),
                Outcome.StallRetry.SLOWLY);
    }

    private StackDatasets datasets(Action a, DesiredStack d, LiveApp live, ApplyExecutor.Context ctx,
            TargetStorage st) {
        Set<String> paths = new LinkedHashSet<>(HostPaths.writable(live.config()));
        if (d != null && d.isValid()) {
            paths.addAll(HostPaths.writable(d.rendered().compose()));
        }
        Map<String, List<String>> others = new LinkedHashMap<>();
        ctx.desired().forEach((name, other) -> {
            if (!name.equals(a.stack()) && other.isValid() && other.target().equals(a.target())) {
                others.put(name, new ArrayList<>(HostPaths.of(other.rendered().compose())));
            }
        });
        ctx.liveByKey().values().forEach(l -> {
            if (!l.name().equals(a.stack()) && l.target().equals(a.target())) {
                others.computeIfAbsent(l.name(), k -> new ArrayList<>()).addAll(HostPaths.of(l.config()));
            }
        });
        return StackDatasets.map(a.stack(), paths, others, st.pools().datasets());
    }

    /** Whether the datasets of a stack whose folder is gone carry our snapshots; false when that cannot be told. */
    private boolean hasOurSnapshots(Action a, LiveApp live, ApplyExecutor.Context ctx, TargetStorage st) {
        if (a.type() != ActionType.DELETE) {
            return false;
        }
        try {
            for (String dataset : datasets(a, null, live, ctx, st).datasets().keySet()) {
                if (st.snapshots().list(dataset).stream()
                        .anyMatch(s -> SnapshotNames.parse(a.stack(), s.name()).isPresent())) {
                    return true;
                }
            }
        } catch (TrueNasException e) {
            // no snapshot roles, or datasets unreadable: this tool cannot have snapshotted the stack either
            return false;
        }
        return false;
    }

    /** Destroys this tool's snapshots of the stack beyond keepLast or older than maxAge; never {@code keep}. */
    private void prune(Action a, SnapshotPolicy policy, Set<String> datasets, String keep, TargetStorage st,
            ApplyExecutor.Context ctx) {
        Instant now = clock.now();
        for (String dataset : datasets) {
            try {
                List<DatasetSnapshot> ours = new ArrayList<>(st.snapshots().list(dataset).stream()
                        .filter(s -> SnapshotNames.parse(a.stack(), s.name()).isPresent()).toList());
                ours.sort(Comparator.comparingLong(DatasetSnapshot::createTxg).reversed());
                List<DatasetSnapshot> doomed = new ArrayList<>();
                for (int i = 0; i < ours.size(); i++) {
                    DatasetSnapshot s = ours.get(i);
                    if (s.name().equals(keep)) {
                        continue;
                    }
                    boolean tooMany = policy.keepLast() > 0 && i >= policy.keepLast();
                    Instant taken = SnapshotNames.parse(a.stack(), s.name()).orElseThrow().takenAt();
                    boolean tooOld = policy.maxAge() != null && taken.plus(policy.maxAge()).isBefore(now);
                    if (tooMany || tooOld) {
                        doomed.add(s);
                    }
                }
                for (DatasetSnapshot s : doomed) {
                    st.snapshots().delete(s.id());
                    metrics.snapshotCompleted("prune", "success");
                }
                if (!doomed.isEmpty()) {
                    events.add(new Event(now, a.stack(), Event.Type.NORMAL, Reasons.SNAPSHOT_PRUNED, "destroyed "
                            + doomed.size() + " old snapshot(s) of " + dataset + " ("
                            + String.join(", ", doomed.stream().map(DatasetSnapshot::name).toList())
                            + ") by the snapshot policy of stack '" + a.stack() + "'", ctx.revision()));
                }
            } catch (TrueNasException e) {
                metrics.snapshotCompleted("prune", "failure");
                events.add(new Event(now, a.stack(), Event.Type.WARNING, Reasons.SNAPSHOT_PRUNE_FAILED,
                        "pruning the old snapshots of " + dataset + " failed; they stay until the next change: "
                                + e.getMessage(), ctx.revision()));
            }
        }
    }
}
