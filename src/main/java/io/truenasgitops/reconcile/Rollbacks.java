package io.truenasgitops.reconcile;

import io.truenasgitops.compose.ComposeDiff;
import io.truenasgitops.compose.Stamp;
import io.truenasgitops.git.GitSource;
import io.truenasgitops.git.Snapshot;
import io.truenasgitops.stacks.LoadedStack;
import io.truenasgitops.stacks.StackSettings.DesiredState;
import io.truenasgitops.truenas.AppState;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.DatasetSnapshot;
import io.truenasgitops.truenas.JobListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code rollback STACK --to REVISION}: plans, then stops the app, rolls its datasets back to the snapshots this tool
 * took of that revision's data ({@link SnapshotGuard}), applies the compose of that revision and leaves the stack
 * suspended, so that the next pass does not apply Git's newer commit until a person resumes it.
 */
final class Rollbacks {

    private final GitSource source;
    private final StackScanner scanner;
    private final Map<String, AppsApi> targets;
    private final Map<String, TargetStorage> storage;
    private final EngineClock clock;
    private final ReconcileMetrics metrics;
    private final Duration pollInterval;

    Rollbacks(GitSource source, StackScanner scanner, Map<String, AppsApi> targets, Map<String, TargetStorage> storage,
            EngineClock clock, ReconcileMetrics metrics, Duration pollInterval) {
        this.source = source;
        this.scanner = scanner;
        this.targets = targets;
        this.storage = storage;
        this.clock = clock;
        this.metrics = metrics;
        this.pollInterval = pollInterval;
    }

    /** The stack as it was at {@code revision}, and where it goes. */
    private record Old(Snapshot snapshot, LoadedStack stack, AppsApi api, LiveApp live) {}

    private Old old(String stack, String revision) {
        Snapshot snap = source.checkout(revision);
        LoadedStack loaded = scanner.scan(snap.root()).stacks().stream().filter(s -> s.name().equals(stack))
                .findFirst().orElseThrow(() -> new RollbackRefusedException("cannot roll stack '" + stack
                        + "' back to revision " + snap.shortRevision() + ": the stack does not exist in that revision"));
        if (!loaded.isValid()) {
            throw new RollbackRefusedException("cannot roll stack '" + stack + "' back to revision "
                    + snap.shortRevision() + ": the stack is invalid in that revision ("
                    + String.join("; ", loaded.problems().stream().map(p -> p.format()).toList()) + ")");
        }
        String target = DesiredStack.from(loaded).target();
        AppsApi api = targets.get(target);
        if (api == null) {
            throw new RollbackRefusedException("cannot roll stack '" + stack + "' back to revision "
                    + snap.shortRevision() + ": its target '" + target + "' is not configured");
        }
        LiveApp live = api.get(stack, true).map(a -> LiveApp.observe(target, a)).orElseThrow(() ->
                new RollbackRefusedException("cannot roll stack '" + stack + "' back: app '" + stack + "' is not on"
                        + " target '" + target + "' (nothing to roll back; a sync creates it)"));
        return new Old(snap, loaded, api, live);
    }

    RollbackPlan plan(String stack, String revision) {
        Old o = old(stack, revision);
        String target = o.live().target();
        // the live app may hold secrets the old revision does not use: its stamp says where they are
        ComposeDiff diff = ComposeDiff.between(LiveMasking.maskLive(o.live().config(), o.stack().rendered().compose(),
                o.stack().rendered().masker(), o.live().stamp().map(Stamp::secretPaths).orElse(List.of())),
                o.stack().rendered().compose(), o.stack().rendered().masker());
        List<String> notes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<RollbackPlan.DatasetRollback> datasets = new ArrayList<>();
        TargetStorage st = storage.get(target);
        if (st == null) {
            notes.add("target '" + target + "' has no storage API: only the compose is rolled back, the data stays");
        } else {
            StackDatasets sd = StackDatasets.map(stack, paths(o), others(stack, target), st.pools().datasets());
            sd.notices().forEach(n -> notes.add(n.message() + "; it is not rolled back"));
            String shortRev = SnapshotNames.shortRev(o.snapshot().revision());
            Map<String, List<DatasetSnapshot>> byDataset = new LinkedHashMap<>();
            boolean anyOurs = false;
            for (String dataset : sd.datasets().keySet()) {
                List<DatasetSnapshot> all = st.snapshots().list(dataset);
                byDataset.put(dataset, all);
                anyOurs |= all.stream().anyMatch(s -> SnapshotNames.parse(stack, s.name()).isPresent());
            }
            if (!anyOurs) {
                notes.add("stack '" + stack + "' has no snapshots of this tool on its datasets ("
                        + (sd.datasets().isEmpty() ? "none" : String.join(", ", sd.datasets().keySet()))
                        + "): only the compose is rolled back, the data stays as it is");
            } else {
                byDataset.forEach((dataset, all) -> {
                    Optional<DatasetSnapshot> chosen = all.stream()
                            .filter(s -> SnapshotNames.parse(stack, s.name())
                                    .map(p -> p.shortRevision().equals(shortRev)).orElse(false))
                            .max(Comparator.comparingLong(DatasetSnapshot::createTxg));
                    if (chosen.isEmpty()) {
                        problems.add("dataset '" + dataset + "' has no snapshot of revision " + shortRev + " (named "
                                + SnapshotNames.PREFIX + stack + "-" + shortRev + "-...): its data cannot be rolled"
                                + " back to that revision; pick a revision that has one (rollback lists them in"
                                + " the plan of a revision that does)");
                        return;
                    }
                    DatasetSnapshot s = chosen.get();
                    List<String> newer = all.stream().filter(x -> x.createTxg() > s.createTxg())
                            .map(DatasetSnapshot::id).toList();
                    datasets.add(new RollbackPlan.DatasetRollback(dataset, s.id(),
                            SnapshotNames.parse(stack, s.name()).orElseThrow().takenAt(), newer));
                });
            }
        }
        return new RollbackPlan(stack, target, o.snapshot().revision(),
                o.live().stamp().map(Stamp::revision).orElse(null), diff, datasets, notes, problems);
    }

