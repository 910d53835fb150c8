package io.truenasgitops.notify;

import io.truenasgitops.reconcile.ActionOutcome;
import io.truenasgitops.reconcile.Condition;
import io.truenasgitops.reconcile.Event;
import io.truenasgitops.reconcile.PassResult;
import io.truenasgitops.reconcile.Reasons;
import io.truenasgitops.reconcile.Reconciler;
import io.truenasgitops.reconcile.StackStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Turns the engine's state after each pass into notifications: one when a problem starts, a reminder every
 * {@code reminderInterval} while it lasts, one "recovered" when it clears, and one per occurrence of the
 * one-off kinds. Problems are tracked per subject (a stack, a NAS, the Git source), one kind at a time: a stack
 * whose failure turns from an apply error into a failed health gate gets the new kind, not a recovery. Pure
 * apart from its memory; not thread-safe (one evaluator thread calls it).
 */
public final class ProblemTracker {

    /** What a problem is about. */
    enum Scope {
        STACK,
        /** A stack's images: a second state of a stack, so that an update becoming available never ends a failure. */
        IMAGES,
        TARGET,
        SOURCE
    }

    record Subject(Scope scope, String name) {}

    /** A problem seen in one snapshot. */
    record Observed(NotificationKind kind, String reason, String message, String target, String revision) {}

    private record Active(Observed what, Instant since, Instant lastSent) {}

    /** Reasons under which a stack's status says nothing new about its problem: the NAS is away, a retry waits. */
    private static final Set<String> KEEP = Set.of(Reasons.TARGET_UNREACHABLE, Reasons.DOCKER_NOT_RUNNING,
            Reasons.RETRY_BACKOFF, Reasons.DEPENDENCY_NOT_READY, Reasons.PROGRESSING, Reasons.STALLED);

    /** Reasons of an apply that failed and is retried on the backoff. */
    private static final Set<String> RETRIED = Set.of(Reasons.TRANSIENT_ERROR, Reasons.CONNECTION_LOST);

    private final Duration reminderInterval;
    private final CommitLinks links;
    private final String statusUrl;
    private final Supplier<String> ids;
    private final Map<Subject, Active> active = new LinkedHashMap<>();
    /** The time of the newest event already looked at; null before the first snapshot (older events are history). */
    private Instant eventsSeenUntil;

    /**
     * @param reminderInterval how often a lasting problem is repeated; zero: never
     * @param links commit links for the source's forge
     * @param statusUrl the daemon's status page, or null
     */
    public ProblemTracker(Duration reminderInterval, CommitLinks links, String statusUrl) {
        this(reminderInterval, links, statusUrl, () -> UUID.randomUUID().toString());
    }

    ProblemTracker(Duration reminderInterval, CommitLinks links, String statusUrl, Supplier<String> ids) {
        this.reminderInterval = reminderInterval == null ? Duration.ZERO : reminderInterval;
        this.links = links;
        this.statusUrl = statusUrl == null || statusUrl.isBlank() ? null : statusUrl.strip();
        this.ids = ids;
    }

