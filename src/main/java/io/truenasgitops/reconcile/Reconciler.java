package io.truenasgitops.reconcile;

import io.truenasgitops.git.GitSource;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.DockerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
    private final SyncListener passListener;
    private final OutcomeMapper mapper;
    private final ApplyExecutor executor;
    private final ImageUpdateWatch imageUpdates = new ImageUpdateWatch();
    private final SnapshotGuard snapshots;
    private final Map<String, TargetStorage> storage;
    private final Rollbacks rollbacks;
    private final ExecutorService pool;
    private final ReentrantLock passLock = new ReentrantLock();
    private final Object stateLock = new Object();

    private Map<String, StackStatus> statuses;
    private Inventory inventory;
    private Set<String> suspended;
    private final Deque<Event> events;
    private final StackHistory history;
    /** Stacks whose stack.yaml says {@code suspend: true}, as the last pass read Git; null before a pass. */
    private volatile Set<String> suspendedInGit;
    private volatile SourceState sourceState = new SourceState(null, null, null, null, null);
    private final Map<String, TargetState> targetStates = new TreeMap<>();
    private final Observer observer;
    private volatile Mode mode;

    private Reconciler(Builder b) {
        this.config = Objects.requireNonNull(b.config, "config");
        this.source = Objects.requireNonNull(b.source, "source");
        this.scanner = Objects.requireNonNull(b.scanner, "scanner");
        this.targets = Map.copyOf(b.targets);
        this.store = b.store != null ? b.store : new JsonFileStatusStore(config.stateDir());
        this.metrics = b.metrics != null ? b.metrics : ReconcileMetrics.NOOP;
        this.clock = b.clock != null ? b.clock : EngineClock.SYSTEM;
        this.passListener = b.passListener != null ? b.passListener : SyncListener.NONE;
        this.mode = b.mode != null ? b.mode : Mode.SYNC;
        this.mapper = new OutcomeMapper(new RetryPolicy(config.retryInitialBackoff(), config.retryMaxBackoff()),
                new RetryPolicy(config.stalledRetryInitialBackoff(), config.stalledRetryMaxBackoff()));
        this.storage = Map.copyOf(b.storage);
        this.snapshots = new SnapshotGuard(b.storage, clock, metrics);
        // the snapshot first: a held-back update then writes nothing, not even a folder
        this.executor = new ApplyExecutor(config, clock, metrics, mapper, ApplyExecutor.BeforeChange.inOrder(snapshots,
                new DataFolderGuard(b.storage)), this::rollbackTarget);
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
        this.history = new StackHistory(s.history());
        targets.keySet().forEach(t -> targetStates.put(t, new TargetState(t, true, null, null, null)));
        this.observer = new Observer(source, scanner, targets, metrics, (target, listed) -> {
            synchronized (stateLock) {
                return inventory.all().stream().anyMatch(e -> e.target().equals(target) && !listed.contains(e.app()));
            }
        });
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
        Plan plan = Planner.plan(planInput(obs, options, observer.datasets(obs, storage)));
        // which data folders the creates and updates would make: asked of the NAS here only, a pass's guard asks
        return DataFolderPlan.annotate(plan, obs.desiredByName(),
                DataFolderPlan.look(plan, obs.desiredByName(), storage, obs.live().keySet()));
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

    // ---- mode ----------------------------------------------------------------------------------------------

    /** Whether passes apply ({@link Mode#SYNC}) or only report ({@link Mode#REPORT}). */
    public Mode mode() {
        return mode;
    }

    /**
     * Switches the mode at runtime, from the next pass on (a pass running now finishes as it began); not persisted:
     * {@code truenas-gitops.reconcile.mode} decides at the next start. Returns whether it changed.
     */
    public boolean setMode(Mode next) {
        Objects.requireNonNull(next, "mode");
        synchronized (stateLock) {
            if (mode == next) {
                return false;
            }
            mode = next;
            LOG.infof("mode switched to %s: %s", next.label(), next == Mode.REPORT
                    ? "passes plan and report, nothing is written" : "passes apply what Git says");
            return true;
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

    /**
     * Whether a stack is suspended now, and by what: at runtime (as of this moment, not as the last pass saw it)
     * and in its stack.yaml (as the checkout the last pass used has it; read from that checkout before a pass).
     */
    public Suspension suspension(String stack) {
        boolean atRuntime;
        synchronized (stateLock) {
            atRuntime = suspended.contains(stack);
        }
        Set<String> inGit = suspendedInGit;
        if (inGit == null) {
            inGit = source.lastGood().map(snap -> scanner.scan(snap.root()).stacks().stream().map(DesiredStack::from)
                    .filter(d -> d.settings().suspend()).map(DesiredStack::name)
                    .collect(java.util.stream.Collectors.toUnmodifiableSet())).orElse(null);
            if (inGit == null) {
                return new Suspension(atRuntime, false);
            }
            suspendedInGit = inGit; // the checkout of the last pass; the next pass replaces it
        }
        return new Suspension(atRuntime, inGit.contains(stack));
    }

    /**
     * How a stack is suspended.
     *
     * @param atRuntime suspended through the API or by a rollback, until resumed
     * @param inStackYaml its stack.yaml says {@code suspend: true}
     */
    public record Suspension(boolean atRuntime, boolean inStackYaml) {
        /** Whether passes leave the stack alone. */
        public boolean suspended() {
            return atRuntime || inStackYaml;
        }
    }

    // ---- history ---------------------------------------------------------------------------------------------

    /** A stack's applies, failed applies, prunes and rollbacks, newest first, at most {@code limit}. */
    public List<HistoryEntry> history(String stack, int limit) {
        synchronized (stateLock) {
            return history.newestFirst(stack, limit);
        }
    }

    /** Whether the stack has a history (also after it was pruned and its status went). */
    public boolean hasHistory(String stack) {
        synchronized (stateLock) {
            return history.has(stack);
        }
    }

    // ---- logs -------------------------------------------------------------------------------------------------

    /**
     * The last {@code lines} lines of each container of the stack's app (see {@link RecentLogs}: bounded, each
     * stream closed once its tail arrived), with the stack's secrets masked as in every other output. Empty when
     * the app has no containers.
     *
     * @throws IllegalArgumentException when no pass saw the stack, or its target is not configured
     * @throws LogsRefusedException when the stack's secrets cannot be read, so its logs could not be masked
     */
    public List<ContainerLog> recentLogs(String stack, int lines) {
        StackStatus st = status(stack).orElseThrow(() -> new IllegalArgumentException("no stack '" + stack
                + "' was seen by the last pass"));
        AppsApi api = targets.get(st.target());
        if (api == null) {
            throw new IllegalArgumentException("stack '" + stack + "' goes to target '" + st.target()
                    + "', which is not configured");
        }
        java.util.function.UnaryOperator<String> mask = java.util.function.UnaryOperator.identity();
        Optional<DesiredStack> desired = source.lastGood().flatMap(snap -> scanner.scan(snap.root()).stacks().stream()
                .map(DesiredStack::from).filter(d -> d.name().equals(stack)).findFirst());
        if (desired.isPresent()) {
            if (desired.get().rendered() == null) {
                throw new LogsRefusedException("the logs of stack '" + stack + "' are not shown: its compose or"
                        + " secrets cannot be read at the checked-out revision, so what its containers print could"
                        + " not be masked; fix the stack (truenas-gitops validate) or read them on the NAS");
            }
            mask = desired.get().rendered().masker()::mask;
        }
        return RecentLogs.of(api, stack, Math.max(1, Math.min(lines, RecentLogs.MAX_LINES)), mask);
    }

    /** Logs not shown because they could not be masked. */
    public static final class LogsRefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public LogsRefusedException(String message) {
            super(message);
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
        return rollback(stack, revision, destroyNewer, listener, TriggerReason.API);
    }

    /** As {@link #rollback(String, String, boolean, SyncListener)}, asked for by {@code trigger} (its history). */
    public RollbackResult rollback(String stack, String revision, boolean destroyNewer, SyncListener listener,
            TriggerReason trigger) throws InterruptedException {
        if (mode == Mode.REPORT) {
            throw new RollbackRefusedException("cannot roll stack '" + stack + "' back: the daemon is in report mode"
                    + " (observe only), which never writes to the NAS; switch with 'truenas-gitops mode sync' first");
        }
        passLock.lockInterruptibly();
        try {
            RollbackResult r = rollbacks.execute(stack, revision, destroyNewer, io.truenasgitops.stacks.StackSettings.DEFAULT_HEALTH_TIMEOUT,
                    this::suspend, e -> {
                        synchronized (stateLock) {
                            addEvent(e, listener);
                            if (Reasons.ROLLBACK_FAILED.equals(e.reason())) {
                                StackStatus st = statuses.get(stack);
                                history.record(stack, new HistoryEntry(0, e.time(), HistoryEntry.Kind.ROLLBACK_FAILED,
                                        HistoryEntry.Operation.ROLLBACK, e.revision(),
                                        st == null ? null : st.lastAppliedRevision(),
                                        Reason.of(e.reason(), e.message()), trigger, 1));
                            }
                            persist();
                        }
                    }, job -> {});
            synchronized (stateLock) {
                recordRollback(stack, r, trigger);
                persist();
            }
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

    /**
     * {@code onFailure: rollback} (stack.yaml, else {@link ReconcileConfig#onFailure()}): the last revision that passed
     * the health gate on this NAS (the inventory's, which only a healthy apply writes) as that revision renders the
     * stack, when it is another compose than the one that failed; empty when there is none, or it cannot be read.
     */
    private Optional<ApplyExecutor.LastGood> rollbackTarget(Action failed, DesiredStack failing) {
        var mode = failing.settings().onFailure() != null ? failing.settings().onFailure() : config.onFailure();
        if (mode != io.truenasgitops.stacks.StackSettings.OnFailure.ROLLBACK) {
            return Optional.empty();
        }
        Optional<InventoryEntry> good;
        synchronized (stateLock) {
            good = inventory.get(failed.target(), failed.stack());
        }
        if (good.isEmpty() || good.get().revision() == null || good.get().hash().equals(failing.hash())) {
            LOG.infof("%s: onFailure is rollback, but no other revision passed the health gate on target '%s' yet:"
                    + " nothing to roll back to", failed.stack(), failed.target());
            return Optional.empty();
        }
        try {
            var snap = source.checkout(good.get().revision());
            return scanner.scan(snap.root()).stacks().stream().filter(st -> st.name().equals(failed.stack()))
                    .map(DesiredStack::from)
                    .filter(d -> d.isValid() && d.target().equals(failed.target()))
                    .findFirst().map(d -> new ApplyExecutor.LastGood(good.get().revision(), d));
        } catch (RuntimeException e) {
            LOG.warnf("%s: onFailure is rollback, but revision %s cannot be read: %s", failed.stack(),
                    Planner.shortRev(good.get().revision()), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * After a rollback the app runs the older revision: the status, the inventory and the history say so (not the
     * revision Git has), until a pass applies another one.
     */
    private void recordRollback(String stack, RollbackResult r, TriggerReason trigger) {
        Instant now = clock.now();
        Reason reason = Reason.of(Reasons.ROLLED_BACK, r.message());
        StackStatus st = statuses.get(stack);
        String from = r.plan().liveRevision() != null ? r.plan().liveRevision()
                : st == null ? null : st.lastAppliedRevision();
        if (st != null) {
            StackStatus.Builder b = st.toBuilder();
            b.lastAppliedRevision = r.plan().revision();
            if (r.hash() != null) {
                b.lastAppliedHash = r.hash();
            }
            b.lastAppliedAt = now;
            b.lastReason = reason;
            b.lastError = null;
            b.suspended = true;
            b.health = HealthStatus.SUSPENDED;
            b.updatedAt = now;
            statuses.put(stack, b.build());
            metrics.stackStatus(stack, HealthStatus.SUSPENDED);
            metrics.stackLastApplied(stack, now);
        }
        if (r.hash() != null) {
            inventory.get(r.plan().target(), stack).ifPresent(e -> inventory = inventory.with(new InventoryEntry(
                    e.target(), e.app(), e.path(), r.hash(), r.plan().revision(), e.prune(), e.state(), now,
                    e.secretPaths())));
        }
        history.record(stack, new HistoryEntry(0, now, HistoryEntry.Kind.ROLLED_BACK, HistoryEntry.Operation.ROLLBACK,
                r.plan().revision(), from, reason, trigger, 1));
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
        Plan plan = Planner.plan(planInput(obs, options, observer.datasets(obs, storage)));
        if (obs.revision() != null) {
            suspendedInGit = obs.desiredByName().values().stream().filter(d -> d.settings().suspend())
                    .map(DesiredStack::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
        }
        if (mode == Mode.REPORT) {
            plan = Planner.reportOnly(plan);
        }
        listener.onPlan(plan);
        List<Action> selected = plan.actions().stream().filter(a -> options.selects(a.stack())).toList();
        if (options.dryRun()) {
            List<PassResult.ActionResult> planned = selected.stream().map(a -> new PassResult.ActionResult(a, ActionOutcome.PLANNED,
                    a.reason(), HealthStatus.UNKNOWN)).toList();
            return new PassResult(plan, planned, true, start, Duration.between(start, clock.now()),
                    PassOutcome.DRY_RUN);
        }

        try {
            passListener.onPassStart(plan, selected);
        } catch (RuntimeException e) {
            LOG.warnf("a pass observer failed: %s", e.getMessage()); // never fails the pass it watches
        }
        Map<String, ImageUpdateWatch.Seen> images = imageUpdates.observe(obs.desiredByName().values(), obs.liveByKey(),
                obs.live().keySet(), targets, s -> status(s).orElse(null));
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
                StackStatus before = statuses.get(a.stack());
                Decision d = mapper.decide(before, a, o, obs.revision(), end);
                record(a, o, d, obs, listener);
                StackHistory.ofPass(a, o, before, d.status().lastReason(), obs.revision(), options.trigger(), end,
                        d.status().failedApply())
                        .ifPresent(e -> history.record(a.stack(), e));
                results.add(new PassResult.ActionResult(a, o.kind(), d.status().lastReason(), o.health()));
            }
            if (options.stacks().isEmpty()) {
                // stacks gone from Git and from the NAS (never on a stale source)
                for (String name : InventoryRules.vanishedStatuses(statuses, plan, obs)) {
                    statuses.remove(name);
                    metrics.stackRemoved(name);
                }
                inventory = InventoryRules.withoutVanished(inventory, obs);
                Set<String> known = new java.util.HashSet<>(statuses.keySet());
                inventory.all().forEach(e -> known.add(e.app()));
                history.forgetGone(known);
            }
            imageUpdates.record(statuses, images, obs.desiredByName(), end, obs.revision(), e -> addEvent(e, listener));
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
        try {
            passListener.onPassEnd(pr);
        } catch (RuntimeException e) {
            // an observer (notifications) never fails the pass it watches
            LOG.warnf("a pass observer failed: %s", e.getMessage());
        }
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
        inventory = InventoryRules.afterAction(inventory, a, o, obs.desiredByName().get(a.stack()),
                obs.liveByKey().get(InventoryEntry.key(a.target(), a.stack())), obs.revision(), obs.sourceUrl(),
                clock.now());
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

    // ---- observation -----------------------------------------------------------------------------------------

    /** Observes (I/O in the {@link Observer}); with {@code recordEvents}, the changes of targets and source. */
    private Observation observe(boolean recordEvents) {
        Observation obs = observer.observe(sourceState.sourceUrl());
        if (recordEvents) {
            synchronized (stateLock) {
                for (Observation.TargetSeen t : obs.targetsSeen()) {
                    var next = StateTransitions.target(targetStates.get(t.target()), t.target(), t.up(), t.error(),
                            t.appsServiceDown(), sourceState.revision(), clock.now());
                    notice(next.notices());
                    targetStates.put(t.target(), next.state());
                }
                var next = StateTransitions.source(sourceState, obs.snapshot(), obs.fetched(), obs.fetchError(),
                        source.describe(), clock.now());
                notice(next.notices());
                sourceState = next.state();
            }
        }
        return obs;
    }

    private void notice(List<StateTransitions.Notice> notices) {
        for (StateTransitions.Notice n : notices) {
            addEvent(n.event(), SyncListener.NONE);
            if (n.level() == Decision.LogLevel.WARN) {
                LOG.warn(n.log());
            } else if (n.level() == Decision.LogLevel.INFO) {
                LOG.info(n.log());
            }
        }
    }

    private PlanInput planInput(Observation obs, SyncOptions options,
            Map<String, List<io.truenasgitops.truenas.Dataset>> datasets) {
        synchronized (stateLock) {
            return PlanInput.builder().sourceUrl(obs.sourceUrl()).revision(obs.revision()).sourceFresh(obs.fresh())
                    .stacks(obs.stacks()).live(obs.live()).targets(targets.keySet()).unreachable(obs.unreachable())
                    .inventory(inventory).statuses(statuses).suspended(suspended).prune(config.prune() || options.prune())
                    .selfAppName(config.selfAppName()).forced(options.force()).now(clock.now())
                    .dockerDown(obs.dockerDown()).selfApps(obs.selfApps()).datasets(datasets).build();
        }
    }

    /**
     * Records an event that did not come from a pass (the daemon's image automation); it is kept, persisted and
     * listed with the passes' own.
     */
    public void record(Event e) {
        synchronized (stateLock) {
            addEvent(e, SyncListener.NONE);
            persist();
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
                    List.copyOf(events), history.asMap()));
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
        private SyncListener passListener;
        private Mode mode;

        /** The mode passes start in (default {@link Mode#SYNC}). */
        public Builder mode(Mode m) {
            this.mode = m;
            return this;
        }

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

        /**
         * Told about every pass of this engine ({@link SyncListener#onPassStart}, {@link SyncListener#onPassEnd}),
         * whoever started it; {@link SyncListener#both} makes two observers one.
         */
        public Builder passListener(SyncListener o) {
            this.passListener = o;
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