    private static Set<String> paths(Old o) {
        Set<String> paths = new LinkedHashSet<>(HostPaths.writable(o.live().config()));
        paths.addAll(HostPaths.writable(o.stack().rendered().compose()));
        return paths;
    }

    /** The host paths of the other stacks on the same target, as Git's newest revision has them. */
    private Map<String, List<String>> others(String stack, String target) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        source.lastGood().ifPresent(snap -> scanner.scan(snap.root()).stacks().stream()
                .map(DesiredStack::from)
                .filter(d -> !d.name().equals(stack) && d.isValid() && d.target().equals(target))
                .forEach(d -> out.put(d.name(), HostPaths.of(d.rendered().compose()))));
        return out;
    }

    /**
     * Carries the plan out. Refuses (nothing changed) when the plan has problems, or destroys newer snapshots without
     * {@code destroyNewer}. Suspends the stack first ({@code suspend}), so that it stays suspended also when a later
     * step fails and a person has to look.
     */
    RollbackResult execute(String stack, String revision, boolean destroyNewer, Duration timeout,
            Consumer<String> suspend, Consumer<Event> event, JobListener listener) throws InterruptedException {
        RollbackPlan plan = plan(stack, revision);
        String shortRev = Snapshot.shorten(plan.revision());
        if (!plan.problems().isEmpty()) {
            throw new RollbackRefusedException("cannot roll stack '" + stack + "' back to revision " + shortRev + ": "
                    + String.join("; ", plan.problems()));
        }
        if (plan.destroysNewer() && !destroyNewer) {
            throw new RollbackRefusedException("rolling stack '" + stack + "' back to revision " + shortRev
                    + " would destroy the newer snapshots " + String.join(", ", plan.datasets().stream()
                            .flatMap(d -> d.newer().stream()).toList())
                    + ": nothing was changed; pass --force-destroy-newer (REST: destroyNewer=true) to destroy them");
        }
        Old o = old(stack, revision);
        AppsApi api = o.api();
        DesiredStack desired = DesiredStack.from(o.stack());
        suspend.accept(stack);
        try {
            if (o.live().state() != AppState.STOPPED) {
                api.stop(stack, listener);
                awaitStopped(api, stack, timeout);
            }
            TargetStorage st = storage.get(plan.target());
            for (RollbackPlan.DatasetRollback d : plan.datasets()) {
                try {
                    st.snapshots().rollback(d.snapshot(), destroyNewer);
                    metrics.snapshotCompleted("rollback", "success");
                } catch (RuntimeException e) {
                    metrics.snapshotCompleted("rollback", "failure");
                    throw e;
                }
            }
            Map<String, Object> payload = desired.rendered().stamped(o.snapshot().sourceUrl(), desired.relativeDir(),
                    plan.revision());
            api.update(stack, payload, listener);
            if (desired.settings().state() == DesiredState.RUNNING) {
                api.start(stack, listener);
            }
        } catch (RuntimeException e) {
            event.accept(new Event(clock.now(), stack, Event.Type.WARNING, Reasons.ROLLBACK_FAILED, "rollback of stack '"
                    + stack + "' to revision " + shortRev + " failed; the stack stays suspended: " + e.getMessage(),
                    plan.revision()));
            throw e;
        }
        String message = "rolled stack '" + stack + "' back to revision " + shortRev + (plan.datasets().isEmpty()
                ? " (compose only)" : " with datasets " + String.join(", ", plan.datasets().stream()
                        .map(RollbackPlan.DatasetRollback::snapshot).toList()))
                + "; the stack stays suspended until resumed";
        event.accept(new Event(clock.now(), stack, Event.Type.NORMAL, Reasons.ROLLED_BACK, message, plan.revision()));
        return new RollbackResult(plan, message, desired.hash());
    }

    private void awaitStopped(AppsApi api, String stack, Duration timeout) throws InterruptedException {
        var deadline = clock.now().plus(timeout);
        while (api.get(stack, false).map(a -> a.state() != AppState.STOPPED).orElse(false)) {
            if (!clock.now().isBefore(deadline)) {
                throw new RollbackRefusedException("app '" + stack + "' did not stop within " + Durations.human(timeout)
                        + ": its datasets were not rolled back; the stack is suspended");
            }
            clock.sleep(pollInterval);
        }
    }
}