    /** The notifications the state change from the previous snapshot to {@code s} calls for, in order. */
    public List<Notification> evaluate(EngineSnapshot s) {
        Instant now = s.at();
        List<Notification> out = new ArrayList<>();
        String sourceUrl = s.source() == null ? null : s.source().sourceUrl();
        String sourceRevision = s.source() == null ? null : s.source().revision();

        Set<String> healed = new HashSet<>();
        List<Notification> oneOffs = new ArrayList<>();
        if (s.pass() != null) {
            for (PassResult.ActionResult r : s.pass().results()) {
                var a = r.action();
                if (r.outcome() == ActionOutcome.DELETED) {
                    oneOffs.add(notification(now, NotificationKind.PRUNED, a.stack(), a.target(), sourceRevision,
                            sourceUrl, r.reason().code(), r.reason().message(), false, null));
                } else if (r.outcome() == ActionOutcome.APPLIED && Reasons.SELF_HEAL.equals(a.reason().code())) {
                    healed.add(a.stack());
                    oneOffs.add(notification(now, NotificationKind.DRIFT_HEALED, a.stack(), a.target(), sourceRevision,
                            sourceUrl, a.reason().code(), a.reason().message() + "; " + r.reason().message(), false,
                            null));
                }
            }
        }

        oneOffs.addAll(rollbacks(s, sourceUrl));

        Map<Subject, Observation> seen = new LinkedHashMap<>();
        Set<String> present = new HashSet<>();
        for (StackStatus st : s.stacks()) {
            present.add(st.name());
            seen.put(new Subject(Scope.STACK, st.name()), observe(st, sourceRevision));
            seen.put(new Subject(Scope.IMAGES, st.name()), observeImages(st, sourceRevision));
        }
        for (Reconciler.TargetState t : s.targets()) {
            seen.put(new Subject(Scope.TARGET, t.name()), observe(t, sourceRevision));
        }
        if (s.source() != null) {
            seen.put(new Subject(Scope.SOURCE, ""), s.source().lastError() == null ? Observation.clear(sourceRevision)
                    : Observation.problem(new Observed(NotificationKind.SOURCE_FAILING, Reasons.FETCH_FAILED,
                            s.source().lastError(), null, sourceRevision)));
        }
        // a stack gone from the engine (pruned, folder deleted) leaves without a recovery message
        active.keySet().removeIf(k -> (k.scope() == Scope.STACK || k.scope() == Scope.IMAGES)
                && !present.contains(k.name()));

        for (var e : seen.entrySet()) {
            Subject subject = e.getKey();
            Observation o = e.getValue();
            Active prev = active.get(subject);
            boolean ofStack = subject.scope() == Scope.STACK || subject.scope() == Scope.IMAGES;
            String stack = ofStack ? subject.name() : null;
            if (o.problem() != null) {
                Observed p = o.problem();
                if (prev == null || prev.what().kind() != p.kind()) {
                    active.put(subject, new Active(p, now, now));
                    out.add(notification(now, p.kind(), stack, p.target(), p.revision(), sourceUrl, p.reason(),
                            p.message(), false, null));
                } else if (!reminderInterval.isZero() && p.kind().severity() != Severity.INFO
                        && !now.isBefore(prev.lastSent().plus(reminderInterval))) {
                    active.put(subject, new Active(p, prev.since(), now));
                    out.add(notification(now, p.kind(), stack, p.target(), p.revision(), sourceUrl, p.reason(),
                            p.message(), true, null));
                } else {
                    active.put(subject, new Active(p, prev.since(), prev.lastSent()));
                }
            } else if (!o.keep() && prev != null) {
                active.remove(subject);
                if (stack != null && healed.contains(stack) && prev.what().kind() == NotificationKind.DRIFT_DETECTED) {
                    continue; // the "drift healed" message says it
                }
                Observed was = prev.what();
                out.add(notification(now, NotificationKind.RECOVERED, stack, was.target(),
                        ofStack ? o.revision() : sourceRevision, sourceUrl, "Recovered",
                        recoveredMessage(subject, was, prev.since(), now), false, was.kind()));
            }
        }
        // An automatic rollback (onFailure: rollback) is both an event and the stack's stall: the stall that opens
        // in this snapshot says it, with both revisions, so its event adds no second message.
        oneOffs.removeIf(n -> n.stack() != null && (n.kind() == NotificationKind.ROLLED_BACK
                || n.kind() == NotificationKind.ROLLBACK_FAILED) && out.stream().anyMatch(o -> !o.reminder()
                && o.kind() == n.kind() && n.stack().equals(o.stack())));
        out.addAll(oneOffs);
        return out;
    }

    private static String recoveredMessage(Subject subject, Observed was, Instant since, Instant now) {
        String what = switch (subject.scope()) {
            case STACK -> "stack '" + subject.name() + "' is fine again";
            case IMAGES -> "the images of stack '" + subject.name() + "' are up to date again";
            case TARGET -> "NAS '" + subject.name() + "' is available again";
            case SOURCE -> "the Git source can be fetched again";
        };
        return what + " after " + was.kind().title() + " (" + was.reason() + ") for "
                + io.truenasgitops.reconcile.Durations.human(Duration.between(since, now));
    }

    /** A subject's state in one snapshot: a problem, fine, or nothing to learn from it. */
    record Observation(Observed problem, boolean keep, String revision) {
        static final Observation KEEP = new Observation(null, true, null);

        static Observation problem(Observed p) {
            return new Observation(p, false, p.revision());
        }

        static Observation clear(String revision) {
            return new Observation(null, false, revision);
        }
    }

    /**
     * A stack's problem as its status shows it. Suspended stacks, stacks on a NAS that is away and stacks waiting
     * for a retry or a dependency tell nothing new: their open problem (if any) stays as it is.
     */
    static Observation observe(StackStatus st, String sourceRevision) {
        String revision = st.lastAttemptedRevision() != null ? st.lastAttemptedRevision() : sourceRevision;
        if (st.suspended()) {
            return Observation.KEEP;
        }
        if (st.isStalled()) {
            Condition c = st.condition(Condition.STALLED).orElseThrow();
            return Observation.problem(new Observed(stalledKind(c.reason()), c.reason(), c.message(), st.target(),
                    revision));
        }
        String last = st.lastReason() == null ? null : st.lastReason().code();
        if (last != null && RETRIED.contains(last)) {
            return Observation.problem(new Observed(NotificationKind.APPLY_FAILED, last, st.lastReason().message(),
                    st.target(), revision));
        }
        if (last != null && KEEP.contains(last)) {
            return Observation.KEEP;
        }
        var drifted = st.condition(Condition.DRIFTED).filter(Condition::isTrue);
        if (drifted.isPresent() && !st.drift().isEmpty()) {
            return Observation.problem(new Observed(NotificationKind.DRIFT_DETECTED, drifted.get().reason(),
                    drifted.get().message() + " on app '" + st.name() + "' (self-heal is off: fix it in Git or on"
                            + " the NAS)", st.target(), revision));
        }
        return Observation.clear(revision);
    }

