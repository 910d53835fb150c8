package io.truenasgitops.reconcile;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.git.GitSource;
import io.truenasgitops.git.Snapshot;
import io.truenasgitops.stacks.RepoScan;
import io.truenasgitops.stacks.StackSettings.DesiredState;
import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppState;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.DockerStatus;
import io.truenasgitops.truenas.NotAuthorizedException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The reconcile engine's facade for the adapters (REST, CLI, daemon wiring): fetch → scan → observe → plan
 * (pure) → execute → record. {@link #plan()} is read-only; {@link #syncOnce} writes. Passes never overlap
 * (a second caller waits for the running pass). Status, events, inventory and suspensions are persisted
 * through the {@link StatusStore} after every pass, so a new engine on the same store neither loses them nor
 * redeploys.
 */
public final class Reconciler implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    private final ReconcileConfig config;
    private final GitSource source;
    private final StackScanner scanner;
    private final Map<String, AppsApi> targets;
    private final StatusStore store;
    private final ReconcileMetrics metrics;
    private final EngineClock clock;
    private final OutcomeMapper mapper;
    private final ApplyExecutor executor;
    private final SnapshotGuard snapshots;
    private final Rollbacks rollbacks;
    private final ExecutorService pool;
    private final ReentrantLock passLock = new ReentrantLock();
    private final Object stateLock = new Object();

    private Map<String, StackStatus> statuses;
    private Inventory inventory;
    private Set<String> suspended;
    private final Deque<Event> events;
    private volatile SourceState sourceState = new SourceState(null, null, null, null, null);
    private final Map<String, TargetState> targetStates = new TreeMap<>();
    private final Set<String> dockerStatusDenied = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Reconciler(Builder b) {
        this.config = Objects.requireNonNull(b.config, "config");
        this.source = Objects.requireNonNull(b.source, "source");
        this.scanner = Objects.requireNonNull(b.scanner, "scanner");
        this.targets = Map.copyOf(b.targets);
        this.store = b.store != null ? b.store : new JsonFileStatusStore(config.stateDir());
        this.metrics = b.metrics != null ? b.metrics : ReconcileMetrics.NOOP;
        this.clock = b.clock != null ? b.clock : EngineClock.SYSTEM;
        this.mapper = new OutcomeMapper(new RetryPolicy(config.retryInitialBackoff(), config.retryMaxBackoff()),
                new RetryPolicy(config.stalledRetryInitialBackoff(), config.stalledRetryMaxBackoff()));
        this.snapshots = new SnapshotGuard(b.storage, clock, metrics);
        this.executor = new ApplyExecutor(config, clock, metrics, mapper, snapshots);
        this.rollbacks = new Rollbacks(source, scanner, targets, Map.copyOf(b.storage), clock, metrics,
                config.healthPollInterval());
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(Math.max(1, config.parallelism()), r -> {
            Thread t = new Thread(r, "reconcile-apply-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        PersistedState s = store.load();
        this.statuses = new TreeMap<>(s.stacks());
        this.inventory = s.inventory();
        this.suspended = new TreeSet<>(s.suspended());
        this.events = new ArrayDeque<>(s.events());
        targets.keySet().forEach(t -> targetStates.put(t, new TargetState(t, true, null, null, null)));
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- read side -----------------------------------------------------------------------------------------

    /** Fetches, scans, observes and plans without writing anything (CLI {@code plan}, REST {@code /plan}). */
    public Plan plan() {
        return plan(SyncOptions.all());
    }

    /** Like {@link #plan()}, with the prune switch and forced stacks of {@code options} taken into account. */
    public Plan plan(SyncOptions options) {
        Observation obs = observe(false);
        return Planner.plan(planInput(obs, options));
    }

    public List<StackStatus> statuses() {
        synchronized (stateLock) {
            return List.copyOf(statuses.values());
        }
    }

    public Optional<StackStatus> status(String stack) {
        synchronized (stateLock) {
            return Optional.ofNullable(statuses.get(stack));
        }
    }

    /** The newest events first, optionally of one stack, at most {@code limit}. */
    public List<Event> events(Optional<String> stack, int limit) {
        synchronized (stateLock) {
            List<Event> out = new ArrayList<>();
            var it = events.descendingIterator();
            while (it.hasNext() && out.size() < limit) {
                Event e = it.next();
                if (stack.isEmpty() || stack.get().equals(e.stack())) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    /** What was applied, per target and app. */
    public Inventory inventory() {
        synchronized (stateLock) {
            return inventory;
        }
    }

    /** The Git source as of the last pass. */
    public SourceState source() {
        return sourceState;
    }

    /** Reachability of each target as of the last pass. */
    public List<TargetState> targets() {
        synchronized (stateLock) {
            return List.copyOf(targetStates.values());
        }
    }

    /** The earliest time a transient failure asked to be retried, if any (the loop wakes up then). */
    public Optional<Instant> nextRetryAt() {
        synchronized (stateLock) {
            return statuses.values().stream().map(StackStatus::nextRetryAt).filter(Objects::nonNull).min(Instant::compareTo);
        }
    }

    // ---- suspend / resume ------------------------------------------------------------------------------------

    /** Suspends a stack at runtime (persisted): the next passes neither apply nor revert anything for it. */
    public void suspend(String stack) {
        setSuspended(stack, true);
    }

    /** Resumes a stack suspended with {@link #suspend}. A {@code suspend: true} in stack.yaml still wins. */
    public void resume(String stack) {
        setSuspended(stack, false);
    }

    private void setSuspended(String stack, boolean on) {
        synchronized (stateLock) {
            boolean changed = on ? suspended.add(stack) : suspended.remove(stack);
            if (changed) {
                addEvent(new Event(clock.now(), stack, Event.Type.NORMAL, on ? Reasons.SUSPENDED : "Resumed",
                        "stack '" + stack + "' " + (on ? "suspended" : "resumed") + " at runtime", sourceState.revision()),
                        SyncListener.NONE);
                persist();
            }
        }
    }

    public Set<String> suspended() {
        synchronized (stateLock) {
            return Set.copyOf(suspended);
        }
    }

    // ---- rollback ---------------------------------------------------------------------------------------------

    /**
     * What {@code rollback STACK --to REVISION} would do; changes nothing.
     *
     * @throws RollbackRefusedException when the stack or its app does not exist there
     * @throws io.truenasgitops.git.GitSourceException when the revision is not in the local copy
     */
    public RollbackPlan planRollback(String stack, String revision) {
        return rollbacks.plan(stack, revision);
    }

    /**
     * Rolls a stack back to a revision: suspends it, stops its app, rolls its datasets back to their snapshots of
     * that revision ({@code destroyNewer}: also when newer snapshots exist, which are destroyed), applies the compose
     * of that revision. Never runs during a pass. The stack stays suspended until {@link #resume}.
     *
     * @throws RollbackRefusedException when it cannot be done as asked (nothing changed)
     */
    public RollbackResult rollback(String stack, String revision, boolean destroyNewer, SyncListener listener)
            throws InterruptedException {
        passLock.lockInterruptibly();
        try {
            RollbackResult r = rollbacks.execute(stack, revision, destroyNewer, io.truenasgitops.stacks.StackSettings.DEFAULT_HEALTH_TIMEOUT,
                    this::suspend, e -> {
                        synchronized (stateLock) {
                            addEvent(e, listener);
                            persist();
                        }
                    }, job -> {});
            metrics.rollbackCompleted("success");
            return r;
        } catch (RollbackRefusedException e) {
            metrics.rollbackCompleted("refused");
            throw e;
        } catch (RuntimeException e) {
            metrics.rollbackCompleted("failure");
            throw e;
        } finally {
            passLock.unlock();
        }
    }

    // ---- the pass --------------------------------------------------------------------------------------------

    /** One full pass: plan, then (unless dry run) apply, assess health and record. Never overlaps itself. */
    public PassResult syncOnce(SyncOptions options) {
        return syncOnce(options, SyncListener.NONE);
    }

    public PassResult syncOnce(SyncOptions options, SyncListener listener) {
        passLock.lock();
        try {
            return pass(options, listener);
        } finally {
            passLock.unlock();
        }
    }

    private PassResult pass(SyncOptions options, SyncListener listener) {
        Instant start = clock.now();
        Observation obs = observe(true);
        Plan plan = Planner.plan(planInput(obs, options));
        listener.onPlan(plan);
        List<Action> selected = plan.actions().stream().filter(a -> options.selects(a.stack())).toList();
        if (options.dryRun()) {
            List<PassResult.ActionResult> planned = selected.stream().map(a -> new PassResult.ActionResult(a, ActionOutcome.PLANNED,
                    a.reason(), HealthStatus.UNKNOWN)).toList();
            return new PassResult(plan, planned, true, start, Duration.between(start, clock.now()),
                    PassOutcome.DRY_RUN);
        }

        Map<Action, Outcome> outcomes;
        try {
            outcomes = executor.execute(selected, new ApplyExecutor.Context(obs.desiredByName(), obs.liveByKey(),
                    targets, obs.revision(), obs.sourceUrl(), listener, pool));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("reconcile pass interrupted (shutdown)", e);
        }

        List<PassResult.ActionResult> results = new ArrayList<>();
        Instant end = clock.now();
        synchronized (stateLock) {
            snapshots.drainEvents().forEach(e -> addEvent(e, listener));
            for (Action a : selected) {
                Outcome o = outcomes.get(a);
                Decision d = mapper.decide(statuses.get(a.stack()), a, o, obs.revision(), end);
                record(a, o, d, obs, listener);
                results.add(new PassResult.ActionResult(a, o.kind(), d.status().lastReason(), o.health()));
            }
            if (options.stacks().isEmpty()) {
                forgetVanished(plan, obs);
            }
            persist();
        }
        PassOutcome result = results.stream().anyMatch(r -> r.outcome().failed()) ? PassOutcome.FAILURE
                : results.stream().anyMatch(r -> r.action().writes()) ? PassOutcome.SUCCESS : PassOutcome.NO_CHANGE;
        if (!obs.fresh() && obs.revision() == null || !obs.dockerDown().isEmpty()) {
            result = PassOutcome.FAILURE; // nothing could be reconciled on a NAS that cannot run apps
        }
        Duration took = Duration.between(start, clock.now());
        metrics.passCompleted(took, result.label());
        PassResult pr = new PassResult(plan, results, false, start, took, result);
        logPass(pr);
        return pr;
    }

    private void record(Action a, Outcome o, Decision d, Observation obs, SyncListener listener) {
        listener.onActionEnd(a, o);
        if (a.writes()) {
            metrics.applyCompleted(a.type(), o.label());
        }
        d.event().ifPresent(e -> addEvent(e, listener));
        if (o instanceof Outcome.Deleted) {
            statuses.remove(a.stack());
            inventory = inventory.without(a.target(), a.stack());
            metrics.stackRemoved(a.stack());
            return;
        }
        statuses.put(a.stack(), d.status());
        metrics.stackDrift(a.stack(), d.status().drift());
        metrics.stackStatus(a.stack(), d.status().health());
        if (d.status().lastAppliedAt() != null) {
            metrics.stackLastApplied(a.stack(), d.status().lastAppliedAt());
        }
        updateInventory(a, o, obs);
        // Stack and revision as MDC fields too: JSON log lines (the container's format) carry them as fields.
        MDC.put("stack", a.stack());
        MDC.put("revision", Planner.shortRev(d.status().lastAttemptedRevision()));
        try {
            if (d.logLevel() == Decision.LogLevel.ERROR || d.logLevel() == Decision.LogLevel.WARN) {
                LOG.warnf("%s: %s", a.stack(), d.status().lastReason());
            } else if (d.logLevel() == Decision.LogLevel.INFO) {
                LOG.infof("%s: %s", a.stack(), d.status().lastReason());
            }
        } finally {
            MDC.remove("stack");
            MDC.remove("revision");
        }
    }

    /** Keeps the inventory of what we applied: the prune decision for a folder that is gone depends on it. */
    private void updateInventory(Action a, Outcome o, Observation obs) {
        DesiredStack d = obs.desiredByName().get(a.stack());
        if (d == null || !d.isValid() || !d.target().equals(a.target())) {
            return;
        }
        Optional<InventoryEntry> prev = inventory.get(a.target(), a.stack());
        DesiredState want = a.wantState();
        if (o instanceof Outcome.Applied applied) {
            String hash = a.type() == ActionType.START || a.type() == ActionType.STOP
                    ? prev.map(InventoryEntry::hash).orElse(a.desiredHash()) : a.desiredHash();
            String rev = a.type() == ActionType.START || a.type() == ActionType.STOP
                    ? prev.map(InventoryEntry::revision).orElse(obs.revision()) : obs.revision();
            DesiredState state = a.enforceState() || a.type() == ActionType.CREATE || prev.isEmpty()
                    || applied.remainingDrift().isEmpty() ? want : prev.get().state();
            boolean rewritten = a.type() != ActionType.START && a.type() != ActionType.STOP;
            List<String> secretPaths = rewritten ? LiveMasking.secretPaths(d.rendered().compose(), d.rendered().masker())
                    : prev.map(InventoryEntry::secretPaths).orElse(List.of());
            inventory = inventory.with(new InventoryEntry(a.target(), a.stack(), d.relativeDir(), hash, rev,
                    d.settings().prune(), state, clock.now(), secretPaths));
            return;
        }
        LiveApp live = obs.liveByKey().get(InventoryEntry.key(a.target(), a.stack()));
        if (live == null || !live.ownedBy(obs.sourceUrl())) {
            return;
        }
        if (prev.isPresent()) {
            InventoryEntry p = prev.get();
            if (p.prune() != d.settings().prune() || !Objects.equals(p.path(), d.relativeDir())) {
                inventory = inventory.with(p.withSettings(d.relativeDir(), d.settings().prune()));
            }
        } else {
            // our stamp is on the NAS but the state was lost (new state dir): rebuild the entry from the stamp
            var stamp = live.stamp().get();
            inventory = inventory.with(new InventoryEntry(a.target(), a.stack(), d.relativeDir(), stamp.hash(),
                    stamp.revision(), d.settings().prune(), want, clock.now()));
        }
    }

    /** Drops statuses and inventory entries of stacks gone from Git and from the NAS (never on a stale source). */
    private void forgetVanished(Plan plan, Observation obs) {
        if (!obs.fresh()) {
            return;
        }
        Set<String> planned = new HashSet<>();
        plan.actions().forEach(a -> planned.add(a.stack()));
        for (String name : new ArrayList<>(statuses.keySet())) {
            StackStatus s = statuses.get(name);
            if (!planned.contains(name) && !obs.unreachable().containsKey(s.target())
                    && !obs.dockerDown().containsKey(s.target())) {
                statuses.remove(name);
                metrics.stackRemoved(name);
            }
        }
        for (InventoryEntry e : new ArrayList<>(inventory.all())) {
            boolean reachable = obs.live().containsKey(e.target());
            boolean live = obs.liveByKey().containsKey(e.key());
            boolean desired = obs.desiredByName().containsKey(e.app());
            if (reachable && !live && !desired) {
                inventory = inventory.without(e.target(), e.app());
            }
        }
    }

    // ---- observation -----------------------------------------------------------------------------------------

    /** The I/O half of planning: Git snapshot, stacks, and one {@code app.query} per target. */
    private record Observation(String revision, String sourceUrl, boolean fresh, List<DesiredStack> stacks,
            Map<String, DesiredStack> desiredByName, Map<String, List<LiveApp>> live, Map<String, LiveApp> liveByKey,
            Map<String, String> unreachable, Map<String, DockerStatus> dockerDown, List<String> warnings) {}

    private Observation observe(boolean recordEvents) {
        List<String> warnings = new ArrayList<>();
        Snapshot snap;
        boolean fresh;
        String fetchError = null;
        try {
            snap = source.fetch();
            fresh = true;
            metrics.sourceFetch("success");
        } catch (RuntimeException e) {
            metrics.sourceFetch("failure");
            fresh = false;
            // The Git source's own messages already say "failed to fetch <source>: ..."; others get that context.
            String message = String.valueOf(e.getMessage());
            fetchError = message.startsWith("failed to fetch ") ? message
                    : "failed to fetch " + source.describe() + ": " + message;
            snap = source.lastGood().orElse(null);
        }
        List<DesiredStack> stacks = List.of();
        if (snap != null) {
            try {
                RepoScan scan = scanner.scan(snap.root());
                stacks = scan.stacks().stream().map(DesiredStack::from).toList();
                scan.problems().stream().map(Problem::format).forEach(warnings::add);
            } catch (RuntimeException e) {
                fresh = false;
                fetchError = "failed to read the stacks of revision " + snap.shortRevision() + ": " + e.getMessage();
                stacks = List.of();
            }
            metrics.sourceRevision(snap.revision());
        }
        String sourceUrl = snap != null ? snap.sourceUrl() : sourceState.sourceUrl();
        Map<String, DesiredStack> desiredByName = new LinkedHashMap<>();
        stacks.forEach(s -> desiredByName.put(s.name(), s));

        Map<String, List<LiveApp>> live = new TreeMap<>();
        Map<String, LiveApp> liveByKey = new HashMap<>();
        Map<String, String> unreachable = new TreeMap<>();
        Map<String, DockerStatus> dockerDown = new TreeMap<>();
        for (var t : new TreeMap<>(targets).entrySet()) {
            try {
                List<App> apps = t.getValue().list(true);
                DockerStatus down = appsServiceDown(t.getKey(), t.getValue(), apps);
                if (down != null) {
                    // reachable, but its (empty) app list means nothing: the target is held, see the planner
                    dockerDown.put(t.getKey(), down);
                    metrics.connectionUp(t.getKey(), true);
                    metrics.appsServiceUp(t.getKey(), false);
                    metrics.appsByState(t.getKey(), Map.of());
                    if (recordEvents) {
                        targetChanged(t.getKey(), true, null, down);
                    }
                    continue;
                }
                List<LiveApp> observed = apps.stream().map(a -> LiveApp.observe(t.getKey(), a)).toList();
                live.put(t.getKey(), observed);
                observed.forEach(a -> liveByKey.put(InventoryEntry.key(t.getKey(), a.name()), a));
                metrics.connectionUp(t.getKey(), true);
                metrics.appsServiceUp(t.getKey(), true);
                Map<AppState, Integer> counts = new EnumMap<>(AppState.class);
                apps.forEach(a -> counts.merge(a.state() == null ? AppState.UNKNOWN : a.state(), 1, Integer::sum));
                metrics.appsByState(t.getKey(), counts);
                if (recordEvents) {
                    targetChanged(t.getKey(), true, null, null);
                }
            } catch (RuntimeException e) {
                String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                unreachable.put(t.getKey(), msg);
                metrics.connectionUp(t.getKey(), false);
                if (recordEvents) {
                    targetChanged(t.getKey(), false, msg, null);
                }
            }
        }
        if (recordEvents) {
            sourceChanged(snap, fresh, fetchError);
        }
        return new Observation(snap == null ? null : snap.revision(), sourceUrl, fresh && snap != null, stacks,
                desiredByName, live, liveByKey, unreachable, dockerDown, warnings);
    }

    /**
     * The {@code docker.status} of a target whose apps service is not RUNNING, else null. {@code app.query}
     * answers {@code []} (no error) while Docker is stopped, unconfigured or starting, so the status is read
     * only when the list could be hiding that: when it is empty, or when an app we applied there is absent
     * (the pass would otherwise report it missing or re-create it). A steady state costs no extra call.
     */
    private DockerStatus appsServiceDown(String target, AppsApi api, List<App> apps) {
        Set<String> listed = new HashSet<>();
        apps.forEach(a -> listed.add(a.name()));
        boolean suspicious = apps.isEmpty();
        if (!suspicious) {
            synchronized (stateLock) {
                suspicious = inventory.all().stream().anyMatch(e -> e.target().equals(target) && !listed.contains(e.app()));
            }
        }
        if (!suspicious) {
            return null;
        }
        try {
            DockerStatus ds = api.dockerStatus();
            return ds.isRunning() ? null : ds;
        } catch (NotAuthorizedException e) {
            // a user without DOCKER_READ: plan as before; a create on a stopped Docker then fails transiently
            if (dockerStatusDenied.add(target)) {
                LOG.warnf("cannot read docker.status on target '%s' (%s): give the API key's user the DOCKER_READ"
                        + " role, or an app list emptied by a stopped apps service looks like missing apps",
                        target, e.getMessage());
            }
            return null;
        }
    }

    private PlanInput planInput(Observation obs, SyncOptions options) {
        synchronized (stateLock) {
            return new PlanInput(obs.sourceUrl(), obs.revision(), obs.fresh(), obs.stacks(), obs.live(), targets.keySet(),
                    obs.unreachable(), inventory, statuses, suspended, config.prune() || options.prune(),
                    config.selfAppName(), options.force(), clock.now(), obs.dockerDown());
        }
    }

    private void sourceChanged(Snapshot snap, boolean fresh, String error) {
        synchronized (stateLock) {
            SourceState prev = sourceState;
            Instant now = clock.now();
            if (error != null && !error.equals(prev.lastError())) {
                addEvent(new Event(now, null, Event.Type.WARNING, Reasons.FETCH_FAILED, error
                        + (snap != null ? "; keeping the last good revision " + snap.shortRevision() : "; nothing to apply"),
                        snap == null ? null : snap.revision()), SyncListener.NONE);
                LOG.warn(error);
            } else if (error == null && prev.lastError() != null) {
                addEvent(new Event(now, null, Event.Type.NORMAL, "FetchRecovered", "fetching " + source.describe()
                        + " works again", snap == null ? null : snap.revision()), SyncListener.NONE);
            }
            sourceState = new SourceState(snap == null ? prev.revision() : snap.revision(),
                    snap == null ? prev.sourceUrl() : snap.sourceUrl(), snap == null ? prev.fetchedAt() : snap.fetchedAt(),
                    error, fresh ? now : prev.lastSuccessAt());
        }
    }

    private void targetChanged(String target, boolean up, String error, DockerStatus appsServiceDown) {
        synchronized (stateLock) {
            TargetState prev = targetStates.get(target);
            Instant now = clock.now();
            DockerStatus wasDown = prev == null ? null : prev.appsServiceDown();
            if (appsServiceDown != null && (wasDown == null || !wasDown.status().equals(appsServiceDown.status()))) {
                String msg = Planner.dockerDownMessage(target, appsServiceDown);
                addEvent(new Event(now, null, Event.Type.WARNING, Reasons.DOCKER_NOT_RUNNING, msg
                        + "; nothing is applied to it or checked for drift until then", sourceState.revision()),
                        SyncListener.NONE);
                LOG.warn(msg);
            } else if (up && appsServiceDown == null && wasDown != null) {
                addEvent(new Event(now, null, Event.Type.NORMAL, "DockerRunning", "the apps service (Docker) on"
                        + " target '" + target + "' is RUNNING again", sourceState.revision()), SyncListener.NONE);
                LOG.infof("the apps service on target '%s' is RUNNING again", target);
            }
            // while unreachable, what was known about its apps service stays as it was
            DockerStatus keep = up ? appsServiceDown : wasDown;
            if (!up && (prev == null || prev.up() || !Objects.equals(prev.lastError(), error))) {
                addEvent(new Event(now, null, Event.Type.WARNING, Reasons.TARGET_UNREACHABLE, "target '" + target
                        + "' is unreachable, applies to it are paused: " + error, sourceState.revision()), SyncListener.NONE);
                LOG.warnf("target '%s' is unreachable: %s", target, error);
            } else if (up && prev != null && !prev.up()) {
                addEvent(new Event(now, null, Event.Type.NORMAL, "TargetReachable", "target '" + target
                        + "' is reachable again", sourceState.revision()), SyncListener.NONE);
            }
            targetStates.put(target, new TargetState(target, up, error, up ? now : prev == null ? null : prev.lastSeenAt(),
                    keep));
        }
    }

    private void addEvent(Event e, SyncListener listener) {
        events.addLast(e);
        while (events.size() > Math.max(1, config.eventHistory())) {
            events.removeFirst();
        }
        listener.onEvent(e);
    }

    private void persist() {
        try {
            store.save(new PersistedState(PersistedState.CURRENT_VERSION, statuses, inventory, suspended,
                    List.copyOf(events)));
        } catch (RuntimeException e) {
            // the pass itself succeeded; losing a save costs at most a re-plan after a restart
            LOG.errorf("failed to persist reconcile state: %s", e.getMessage());
        }
    }

    private static void logPass(PassResult pr) {
        long writes = pr.results().stream().filter(r -> r.action().writes()).count();
        MDC.put("revision", Planner.shortRev(pr.plan().revision()));
        try {
            if (writes > 0 || pr.failed()) {
                LOG.infof("pass at %s: %s (%d writes, %d actions) in %s", Planner.shortRev(pr.plan().revision()),
                        pr.result().label(), writes, pr.results().size(), Durations.human(pr.duration()));
            } else {
                LOG.debugf("pass at %s: no changes", Planner.shortRev(pr.plan().revision()));
            }
        } finally {
            MDC.remove("revision");
        }
    }

    /** Stops the apply pool, waiting up to the shutdown timeout for jobs in flight. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("apply jobs still running after %s; leaving them to the NAS", Durations.human(config.shutdownTimeout()));
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The Git source as last seen: revision in use, last error (null when the last fetch worked). */
    public record SourceState(String revision, String sourceUrl, Instant fetchedAt, String lastError,
            Instant lastSuccessAt) {}

    /**
     * One NAS target as last seen.
     *
     * @param name the target name
     * @param up whether it answered the last pass
     * @param lastError why not, while it does not
     * @param lastSeenAt when it last answered
     * @param appsServiceDown its {@code docker.status} while the apps service is not RUNNING, else null
     */
    public record TargetState(String name, boolean up, String lastError, Instant lastSeenAt,
            DockerStatus appsServiceDown) {

        /** Whether apps can be applied there: reachable and its apps service running (as far as known). */
        public boolean ready() {
            return up && appsServiceDown == null;
        }
    }

    /** Builds a {@link Reconciler}; config, source, scanner and at least one target are required. */
    public static final class Builder {
        private ReconcileConfig config;
        private GitSource source;
        private StackScanner scanner;
        private final Map<String, AppsApi> targets = new LinkedHashMap<>();
        private final Map<String, TargetStorage> storage = new LinkedHashMap<>();
        private StatusStore store;
        private ReconcileMetrics metrics;
        private EngineClock clock;

        public Builder config(ReconcileConfig c) {
            this.config = c;
            return this;
        }

        public Builder source(GitSource s) {
            this.source = s;
            return this;
        }

        public Builder scanner(StackScanner s) {
            this.scanner = s;
            return this;
        }

        /** Adds a NAS target by name (stacks pick one with {@code target:}; the default is {@code default}). */
        public Builder target(String name, AppsApi api) {
            this.targets.put(name, api);
            return this;
        }

        public Builder targets(Map<String, AppsApi> t) {
            this.targets.putAll(t);
            return this;
        }

        /** The datasets and snapshots of a target: the {@code snapshot:} policy and rollbacks need them. */
        public Builder storage(String target, TargetStorage s) {
            this.storage.put(target, s);
            return this;
        }

        /** Defaults to {@link JsonFileStatusStore} in {@link ReconcileConfig#stateDir()}. */
        public Builder store(StatusStore s) {
            this.store = s;
            return this;
        }

        public Builder metrics(ReconcileMetrics m) {
            this.metrics = m;
            return this;
        }

        public Builder clock(EngineClock c) {
            this.clock = c;
            return this;
        }

        public Reconciler build() {
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("no TrueNAS target configured: configure at least one");
            }
            return new Reconciler(this);
        }
    }
}
