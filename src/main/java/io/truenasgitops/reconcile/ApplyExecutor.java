package io.truenasgitops.reconcile;

import io.truenasgitops.stacks.StackSettings;
import io.truenasgitops.stacks.StackSettings.DesiredState;
import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppState;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.ConnectionLostException;
import io.truenasgitops.truenas.DeleteOptions;
import io.truenasgitops.truenas.Job;
import io.truenasgitops.truenas.JobListener;
import io.truenasgitops.truenas.JobOutcomeUnknownException;
import io.truenasgitops.truenas.TrueNasException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Carries out a plan: one worker per app (never two operations on one app at a time), different apps in
 * parallel up to the pool size, dependencies first. Each write is tracked to the end of its job and followed
 * by the health gate. Exceptions never escape: they become {@link Outcome}s through the {@link OutcomeMapper}.
 */
final class ApplyExecutor {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ApplyExecutor.class);

    private final EngineClock clock;
    private final ReconcileMetrics metrics;
    private final OutcomeMapper mapper;
    private final HealthGate gate;
    private final Duration pollInterval;
    private final Map<String, ReentrantLock> appLocks = new ConcurrentHashMap<>();
    private final BeforeChange beforeChange;

    /**
     * Runs before a writing action that changes an app's data or definition (update, delete); an outcome holds the
     * action back (nothing is sent for it). The {@code snapshot:} policy ({@link SnapshotGuard}) is one, the
     * creation of missing data folders ({@link DataFolderGuard}) another.
     */
    interface BeforeChange {
        Optional<Outcome> beforeChange(Action a, DesiredStack d, LiveApp live, Context ctx) throws InterruptedException;

        BeforeChange NONE = (a, d, live, ctx) -> Optional.empty();

        /** The steps in order; the first that holds the action back ends it (the later ones do not run). */
        static BeforeChange inOrder(BeforeChange... steps) {
            return (a, d, live, ctx) -> {
                for (BeforeChange step : steps) {
                    Optional<Outcome> held = step.beforeChange(a, d, live, ctx);
                    if (held.isPresent()) {
                        return held;
                    }
                }
                return Optional.empty();
            };
        }
    }

    /**
     * {@code onFailure: rollback}: the stack as it was at the last revision that passed the health gate on this NAS,
     * when the stack (or the daemon's default) asks for a rollback and there is such a revision other than the one
     * that failed; empty otherwise (the failure stays, as with {@code onFailure: stay}).
     */
    interface Remediation {
        Optional<LastGood> rollbackTarget(Action failed, DesiredStack failing);

        Remediation NONE = (a, d) -> Optional.empty();
    }

    /** A revision to roll back to and the stack as that revision renders it. */
    record LastGood(String revision, DesiredStack stack) {}

    private final Remediation remediation;

    ApplyExecutor(ReconcileConfig config, EngineClock clock, ReconcileMetrics metrics, OutcomeMapper mapper) {
        this(config, clock, metrics, mapper, BeforeChange.NONE, Remediation.NONE);
    }

    ApplyExecutor(ReconcileConfig config, EngineClock clock, ReconcileMetrics metrics, OutcomeMapper mapper,
            BeforeChange beforeChange) {
        this(config, clock, metrics, mapper, beforeChange, Remediation.NONE);
    }

    ApplyExecutor(ReconcileConfig config, EngineClock clock, ReconcileMetrics metrics, OutcomeMapper mapper,
            BeforeChange beforeChange, Remediation remediation) {
        this.remediation = remediation;
        this.beforeChange = beforeChange;
        this.clock = clock;
        this.metrics = metrics;
        this.mapper = mapper;
        this.gate = new HealthGate(clock, config.settleTime(), config.healthPollInterval());
        this.pollInterval = config.healthPollInterval();
    }

    /** What an execution needs besides the actions. */
    record Context(Map<String, DesiredStack> desired, Map<String, LiveApp> liveByKey, Map<String, AppsApi> targets,
            String revision, String sourceUrl, SyncListener listener, ExecutorService pool) {}

    /** Runs {@code actions} (in dependency order) and returns the outcome of each, in the same order. */
    Map<Action, Outcome> execute(List<Action> actions, Context ctx) throws InterruptedException {
        Map<Action, CompletableFuture<Outcome>> futures = new LinkedHashMap<>();
        Map<String, CompletableFuture<Outcome>> byStack = new LinkedHashMap<>();
        for (Action a : actions) {
            CompletableFuture<Outcome> f;
            if (!a.writes()) {
                f = CompletableFuture.completedFuture(passive(a, ctx));
            } else {
                List<CompletableFuture<Outcome>> deps = new ArrayList<>();
                List<String> depNames = new ArrayList<>();
                for (String dep : a.dependsOn()) {
                    CompletableFuture<Outcome> df = byStack.get(dep);
                    if (df != null && isWrite(actions, dep)) {
                        deps.add(df);
                        depNames.add(dep);
                    }
                }
                f = CompletableFuture.allOf(deps.toArray(CompletableFuture[]::new)).thenApplyAsync(v -> {
                    for (int i = 0; i < deps.size(); i++) {
                        Outcome o = deps.get(i).join();
                        if (!(o instanceof Outcome.Applied ap) || !ap.health().isGood()) {
                            LiveApp live = ctx.liveByKey().get(InventoryEntry.key(a.target(), a.stack()));
                            return new Outcome.Waiting(Reason.of(Reasons.DEPENDENCY_NOT_READY, "stack '" + a.stack()
                                    + "' waits for '" + depNames.get(i) + "', which did not become ready ("
                                    + o.label() + ")"), health(live, a), live == null ? null : live.state());
                        }
                    }
                    return runOne(a, ctx);
                }, ctx.pool());
            }
            futures.put(a, f);
            byStack.put(a.stack(), f);
        }
        Map<Action, Outcome> out = new LinkedHashMap<>();
        for (var e : futures.entrySet()) {
            try {
                out.put(e.getKey(), e.getValue().get());
            } catch (ExecutionException ex) {
                Throwable cause = ex.getCause() == null ? ex : ex.getCause();
                out.put(e.getKey(), mapper.classify(e.getKey(), cause, HealthStatus.UNKNOWN, null,
                        e.getKey().fingerprint()));
            }
        }
        return out;
    }

    private static boolean isWrite(List<Action> actions, String stack) {
        return actions.stream().anyMatch(a -> a.stack().equals(stack) && a.writes());
    }

    private Outcome passive(Action a, Context ctx) {
        LiveApp live = ctx.liveByKey().get(InventoryEntry.key(a.target(), a.stack()));
        AppState state = live == null ? null : live.state();
        if (a.type() == ActionType.BLOCKED) {
            return new Outcome.Blocked(a.reason(), health(live, a), state);
        }
        return new Outcome.Unchanged(health(live, a), state);
    }

    private static HealthStatus health(LiveApp live, Action a) {
        return HealthStatus.assess(live == null ? null : live.state(),
                a.wantState() == null ? DesiredState.RUNNING : a.wantState());
    }

    private Outcome runOne(Action a, Context ctx) {
        AppsApi api = ctx.targets().get(a.target());
        DesiredStack d = ctx.desired().get(a.stack());
        LiveApp live = ctx.liveByKey().get(InventoryEntry.key(a.target(), a.stack()));
        Duration timeout = d == null || d.settings().healthTimeout() == null
                ? StackSettings.DEFAULT_HEALTH_TIMEOUT : d.settings().healthTimeout();
        ReentrantLock lock = appLocks.computeIfAbsent(InventoryEntry.key(a.target(), a.stack()), k -> new ReentrantLock());
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Transient(Reason.of(Reasons.TRANSIENT_ERROR, "apply of '" + a.stack()
                    + "' was interrupted by shutdown"), health(live, a), live == null ? null : live.state());
        }
        try {
            ctx.listener().onActionStart(a, verbIng(a.type()) + " app '" + a.stack() + "' on target '" + a.target()
                    + "' at revision " + Planner.shortRev(ctx.revision())
                    + (a.type() == ActionType.DELETE || a.type() == ActionType.STOP ? ""
                            : " with a health timeout of " + Durations.human(timeout)));
            if (a.type() == ActionType.CREATE || a.type() == ActionType.UPDATE) {
                pullNewImages(a, d, live, api, ctx);
            }
            Optional<Outcome> held = beforeChange.beforeChange(a, d, live, ctx);
            if (held.isPresent()) {
                return held.get();
            }
            if (a.type() != ActionType.DELETE && a.type() != ActionType.STOP && api != null) {
                // before the job, so that a container that dies right after its start is heard of (OOM kills)
                try {
                    api.watchContainerExits();
                } catch (RuntimeException e) {
                    LOG.debugf("%s: docker.events not followed: %s", a.stack(), e.getMessage());
                }
            }
            return switch (a.type()) {
                case CREATE -> create(a, d, api, ctx, timeout);
                case UPDATE -> update(a, d, live, api, ctx, timeout);
                case START -> {
                    job(a, ctx, timeout, () -> { api.start(a.stack(), listener(a, ctx)); return null; },
                            () -> api.get(a.stack(), false).map(x -> Planner.isUp(x.state())).orElse(false));
                    AppState s = gate.awaitRunning(api, a.stack(), timeout, oneShot(a, ctx));
                    yield new Outcome.Applied("started", HealthStatus.HEALTHY, s, Set.of());
                }
                case STOP -> {
                    stop(a, api, ctx, timeout);
                    yield new Outcome.Applied("stopped", HealthStatus.STOPPED, AppState.STOPPED, Set.of());
                }
                case DELETE -> {
                    job(a, ctx, timeout, () -> { api.delete(a.stack(), DeleteOptions.defaults(), listener(a, ctx)); return null; },
                            () -> api.get(a.stack(), false).isEmpty());
                    yield new Outcome.Deleted("deleted app '" + a.stack() + "' on target '" + a.target()
                            + "': its folder " + a.path() + " is gone and prune is on");
                }
                default -> throw new IllegalStateException("not a writing action: " + a.type());
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Transient(Reason.of(Reasons.TRANSIENT_ERROR, "apply of '" + a.stack()
                    + "' was interrupted by shutdown; its job goes on on the NAS"), HealthStatus.UNKNOWN, null);
        } catch (RuntimeException e) {
            // Look again so a Stalled outcome remembers the situation it failed in (not the one before).
            LiveApp after = observeQuietly(api, a);
            String fp = d == null || !d.isValid() ? a.fingerprint()
                    : after == null && api != null ? a.fingerprint() : Planner.fingerprint(d, after, a.wantState());
            java.util.function.UnaryOperator<String> mask = d == null || d.rendered() == null
                    ? java.util.function.UnaryOperator.identity() : d.rendered().masker()::mask;
            // what the app's dead containers printed last: the cause in their own words (I/O, so read here)
            String printed = api != null && after != null && deadAfterApply(e)
                    ? ContainerLogTail.of(api, a.stack(), mask) : "";
            Outcome failed = mapper.classify(a, e, health(after, a), after == null ? null : after.state(), fp, mask,
                    printed);
            if (a.type() == ActionType.UPDATE && api != null && d != null && d.isValid() && sentAndFailed(e)
                    && failed instanceof Outcome.Stalled stalled) {
                Optional<LastGood> back = remediation.rollbackTarget(a, d);
                if (back.isPresent()) {
                    return rollBack(a, d, api, ctx, timeout, stalled, back.get());
                }
            }
            return failed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * An update that was sent and failed (its health gate, or its job): a refused pull sent nothing, the app runs as
     * it did, so there is nothing to roll back.
     */
    private static boolean sentAndFailed(RuntimeException e) {
        return deadAfterApply(e) && !(e instanceof io.truenasgitops.truenas.ImagePullFailedException)
                && !(e instanceof io.truenasgitops.truenas.ImagePullRateLimitedException);
    }

    /**
     * {@code onFailure: rollback}: applies the compose of the last revision that passed the gate on this NAS again
     * (data stays as it is), starts the app and runs the gate. The stack is then stalled as {@code RolledBack} on the
     * situation it is in now, so that the failing revision is not applied again until Git changes; a rollback that
     * fails too says both failures.
     */
    private Outcome rollBack(Action a, DesiredStack failing, AppsApi api, Context ctx, Duration timeout,
            Outcome.Stalled failed, LastGood back) {
        String from = Planner.shortRev(ctx.revision());
        String to = Planner.shortRev(back.revision());
        DesiredStack old = back.stack();
        LOG.infof("%s: the update to %s failed; rolling back to %s (onFailure: rollback)", a.stack(), from, to);
        try {
            Map<String, Object> payload = old.rendered().stamped(ctx.sourceUrl(), old.relativeDir(), back.revision());
            job(a, ctx, timeout, () -> api.update(a.stack(), payload, listener(a, ctx)), () -> landed(api, a.stack(),
                    old.hash()));
            boolean up = api.get(a.stack(), false).map(x -> Planner.isUp(x.state())).orElse(false);
            if (!up || api.get(a.stack(), false).map(x -> x.state() == AppState.CRASHED).orElse(false)) {
                job(a, ctx, timeout, "app.start", () -> { api.start(a.stack(), listener(a, ctx)); return null; },
                        () -> api.get(a.stack(), false).map(x -> Planner.isUp(x.state())).orElse(false));
            }
            AppState s = gate.awaitRunning(api, a.stack(), timeout, HealthGate.oneShotServices(old.rendered().compose()));
            LiveApp after = observeQuietly(api, a);
            String fp = after == null ? a.fingerprint() : Planner.fingerprint(failing, after, a.wantState());
            return new Outcome.Stalled(Reason.of(Reasons.ROLLED_BACK, "app '" + a.stack() + "' on target '"
                    + a.target() + "' was rolled back from " + from + " to " + to + " (onFailure: rollback): "
                    + failed.reason().message() + "; the compose of " + to + ", the last revision that passed the"
                    + " health gate on this NAS, is applied again and runs (its data stays as " + from + " left it)."
                    + " Revision " + from + " is not applied again until the stack changes in Git (sync --stack "
                    + a.stack() + " tries it again)"), HealthStatus.HEALTHY, s, fp, Outcome.StallRetry.NEVER,
                    back.revision());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed;
        } catch (RuntimeException e) {
            LiveApp after = observeQuietly(api, a);
            String fp = after == null ? failed.fingerprint() : Planner.fingerprint(failing, after, a.wantState());
            return new Outcome.Stalled(Reason.of(Reasons.ROLLBACK_FAILED, failed.reason().message()
                    + "; the rollback of app '" + a.stack() + "' to " + to + " (onFailure: rollback) failed too: "
                    + e.getMessage()), HealthStatus.DEGRADED, after == null ? null : after.state(), fp,
                    Outcome.StallRetry.SLOWLY);
        }
    }

    /** A failure after which containers of the app may have died: a failed health gate or a failed job. */
    private static boolean deadAfterApply(RuntimeException e) {
        return e instanceof HealthGateException || e instanceof TrueNasException t && t.jobId() != null;
    }

    /**
     * Pulls on the NAS each image the apply brings ({@link NewImages}) before anything is sent for the app: a tag the
     * registry does not have fails here, while the app still runs as it did, and not after {@code app.update} took
     * it down. A failed pull throws its typed error; the {@link OutcomeMapper} makes it {@code ImagePullFailed}.
     */
    private void pullNewImages(Action a, DesiredStack d, LiveApp live, AppsApi api, Context ctx) {
        if (d == null || !d.isValid()) {
            return;
        }
        for (String image : NewImages.of(d.rendered().compose(), live == null ? Map.of() : live.config())) {
            LOG.debugf("%s: pulling image '%s' on target '%s' before the %s", a.stack(), image, a.target(),
                    a.type().method());
            Instant start = clock.now();
            try {
                api.pullImage(image, listener(a, ctx));
                metrics.jobCompleted("app.image.pull", "SUCCESS", Duration.between(start, clock.now()));
            } catch (TrueNasException e) {
                metrics.jobCompleted("app.image.pull", e.jobId() != null ? "FAILED" : "ERROR",
                        Duration.between(start, clock.now()));
                throw e;
            }
        }
    }

    private Outcome create(Action a, DesiredStack d, AppsApi api, Context ctx, Duration timeout)
            throws InterruptedException {
        Optional<Outcome> followed = followRunningJob(a, d, api, ctx, timeout);
        if (followed.isPresent()) {
            return followed.get();
        }
        Map<String, Object> payload = payload(d, ctx);
        job(a, ctx, timeout, () -> api.create(a.stack(), payload, listener(a, ctx)), () -> landed(api, a.stack(), d.hash()));
        return afterCreate(a, api, ctx, timeout, "created");
    }

    /** The create and delete jobs a new create must not race. */
    static final Set<String> CREATE_OR_DELETE = Set.of("app.create", "app.delete");

    /**
     * Before creating an app that is missing, looks for a create or delete job of that app still running on the
     * NAS (a slow job, or one an earlier run of this daemon lost track of when it was killed) and follows it to
     * its end instead of racing it with a second create. A create job that leaves our hash is this apply done; one
     * that leaves something else is looked at again by the next pass; a delete that ended (or any job that failed)
     * lets this create go on.
     */
    private Optional<Outcome> followRunningJob(Action a, DesiredStack d, AppsApi api, Context ctx, Duration timeout)
            throws InterruptedException {
        Optional<Job> running = api.runningJob(a.stack(), CREATE_OR_DELETE);
        if (running.isEmpty()) {
            return Optional.empty();
        }
        Job j = running.get();
        LOG.infof("%s: job %d (%s) of app '%s' is still running on the NAS: following it to its end instead of"
                + " sending another create", a.stack(), j.id(), j.method(), a.stack());
        try {
            job(a, ctx, timeout, j.method(), () -> api.awaitJob(j, listener(a, ctx), timeout), () -> false);
        } catch (TrueNasException e) {
            if (e.isRetryable()) {
                throw e;
            }
            LOG.infof("%s: the running job %d ended without success (%s); creating the app now", a.stack(), j.id(),
                    e.getMessage());
            return Optional.empty();
        }
        if (!"app.create".equals(j.method())) {
            return Optional.empty();
        }
        if (landed(api, a.stack(), d.hash())) {
            return Optional.of(afterCreate(a, api, ctx, timeout, "created by job " + j.id() + ", which was already"
                    + " running on the NAS"));
        }
        return Optional.of(new Outcome.Transient(Reason.of(Reasons.TRANSIENT_ERROR, "a create job of app '"
                + a.stack() + "' (job " + j.id() + ") was already running on the NAS; it was followed to its end and"
                + " left another version than Git's; the next pass plans from what is there"),
                HealthStatus.UNKNOWN, null));
    }

    /** The one-shot services of the stack's compose, whose containers may exit (HealthGate). */
    private static Set<String> oneShot(Action a, Context ctx) {
        DesiredStack d = ctx.desired().get(a.stack());
        return d == null || !d.isValid() ? Set.of() : HealthGate.oneShotServices(d.rendered().compose());
    }

    private Outcome afterCreate(Action a, AppsApi api, Context ctx, Duration timeout, String how)
            throws InterruptedException {
        if (a.wantState() == DesiredState.STOPPED) {
            stop(a, api, ctx, timeout);
            return new Outcome.Applied(how + " (stopped, as stack.yaml says)", HealthStatus.STOPPED,
                    AppState.STOPPED, Set.of());
        }
        AppState s = gate.awaitRunning(api, a.stack(), timeout, oneShot(a, ctx));
        return new Outcome.Applied(how, HealthStatus.HEALTHY, s, Set.of());
    }

    private Outcome update(Action a, DesiredStack d, LiveApp live, AppsApi api, Context ctx, Duration timeout)
            throws InterruptedException {
        boolean wasUp = live != null && Planner.isUp(live.state());
        Map<String, Object> payload = payload(d, ctx);
        job(a, ctx, timeout, () -> api.update(a.stack(), payload, listener(a, ctx)), () -> landed(api, a.stack(), d.hash()));
        if (a.wantState() == DesiredState.STOPPED) {
            if (!wasUp) {
                // app.update of a stopped app only rewrites its files: it stays stopped, as wanted
                return new Outcome.Applied("updated (stays stopped)", HealthStatus.STOPPED, AppState.STOPPED, Set.of());
            }
            if (a.enforceState()) {
                stop(a, api, ctx, timeout);
                return new Outcome.Applied("updated and stopped", HealthStatus.STOPPED, AppState.STOPPED, Set.of());
            }
            AppState s = api.get(a.stack(), false).map(App::state).orElse(null);
            return new Outcome.Applied("updated; it runs although stack.yaml says stopped (reported only)",
                    HealthStatus.assess(s, DesiredState.STOPPED), s, EnumSet.of(DriftKind.STATE));
        }
        if (!wasUp) {
            if (!a.enforceState()) {
                return new Outcome.Applied("updated; it stays stopped (stopped outside Git, reported only)",
                        HealthStatus.DEGRADED, AppState.STOPPED, EnumSet.of(DriftKind.STATE));
            }
            job(a, ctx, timeout, () -> { api.start(a.stack(), listener(a, ctx)); return null; },
                    () -> api.get(a.stack(), false).map(x -> Planner.isUp(x.state())).orElse(false));
        }
        AppState s = gate.awaitRunning(api, a.stack(), timeout, oneShot(a, ctx));
        return new Outcome.Applied(wasUp ? "updated" : "updated and started", HealthStatus.HEALTHY, s, Set.of());
    }

    private void stop(Action a, AppsApi api, Context ctx, Duration timeout) throws InterruptedException {
        job(a, ctx, timeout, "app.stop", () -> { api.stop(a.stack(), listener(a, ctx)); return null; },
                () -> api.get(a.stack(), false).map(x -> x.state() == AppState.STOPPED).orElse(false));
        gate.awaitStopped(api, a.stack(), timeout);
    }

    private Map<String, Object> payload(DesiredStack d, Context ctx) {
        return d.rendered().stamped(ctx.sourceUrl(), d.relativeDir(), ctx.revision());
    }

    private static boolean landed(AppsApi api, String app, String hash) {
        Optional<App> now = api.get(app, true);
        return now.map(x -> LiveApp.observe("", x)).map(l -> hash.equals(l.hash())
                && l.stamp().map(s -> hash.equals(s.hash())).orElse(false)).orElse(false);
    }

    private <T> T job(Action a, Context ctx, Duration timeout, Supplier<T> call, BooleanSupplier landed)
            throws InterruptedException {
        return job(a, ctx, timeout, a.type().method(), call, landed);
    }

    /**
     * Runs one job method and records its duration. When the connection drops mid-job the job goes on on the NAS,
     * so the outcome is found out by looking at the app until {@code landed} says the job's effect is there (then
     * the health gate decides) or the timeout passes (then the connection loss is reported, as retryable).
     */
    private <T> T job(Action a, Context ctx, Duration timeout, String method, Supplier<T> call, BooleanSupplier landed)
            throws InterruptedException {
        Instant start = clock.now();
        try {
            T result = call.get();
            metrics.jobCompleted(method, "SUCCESS", Duration.between(start, clock.now()));
            return result;
        } catch (ConnectionLostException | JobOutcomeUnknownException e) {
            Instant deadline = clock.now().plus(timeout);
            while (clock.now().isBefore(deadline)) {
                try {
                    if (landed.getAsBoolean()) {
                        metrics.jobCompleted(method, "SUCCESS", Duration.between(start, clock.now()));
                        return null;
                    }
                } catch (TrueNasException again) {
                    if (!again.isRetryable()) {
                        break;
                    }
                }
                clock.sleep(pollInterval);
            }
            metrics.jobCompleted(method, "UNKNOWN", Duration.between(start, clock.now()));
            throw e;
        } catch (TrueNasException e) {
            metrics.jobCompleted(method, e.jobId() != null ? "FAILED" : "ERROR", Duration.between(start, clock.now()));
            throw e;
        }
    }

    private static JobListener listener(Action a, Context ctx) {
        return job -> ctx.listener().onJob(a, job);
    }

    private static LiveApp observeQuietly(AppsApi api, Action a) {
        if (api == null) {
            return null;
        }
        try {
            return api.get(a.stack(), true).map(x -> LiveApp.observe(a.target(), x)).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String verbIng(ActionType t) {
        return switch (t) {
            case CREATE -> "creating";
            case UPDATE -> "updating";
            case DELETE -> "deleting";
            case START -> "starting";
            case STOP -> "stopping";
            default -> "checking";
        };
    }
}