    /** A stack's images: whether the NAS reports a newer image under a tag its app runs. */
    static Observation observeImages(StackStatus st, String sourceRevision) {
        String revision = st.lastAttemptedRevision() != null ? st.lastAttemptedRevision() : sourceRevision;
        if (st.suspended()) {
            return Observation.KEEP;
        }
        var c = st.condition(Condition.IMAGE_UPDATE_AVAILABLE);
        if (c.isPresent() && c.get().isTrue()) {
            return Observation.problem(new Observed(NotificationKind.IMAGE_UPDATE_AVAILABLE, c.get().reason(),
                    c.get().message(), st.target(), revision));
        }
        return Observation.clear(revision);
    }

    /** One notification per rollback (done or failed) recorded since the previous snapshot. */
    private List<Notification> rollbacks(EngineSnapshot s, String sourceUrl) {
        List<Notification> out = new ArrayList<>();
        Instant until = eventsSeenUntil;
        for (Event e : s.events()) { // newest first
            if (until != null && !e.time().isAfter(until)) {
                break;
            }
            if (until != null && e.stack() != null) {
                NotificationKind kind = Reasons.ROLLED_BACK.equals(e.reason()) ? NotificationKind.ROLLED_BACK
                        : Reasons.ROLLBACK_FAILED.equals(e.reason()) ? NotificationKind.ROLLBACK_FAILED : null;
                if (kind != null) {
                    out.add(0, notification(e.time(), kind, e.stack(), null, e.revision(), sourceUrl, e.reason(),
                            e.message(), false, null));
                }
            }
        }
        Instant newest = s.events().isEmpty() ? null : s.events().get(0).time();
        if (newest != null && (eventsSeenUntil == null || newest.isAfter(eventsSeenUntil))) {
            eventsSeenUntil = newest;
        } else if (eventsSeenUntil == null) {
            eventsSeenUntil = Instant.MIN;
        }
        return out;
    }

    /** The NAS's problem: unreachable, or reachable with its apps service down. */
    static Observation observe(Reconciler.TargetState t, String sourceRevision) {
        if (!t.up()) {
            return Observation.problem(new Observed(NotificationKind.TARGET_DOWN, Reasons.TARGET_UNREACHABLE,
                    "target '" + t.name() + "' is unreachable, applies to it are paused: " + t.lastError(), t.name(),
                    sourceRevision));
        }
        if (t.appsServiceDown() != null) {
            var ds = t.appsServiceDown();
            return Observation.problem(new Observed(NotificationKind.TARGET_DOWN, Reasons.DOCKER_NOT_RUNNING,
                    "the apps service (Docker) on target '" + t.name() + "' is " + ds.status()
                            + (ds.description() == null || ds.description().isBlank() ? "" : " (" + ds.description() + ")")
                            + "; nothing is applied to it until it runs", t.name(), sourceRevision));
        }
        return Observation.clear(sourceRevision);
    }

    private static NotificationKind stalledKind(String reason) {
        if (Reasons.HEALTH_CHECK_FAILED.equals(reason) || Reasons.HEALTH_TIMEOUT.equals(reason)) {
            return NotificationKind.HEALTH_GATE_FAILED;
        }
        if (Reasons.ROLLED_BACK.equals(reason)) {
            return NotificationKind.ROLLED_BACK; // onFailure: rollback; its event is not told again (evaluate)
        }
        if (Reasons.ROLLBACK_FAILED.equals(reason)) {
            return NotificationKind.ROLLBACK_FAILED;
        }
        if (Reasons.JOB_FAILED.equals(reason) || Reasons.VALIDATION_FAILED.equals(reason)
                || Reasons.APPLY_FAILED.equals(reason)) {
            return NotificationKind.APPLY_FAILED;
        }
        return NotificationKind.STALLED;
    }

    private Notification notification(Instant now, NotificationKind kind, String stack, String target, String revision,
            String sourceUrl, String reason, String message, boolean reminder, NotificationKind recoveredFrom) {
        String link = links == null ? null : links.link(sourceUrl, revision).orElse(null);
        return new Notification(ids.get(), now, kind, stack, target, revision, link, reason, message, statusUrl,
                reminder, recoveredFrom);
    }
}
