package io.truenasgitops.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Runs passes of a {@link Reconciler} on one worker thread: every poll interval (with jitter), when a transient
 * failure's backoff ends, and on triggers. All triggers go into one queue that coalesces: however many arrive
 * while a pass runs, one pass follows it. A pass never overlaps another.
 *
 * <p>A trigger naming a stack is a human asking for that stack (REST, CLI): it is synced with drift reverted and
 * Stalled/backoff holds ignored; a trigger without a stack (timer, webhook) is a normal pass over all stacks.
 *
 * <p>The worker never dies of a pass: whatever a pass throws (a bug, a {@link StackOverflowError} from input no
 * bound caught) ends that pass as failed, is kept as {@link #lastFailure()}, and the loop goes on. Liveness turns
 * DOWN when passes stop finishing.
 */
public final class ReconcileLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ReconcileLoop.class);

    /** Longest real wait between two looks at the clock, so a clock driven by a test is noticed soon. */
    private static final long MAX_WAIT_MS = 1000;

    private final Reconciler reconciler;
    private final ReconcileConfig config;
    private final EngineClock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong triggers = new AtomicLong();

    // guarded by lock
    private boolean pendingAll;
    private final Set<String> pendingStacks = new TreeSet<>();
    /** What asked for the pending pass (the history's trigger). */
    private final Set<TriggerReason> pendingReasons = java.util.EnumSet.noneOf(TriggerReason.class);
    private boolean running;
    private boolean inPass;
    private boolean idle;
    private Thread worker;
    private volatile PassResult lastResult;
    private volatile Throwable lastFailure;

    public ReconcileLoop(Reconciler reconciler, ReconcileConfig config) {
        this(reconciler, config, EngineClock.SYSTEM);
    }

    /** A loop whose poll interval and retry times are measured on {@code clock} (the engine's, in tests). */
    public ReconcileLoop(Reconciler reconciler, ReconcileConfig config, EngineClock clock) {
        this.reconciler = reconciler;
        this.config = config;
        this.clock = clock;
    }

    /** Starts the worker; the first pass runs right away. */
    public void start() {
        lock.lock();
        try {
            if (running) {
                return;
            }
            running = true;
            pendingAll = true;
            pendingReasons.add(TriggerReason.STARTUP);
            worker = new Thread(this::run, "reconcile-loop");
            worker.setDaemon(true);
            worker.start();
        } finally {
            lock.unlock();
        }
    }

    /** Asks for a pass (of all stacks, or of one stack when {@code stack} is given). Never blocks. */
    public void trigger(TriggerReason reason, Optional<String> stack) {
        triggers.incrementAndGet();
        lock.lock();
        try {
            pendingReasons.add(reason);
            if (stack.isPresent()) {
                pendingStacks.add(stack.get());
            } else {
                pendingAll = true;
            }
            LOG.debugf("pass requested (%s%s)", reason, stack.map(s -> ", stack " + s).orElse(""));
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Requests a pass over every stack that also forces {@code force} (reverts their drift, retries them when
     * stalled), as one request: the status page's "Sync now" on drifted stacks.
     */
    public void triggerAll(TriggerReason reason, Set<String> force) {
        triggers.incrementAndGet();
        lock.lock();
        try {
            pendingReasons.add(reason);
            pendingAll = true;
            pendingStacks.addAll(force);
            LOG.debugf("pass requested (%s, forcing %s)", reason, force);
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many passes ran since start. */
    public long passes() {
        return passes.get();
    }

    /** How many triggers arrived since start. */
    public long triggers() {
        return triggers.get();
    }

    public boolean isRunning() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the worker thread is alive: false only before {@link #start()}, after {@link #stop()}, or on a bug. */
    public boolean isWorkerAlive() {
        lock.lock();
        try {
            return worker != null && worker.isAlive();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the worker waits with nothing pending: no pass runs, and none starts before a trigger or the next
     * due time on the clock. What tests check instead of sleeping to prove that nothing more happens.
     */
    public boolean isIdle() {
        lock.lock();
        try {
            return idle && !pendingAll && pendingStacks.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a pass is running right now. */
    public boolean isBusy() {
        lock.lock();
        try {
            return inPass;
        } finally {
            lock.unlock();
        }
    }

    public Optional<PassResult> lastResult() {
        return Optional.ofNullable(lastResult);
    }

    /** The error of the last pass that threw (a bug or a broken state store), or empty. */
    public Optional<Throwable> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /**
     * Stops after the pass in flight, waiting for it up to {@link ReconcileConfig#shutdownTimeout()}. The
     * reconciler stays open: whoever built it closes it.
     */
    public void stop() {
        Thread w;
        lock.lock();
        try {
            running = false;
            wake.signalAll();
            w = worker;
        } finally {
            lock.unlock();
        }
        if (w != null) {
            try {
                w.join(config.shutdownTimeout().toMillis());
                if (w.isAlive()) {
                    LOG.warnf("reconcile pass still running after %s; interrupting it (jobs go on on the NAS)",
                            Durations.human(config.shutdownTimeout()));
                    w.interrupt();
                    w.join(1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void run() {
        Instant nextDue = clock.now().plus(jittered());
        boolean dueIsRetry = false;
        while (true) {
            SyncOptions options;
            lock.lock();
            try {
                while (running && !pendingAll && pendingStacks.isEmpty()) {
                    long waitMs = Duration.between(clock.now(), nextDue).toMillis();
                    if (waitMs <= 0) {
                        pendingAll = true;
                        pendingReasons.add(dueIsRetry ? TriggerReason.RETRY : TriggerReason.TIMER);
                        break;
                    }
                    idle = true;
                    wake.await(Math.min(waitMs, MAX_WAIT_MS), TimeUnit.MILLISECONDS);
                }
                idle = false;
                if (!running) {
                    return;
                }
                Set<String> stacks = Set.copyOf(pendingStacks);
                options = (pendingAll ? new SyncOptions(false, false, Set.of(), stacks) : SyncOptions.only(stacks))
                        .withTrigger(TriggerReason.mostTelling(pendingReasons));
                pendingAll = false;
                pendingStacks.clear();
                pendingReasons.clear();
                inPass = true;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                lastResult = reconciler.syncOnce(options);
                lastFailure = null;
            } catch (Throwable e) { // NOPMD: the worker must outlive any pass, even one that hit an Error
                lastFailure = e;
                if (e instanceof InterruptedException || Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                }
                LOG.errorf("reconcile pass failed: %s; the next pass runs as planned", describe(e));
                LOG.debugf(e, "reconcile pass failure");
            } finally {
                passes.incrementAndGet();
                lock.lock();
                try {
                    inPass = false;
                } finally {
                    lock.unlock();
                }
            }
            nextDue = clock.now().plus(jittered());
            dueIsRetry = false;
            try {
                Optional<Instant> retry = reconciler.nextRetryAt();
                // only future retry times count: a stale one must not make the loop spin
                if (retry.isPresent() && retry.get().isAfter(clock.now()) && retry.get().isBefore(nextDue)) {
                    nextDue = retry.get();
                    dueIsRetry = true;
                }
            } catch (RuntimeException e) {
                LOG.errorf("cannot read the next retry time: %s; the next pass runs after the poll interval",
                        describe(e));
            }
            logQuietPass(lastFailure == null ? lastResult : null, Duration.between(clock.now(), nextDue));
        }
    }

    /**
     * A pass that changed nothing still says so, once, at INFO (the Reconciler logs passes that wrote or failed):
     * the person watching the log knows the daemon is alive, at which revision, and when it looks again.
     */
    private static void logQuietPass(PassResult pr, Duration untilNext) {
        if (pr == null || pr.result() != PassOutcome.NO_CHANGE) {
            return;
        }
        String revision = Planner.shortRev(pr.plan().revision());
        org.jboss.logging.MDC.put("revision", revision);
        try {
            LOG.info(quietPassSummary(pr, untilNext));
        } finally {
            org.jboss.logging.MDC.remove("revision");
        }
    }

    /**
     * The line of a pass that changed nothing: {@code pass at REV: nothing to do, 4 stacks in sync, next in 1m},
     * with the stacks that drift (reported only) or are blocked counted apart.
     */
    static String quietPassSummary(PassResult pr, Duration untilNext) {
        List<Action> actions = pr.plan().actions();
        long inSync = actions.stream().filter(a -> a.type() == ActionType.UNCHANGED && a.drift().isEmpty()).count();
        long drifted = actions.stream().filter(a -> a.type() != ActionType.BLOCKED && !a.drift().isEmpty()).count();
        long blocked = actions.stream().filter(a -> a.type() == ActionType.BLOCKED).count();
        StringBuilder line = new StringBuilder("pass at ").append(Planner.shortRev(pr.plan().revision()))
                .append(": nothing to do, ").append(inSync).append(inSync == 1 ? " stack" : " stacks").append(" in sync");
        if (drifted > 0) {
            line.append(", ").append(drifted).append(" drifted (reported only)");
        }
        if (blocked > 0) {
            line.append(", ").append(blocked).append(" blocked");
        }
        return line.append(", next in ").append(Durations.human(roundedToSeconds(untilNext))).toString();
    }

    /** Whole seconds (a jittered 59.7 s reads {@code 1m}), never below zero. */
    private static Duration roundedToSeconds(Duration d) {
        return d.isNegative() ? Duration.ZERO : Duration.ofSeconds(Math.round(d.toMillis() / 1000.0));
    }

    /** One line for a log: the type and the first line of the message, never a stack of 1024 frames. */
    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    private Duration jittered() {
        long base = config.interval().toMillis();
        double j = Math.max(0, Math.min(config.jitter(), 1));
        double factor = 1 + j * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
        return Duration.ofMillis(Math.max(1, (long) (base * factor)));
    }
}
