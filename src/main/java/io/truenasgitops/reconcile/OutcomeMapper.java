package io.truenasgitops.reconcile;

import io.truenasgitops.reconcile.Condition.Status;
import io.truenasgitops.reconcile.Decision.LogLevel;
import io.truenasgitops.truenas.AppState;
import io.truenasgitops.truenas.AppsServiceDownException;
import io.truenasgitops.truenas.ConnectionLostException;
import io.truenasgitops.truenas.FieldError;
import io.truenasgitops.truenas.ImagePullFailedException;
import io.truenasgitops.truenas.ImagePullRateLimitedException;
import io.truenasgitops.truenas.ImageRejectedException;
import io.truenasgitops.truenas.JobOutcomeUnknownException;
import io.truenasgitops.truenas.NotFoundException;
import io.truenasgitops.truenas.TrueNasException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one place where errors and results are classified: {@link #classify} turns an exception into a typed
 * {@link Outcome} (retry or stall), and {@link #decide} turns an outcome into conditions, the next run, the
 * event, the log level and the metric label. Pure.
 */
public final class OutcomeMapper {

    private final RetryPolicy retry;
    private final RetryPolicy stalledRetry;

    /**
     * @param retry backoff of transient failures (connection lost, timeouts)
     * @param stalledRetry slow backoff of stalled applies that may succeed later (a failed job, a failed health
     *     gate); an initial delay of zero turns it off
     */
    public OutcomeMapper(RetryPolicy retry, RetryPolicy stalledRetry) {
        this.retry = retry;
        this.stalledRetry = stalledRetry;
    }

    /**
     * Words of job errors that no retry can fix: the image reference cannot be resolved as written. Everything else
     * a job says (the NAS's usual "Failed 'up' action ... check /var/log/app_lifecycle.log") may be a registry that
     * was briefly down, and is retried slowly.
     */

    /**
     * Classifies a failure of {@code action}. Retryable middleware errors (connection lost, timeouts, rate
     * limits) and unexpected exceptions are transient; failed jobs, validation errors and failed health gates
     * stall: repeating the same apply would fail the same way.
     */
    public Outcome classify(Action action, Throwable error, HealthStatus health, AppState state, String fingerprint) {
        return classify(action, error, health, state, fingerprint, java.util.function.UnaryOperator.identity());
    }

    /**
     * As {@link #classify(Action, Throwable, HealthStatus, AppState, String)}; a failed job's log (containers'
     * output, which may print the stack's secrets) goes through {@code maskLogs} before it joins the reason.
     */
    public Outcome classify(Action action, Throwable error, HealthStatus health, AppState state, String fingerprint,
            java.util.function.UnaryOperator<String> maskLogs) {
        return classify(action, error, health, state, fingerprint, maskLogs, "");
    }

    /**
     * As {@link #classify(Action, Throwable, HealthStatus, AppState, String, java.util.function.UnaryOperator)};
     * {@code containerLogs} are the last lines the app's dead containers printed (already masked, "" for none). An
     * update or start that failed (its job, or its health gate) and left the app {@code state} STOPPED or CRASHED is
     * {@code ApplyFailed}: this tool took the service down, and says why in one message.
     */
    public Outcome classify(Action action, Throwable error, HealthStatus health, AppState state, String fingerprint,
            java.util.function.UnaryOperator<String> maskLogs, String containerLogs) {
        String what = "failed to " + action.type().name().toLowerCase() + " app '" + action.stack() + "' on target '"
                + action.target() + "'";
        String printed = containerLogs == null || containerLogs.isBlank() ? ""
                : "; what its containers printed last:\n" + containerLogs;
        if (error instanceof HealthGateException h) {
            AppState after = h.lastState() != null ? h.lastState() : state;
            Reason r = tookDown(action, after)
                    ? Reason.of(Reasons.APPLY_FAILED, leftDown(action, after) + h.getMessage() + printed)
                    : Reason.of(h.reasonCode(), h.getMessage() + printed);
            return new Outcome.Stalled(r, HealthStatus.DEGRADED, h.lastState(), fingerprint, Outcome.StallRetry.SLOWLY);
        }
        if (error instanceof TrueNasException e) {
            if (e instanceof AppsServiceDownException) {
                // the apps service stopped after this pass listed the apps: it comes back by itself or by a human
                return new Outcome.Transient(Reason.of(Reasons.DOCKER_NOT_RUNNING, what + ": " + e.getMessage()
                        + " (the apps service on the NAS is not running; reconciliation resumes once it is)"),
                        HealthStatus.UNKNOWN, null);
            }
            if (e instanceof NotFoundException && action.type() != ActionType.CREATE) {
                // The app was listed at the start of the pass and is gone now: deleted by hand, or the apps service
                // stopped in between. Nothing in Git is wrong; the next pass observes again and plans from that.
                return new Outcome.Transient(Reason.of(Reasons.TRANSIENT_ERROR, what + ": " + e.getMessage()
                        + " (the app is no longer on the NAS: deleted by hand, or its apps service stopped since this"
                        + " pass listed it; the next pass looks again)"), HealthStatus.UNKNOWN, null);
            }
            if (e instanceof ImagePullFailedException || e instanceof ImagePullRateLimitedException) {
                // The pull came before the app's job: nothing was sent for the app, which runs as it did.
                String notDone = "app '" + action.stack() + "' on target '" + action.target() + "' was not "
                        + (action.type() == ActionType.CREATE ? "created" : "updated") + ": " + e.getMessage()
                        + (action.type() == ActionType.CREATE ? "" : "; the app runs as before");
                if (e instanceof ImagePullRateLimitedException) {
                    return new Outcome.Transient(Reason.of(Reasons.IMAGE_PULL_FAILED, notDone), health, state);
                }
                // Retried slowly: the tag may be pushed, or the credentials saved on the NAS, without a change in Git.
                return new Outcome.Stalled(Reason.of(Reasons.IMAGE_PULL_FAILED, notDone), health, state, fingerprint,
                        Outcome.StallRetry.SLOWLY);
            }
            if (e.isRetryable()) {
                String code = e instanceof ConnectionLostException || e instanceof JobOutcomeUnknownException
                        ? Reasons.CONNECTION_LOST : Reasons.TRANSIENT_ERROR;
                return new Outcome.Transient(Reason.of(code, what + ": " + e.getMessage()), health, state);
            }
            if (!e.fieldErrors().isEmpty()) {
                String fields = e.fieldErrors().stream().map(FieldError::toString).collect(Collectors.joining("; "));
                return new Outcome.Stalled(Reason.of(Reasons.VALIDATION_FAILED, what + ": the NAS rejected the"
                        + " compose: " + fields + "; fix the stack in Git"), health, state, fingerprint,
                        Outcome.StallRetry.NEVER);
            }
            if (e.jobId() != null) {
                // the NAS's own words name its log file already ("Please check /var/log/app_lifecycle.log"): once
                String details = e.jobLogs() != null
                        ? "; the job's log on the NAS (logs_excerpt):\n" + maskLogs.apply(e.jobLogs())
                        : String.valueOf(e.getMessage()).contains("app_lifecycle.log") ? ""
                        : " (details in /var/log/app_lifecycle.log on the NAS)";
                boolean down = tookDown(action, state);
                String failed = "job " + e.jobId() + " failed: " + e.getMessage() + details + printed;
                return new Outcome.Stalled(down ? Reason.of(Reasons.APPLY_FAILED, leftDown(action, state)
                        + "its compose up failed after the old containers were removed; " + failed)
                        : Reason.of(Reasons.JOB_FAILED, what + ": " + failed), health, state,
                        fingerprint, e instanceof ImageRejectedException ? Outcome.StallRetry.NEVER
                                : Outcome.StallRetry.SLOWLY);
            }
            return new Outcome.Stalled(Reason.of(Reasons.APPLY_FAILED, what + ": " + e.getMessage()), health, state,
                    fingerprint, Outcome.StallRetry.NEVER);
        }
        String msg = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return new Outcome.Transient(Reason.of(Reasons.TRANSIENT_ERROR, what + ": " + msg), health, state);
    }

    /**
     * Whether a failed {@code action} left the app down: an update or a start (both a compose down, then up) after
     * which the app is STOPPED or CRASHED. A create that fails has no service to take down (its failed job removes
     * the app; a crashing new app is a failed health gate).
     */
    static boolean tookDown(Action action, AppState after) {
        return (action.type() == ActionType.UPDATE || action.type() == ActionType.START)
                && (after == AppState.STOPPED || after == AppState.CRASHED);
    }

    private static String leftDown(Action action, AppState after) {
        return "the " + action.type().name().toLowerCase() + " of app '" + action.stack() + "' on target '"
                + action.target() + "' failed and left it " + after + ": ";
    }

    /** Decides the new status of the stack {@code action} is about, given the previous status (or null). */
    public Decision decide(StackStatus prev, Action action, Outcome outcome, String revision, Instant now) {
        StackStatus base = prev != null ? prev : StackStatus.initial(action.stack(), action.target(), action.path());
        StackStatus.Builder b = base.toBuilder();
        b.target = action.target();
        b.path = action.path();
        b.lastAction = action.type();
        b.updatedAt = now;
        b.health = outcome.health();
        b.liveState = outcome.liveState();
        b.suspended = false;
        b.drift = action.drift();
        if (action.desiredHash() != null) {
            b.lastAttemptedRevision = revision;
            b.lastAttemptedHash = action.desiredHash();
        }
        String rev = Planner.shortRev(revision);
        Optional<Event> event = Optional.empty();
        Optional<Duration> requeue = Optional.empty();
        LogLevel level = LogLevel.DEBUG;
        Reason reason;

        if (outcome instanceof Outcome.Applied a) {
            reason = Reason.of(Reasons.APPLIED, withRevision(verb(action.type()) + " app '" + action.stack() + "': "
                    + a.message(), rev));
            b.lastAppliedRevision = revision;
            b.lastAppliedHash = action.desiredHash();
            b.lastAppliedAt = now;
            b.drift = a.remainingDrift();
            clearFailure(b);
            boolean ready = a.health().isGood() && a.remainingDrift().isEmpty();
            set(b, Condition.READY, ready ? Status.TRUE : Status.FALSE, ready ? reason
                    : Reason.of(Reasons.DRIFT_REPORTED, reason.message() + "; still drifted: " + kinds(a.remainingDrift())), now);
            set(b, Condition.RECONCILING, Status.FALSE, reason, now);
            set(b, Condition.STALLED, Status.FALSE, reason, now);
            event = Optional.of(event(now, action, Event.Type.NORMAL, reason, revision));
            level = LogLevel.INFO;
        } else if (outcome instanceof Outcome.Unchanged u) {
            reason = Reason.of(action.reason().code(), withRevision(action.reason().message(), rev));
            boolean keepStalled = base.isStalled() && action.fingerprint() != null
                    && action.fingerprint().equals(base.stalledFingerprint()) && !u.health().isGood();
            boolean progressing = u.health() == HealthStatus.PROGRESSING;
            boolean ready = u.health().isGood() && action.drift().isEmpty();
            if (ready) {
                clearFailure(b);
            }
            if (keepStalled) {
                set(b, Condition.READY, Status.FALSE, base.condition(Condition.STALLED).map(c -> Reason.of(c.reason(),
                        c.message())).orElse(reason), now);
                set(b, Condition.RECONCILING, Status.FALSE, reason, now);
            } else {
                if (!ready && !base.isStalled()) {
                    b.stalledFingerprint = null;
                }
                set(b, Condition.READY, ready ? Status.TRUE : Status.FALSE, ready ? reason
                        : healthReason(action, u.health(), u.liveState(), reason, rev), now);
                set(b, Condition.RECONCILING, progressing ? Status.TRUE : Status.FALSE, reason, now);
                if (!ready && base.isStalled()) {
                    set(b, Condition.STALLED, Status.FALSE, reason, now);
                    b.stalledFingerprint = null;
                } else {
                    set(b, Condition.STALLED, Status.FALSE, reason, now);
                }
            }
            if (!action.drift().isEmpty() && !action.drift().equals(base.drift())) {
                event = Optional.of(event(now, action, Event.Type.WARNING, reason, revision));
                level = LogLevel.WARN;
            }
        } else if (outcome instanceof Outcome.Blocked bl) {
            reason = Reason.of(bl.reason().code(), withRevision(bl.reason().message(), rev));
            boolean changed = base.lastReason() == null || !base.lastReason().code().equals(reason.code());
            if (!Reasons.RETRY_BACKOFF.equals(bl.reason().code()) && !Reasons.STALLED.equals(bl.reason().code())) {
                b.nextRetryAt = null; // a pending retry is moot while the stack is held for another reason
            }
            switch (bl.reason().code()) {
                case Reasons.SUSPENDED -> {
                    b.suspended = true;
                    b.health = HealthStatus.SUSPENDED;
                    b.drift = Set.of();
                    if (base.condition(Condition.READY).isEmpty()) {
                        set(b, Condition.READY, Status.FALSE, reason, now);
                    }
                    set(b, Condition.RECONCILING, Status.FALSE, reason, now);
                    if (base.condition(Condition.STALLED).isEmpty()) {
                        set(b, Condition.STALLED, Status.FALSE, reason, now);
                    }
                    if (changed) {
                        event = Optional.of(event(now, action, Event.Type.NORMAL, reason, revision));
                        level = LogLevel.INFO;
                    }
                }
                case Reasons.STALLED -> {
                    // the failure is already recorded; stay quiet until something changes
                    if (!base.isStalled()) {
                        set(b, Condition.READY, Status.FALSE, reason, now);
                        set(b, Condition.RECONCILING, Status.FALSE, reason, now);
                        set(b, Condition.STALLED, Status.TRUE, reason, now);
                    }
                }
                case Reasons.RETRY_BACKOFF, Reasons.DEPENDENCY_NOT_READY -> {
                    set(b, Condition.READY, Status.FALSE, reason, now);
                    set(b, Condition.RECONCILING, Status.TRUE, reason, now);
                    set(b, Condition.STALLED, Status.FALSE, reason, now);
                    b.stalledFingerprint = null;
                    if (changed && Reasons.DEPENDENCY_NOT_READY.equals(reason.code())) {
                        event = Optional.of(event(now, action, Event.Type.NORMAL, reason, revision));
                        level = LogLevel.INFO;
                    }
                }
                case Reasons.DOCKER_NOT_RUNNING -> {
                    // not the stack's fault and nothing a change in Git fixes: retried on the normal backoff
                    int failures = base.failures() + 1;
                    Duration delay = retry.delayAfter(failures);
                    b.health = HealthStatus.UNKNOWN;
                    b.liveState = null;
                    b.failures = failures;
                    b.nextRetryAt = now.plus(delay);
                    b.lastError = reason.message();
                    b.stalledFingerprint = null;
                    set(b, Condition.READY, Status.FALSE, reason, now);
                    set(b, Condition.RECONCILING, Status.TRUE, reason, now);
                    set(b, Condition.STALLED, Status.FALSE, reason, now);
                    requeue = Optional.of(delay);
                    if (changed) {
                        event = Optional.of(event(now, action, Event.Type.WARNING, reason, revision));
                        level = LogLevel.WARN;
                    }
                }
                case Reasons.REPORT_ONLY -> {
                    // observe only: the would-be write is said, drift stays as observed, nothing is failed
                    b.stalledFingerprint = null;
                    b.failures = 0;
                    b.nextRetryAt = null;
                    set(b, Condition.READY, Status.FALSE, reason, now);
                    set(b, Condition.RECONCILING, Status.FALSE, reason, now);
                    set(b, Condition.STALLED, Status.FALSE, reason, now);
                    if (changed || !action.drift().equals(base.drift())) {
                        event = Optional.of(event(now, action, action.drift().isEmpty() ? Event.Type.NORMAL
                                : Event.Type.WARNING, reason, revision));
                        level = LogLevel.INFO;
                    }
                }
                case Reasons.TARGET_UNREACHABLE -> {
                    b.health = HealthStatus.UNKNOWN;
                    b.liveState = null;
                    set(b, Condition.READY, Status.UNKNOWN, reason, now);
                    set(b, Condition.RECONCILING, Status.FALSE, reason, now);
                    set(b, Condition.STALLED, Status.FALSE, reason, now);
                    b.stalledFingerprint = null;
                    if (changed) {
                        event = Optional.of(event(now, action, Event.Type.WARNING, reason, revision));
                        level = LogLevel.WARN;
                    }
                }
                default -> {
                    // needs a human: invalid stack, unknown target, not ours, dependency cycle ...
                    b.lastError = reason.message();
                    b.stalledFingerprint = null;
                    b.failures = 0;
                    b.nextRetryAt = null;
                    set(b, Condition.READY, Status.FALSE, reason, now);
                    set(b, Condition.RECONCILING, Status.FALSE, reason, now);
                    set(b, Condition.STALLED, Status.TRUE, reason, now);
                    if (changed || !reason.message().equals(base.lastReason().message())) {
                        event = Optional.of(event(now, action, Event.Type.WARNING, reason, revision));
                        level = LogLevel.WARN;
                    }
                }
            }
        } else if (outcome instanceof Outcome.Stalled s) {
            boolean slowly = s.retry() == Outcome.StallRetry.SLOWLY && !stalledRetry.initial().isZero();
            // consecutive stalls double the slow delay; a stall after successes or transient errors starts over
            int failures = slowly ? (base.isStalled() ? base.failures() + 1 : 1) : 0;
            Duration delay = slowly ? stalledRetry.delayAfter(failures) : null;
            reason = Reason.of(s.reason().code(), withRevision(s.reason().message(), rev) + (slowly
                    ? "; tried again in " + Durations.human(delay) + " (at " + now.plus(delay) + ", attempt "
                            + (failures + 1) + "), or as soon as the stack changes in Git or the app on the NAS"
                    : "; not retried until the stack changes in Git or the app changes on the NAS"));
            b.lastError = s.reason().message();
            if (leftAppDown(action, s) || s.rolledBackTo() != null) {
                b.failedApply = new FailedApply(revision, action.desiredHash(), action.type(), s.reason().code(), now,
                        s.rolledBackTo());
            }
            b.stalledFingerprint = s.fingerprint();
            b.failures = failures;
            b.nextRetryAt = slowly ? now.plus(delay) : null;
            if (slowly) {
                requeue = Optional.of(delay);
            }
            if (s.health() == HealthStatus.DEGRADED && !b.drift.contains(DriftKind.STATE)
                    && action.wantState() != null) {
                Set<DriftKind> d = EnumSet.noneOf(DriftKind.class);
                d.addAll(b.drift);
                d.remove(DriftKind.MISSING);
                b.drift = d;
            }
            set(b, Condition.READY, Status.FALSE, reason, now);
            set(b, Condition.RECONCILING, Status.FALSE, reason, now);
            set(b, Condition.STALLED, Status.TRUE, reason, now);
            event = Optional.of(event(now, action, Event.Type.WARNING, reason, revision));
            level = LogLevel.ERROR;
        } else if (outcome instanceof Outcome.Transient t) {
            int failures = base.failures() + 1;
            Duration delay = retry.delayAfter(failures);
            reason = Reason.of(t.reason().code(), withRevision(t.reason().message(), rev) + "; retrying in "
                    + Durations.human(delay) + " (attempt " + (failures + 1) + ")");
            b.failures = failures;
            b.nextRetryAt = now.plus(delay);
            b.lastError = t.reason().message();
            b.stalledFingerprint = null;
            set(b, Condition.READY, Status.FALSE, reason, now);
            set(b, Condition.RECONCILING, Status.TRUE, reason, now);
            set(b, Condition.STALLED, Status.FALSE, reason, now);
            event = Optional.of(event(now, action, Event.Type.WARNING, reason, revision));
            requeue = Optional.of(delay);
            level = LogLevel.WARN;
        } else if (outcome instanceof Outcome.Waiting w) {
            reason = Reason.of(w.reason().code(), withRevision(w.reason().message(), rev));
            boolean changed = base.lastReason() == null || !base.lastReason().code().equals(reason.code());
            set(b, Condition.READY, Status.FALSE, reason, now);
            set(b, Condition.RECONCILING, Status.TRUE, reason, now);
            set(b, Condition.STALLED, Status.FALSE, reason, now);
            b.stalledFingerprint = null;
            if (changed) {
                event = Optional.of(event(now, action, Event.Type.NORMAL, reason, revision));
                level = LogLevel.INFO;
            }
        } else if (outcome instanceof Outcome.Deleted d) {
            reason = Reason.of(Reasons.PRUNED, withRevision(d.message(), rev));
            b.drift = Set.of();
            clearFailure(b);
            set(b, Condition.READY, Status.FALSE, reason, now);
            set(b, Condition.RECONCILING, Status.FALSE, reason, now);
            set(b, Condition.STALLED, Status.FALSE, reason, now);
            event = Optional.of(event(now, action, Event.Type.NORMAL, reason, revision));
            level = LogLevel.INFO;
        } else {
            throw new IllegalStateException("unknown outcome " + outcome);
        }
        b.lastReason = reason;
        if (Reasons.DOCKER_NOT_RUNNING.equals(reason.code()) && outcome instanceof Outcome.Blocked) {
            // an app list emptied by a stopped Docker says nothing about drift: neither "missing" nor "none"
            set(b, Condition.DRIFTED, Status.UNKNOWN, Reason.of(Reasons.DOCKER_NOT_RUNNING, "drift is not checked"
                    + " while the apps service on target '" + action.target() + "' is not running"), now);
        } else {
            set(b, Condition.DRIFTED, b.drift.isEmpty() ? Status.FALSE : Status.TRUE, driftReason(b.drift, rev), now);
        }
        return new Decision(b.build(), event, requeue, level, outcome.label());
    }

    /**
     * Whether the failed {@code action} left its app down (stopped, crashed, or unhealthy after the gate): this
     * engine's own doing, remembered as the stack's {@link FailedApply}.
     */
    private static boolean leftAppDown(Action action, Outcome.Stalled s) {
        boolean brings = action.type() == ActionType.CREATE || action.type() == ActionType.UPDATE
                || action.type() == ActionType.START;
        return brings && action.wantState() != io.truenasgitops.stacks.StackSettings.DesiredState.STOPPED
                && (s.liveState() == AppState.STOPPED || s.liveState() == AppState.CRASHED
                        || s.health() == HealthStatus.DEGRADED);
    }

    private static void clearFailure(StackStatus.Builder b) {
        b.failedApply = null;
        b.lastError = null;
        b.failures = 0;
        b.nextRetryAt = null;
        b.stalledFingerprint = null;
    }

    private static Reason healthReason(Action action, HealthStatus health, AppState state, Reason fallback, String rev) {
        if (!action.drift().isEmpty() || health.isGood()) {
            return fallback;
        }
        return Reason.of(health == HealthStatus.PROGRESSING ? Reasons.PROGRESSING : Reasons.HEALTH_CHECK_FAILED,
                "app '" + action.stack() + "' is " + (state == null ? "absent" : state) + " (health " + health.label()
                        + ") at revision " + rev);
    }

    private static Reason driftReason(Set<DriftKind> drift, String rev) {
        if (drift.isEmpty()) {
            return Reason.of("NoDrift", "the NAS matches what was applied (revision " + rev + ")");
        }
        String code = drift.size() > 1 ? "MultipleDrift" : switch (drift.iterator().next()) {
            case CONFIG -> "ConfigDrift";
            case STATE -> "StateDrift";
            case MISSING -> "AppMissing";
            case ORPHAN -> "Orphaned";
        };
        return Reason.of(code, "drift " + kinds(drift) + " at revision " + rev);
    }

    private static String kinds(Set<DriftKind> drift) {
        return drift.stream().map(DriftKind::label).sorted().collect(Collectors.joining(", "));
    }

    private static void set(StackStatus.Builder b, String type, Status status, Reason reason, Instant now) {
        StackStatus s = b.build().withCondition(new Condition(type, status, reason.code(), reason.message(), now));
        b.conditions = s.conditions();
    }

    private static Event event(Instant now, Action action, Event.Type type, Reason reason, String revision) {
        return new Event(now, action.stack(), type, reason.code(), reason.message(), revision);
    }

    private static String withRevision(String message, String rev) {
        return message.contains(rev) ? message : message + " (revision " + rev + ")";
    }

    private static String verb(ActionType t) {
        return switch (t) {
            case CREATE -> "created";
            case UPDATE -> "updated";
            case DELETE -> "deleted";
            case START -> "started";
            case STOP -> "stopped";
            default -> "reconciled";
        };
    }
}
