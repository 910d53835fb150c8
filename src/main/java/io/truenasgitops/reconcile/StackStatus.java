package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.AppState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything known about one stack after the last pass: what REST {@code /stacks/{name}}, the CLI and the
 * metrics show. Persisted in the state directory.
 *
 * @param name the stack (= app) name
 * @param target the NAS name
 * @param path the stack folder in the repository
 * @param conditions Ready, Reconciling, Stalled and Drifted
 * @param health the app's health, ordered enum
 * @param liveState the app state last observed, or null when absent/unknown
 * @param lastAttemptedRevision the last revision a pass looked at for this stack
 * @param lastAttemptedHash the desired hash at that time
 * @param lastAppliedRevision the revision last written successfully
 * @param lastAppliedHash the hash last written successfully
 * @param lastAppliedAt when
 * @param lastError the last error message, or null once it is resolved
 * @param drift the drift kinds last observed
 * @param lastAction the last planned action type
 * @param lastReason the reason of that action or of its outcome
 * @param stalledFingerprint set while Stalled: the (desired, live) situation that failed; no retry while it is the same
 * @param failures consecutive transient failures (drives the backoff)
 * @param nextRetryAt when a transient failure may be retried, or null
 * @param suspended whether the stack is suspended (stack.yaml or at runtime)
 * @param updatedAt when this status was written
 * @param failedApply this engine's own last apply of the stack that failed and left its app down (stopped, crashed,
 *     unhealthy), or null: such an app is this tool's to bring up again, not a person's stop to report
 */
public record StackStatus(
        String name, String target, String path, List<Condition> conditions, HealthStatus health, AppState liveState,
        String lastAttemptedRevision, String lastAttemptedHash, String lastAppliedRevision, String lastAppliedHash,
        Instant lastAppliedAt, String lastError, Set<DriftKind> drift, ActionType lastAction, Reason lastReason,
        String stalledFingerprint, int failures, Instant nextRetryAt, boolean suspended, Instant updatedAt,
        FailedApply failedApply) {

    public StackStatus {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        drift = drift == null ? Set.of() : Set.copyOf(drift);
        health = health == null ? HealthStatus.UNKNOWN : health;
    }

    /** A status without a failed apply of this engine (as written before {@code failedApply} existed). */
    public StackStatus(String name, String target, String path, List<Condition> conditions, HealthStatus health,
            AppState liveState, String lastAttemptedRevision, String lastAttemptedHash, String lastAppliedRevision,
            String lastAppliedHash, Instant lastAppliedAt, String lastError, Set<DriftKind> drift, ActionType lastAction,
            Reason lastReason, String stalledFingerprint, int failures, Instant nextRetryAt, boolean suspended,
            Instant updatedAt) {
        this(name, target, path, conditions, health, liveState, lastAttemptedRevision, lastAttemptedHash,
                lastAppliedRevision, lastAppliedHash, lastAppliedAt, lastError, drift, lastAction, lastReason,
                stalledFingerprint, failures, nextRetryAt, suspended, updatedAt, null);
    }

    /** A stack not seen before. */
    public static StackStatus initial(String name, String target, String path) {
        return new StackStatus(name, target, path, List.of(), HealthStatus.UNKNOWN, null, null, null, null, null, null,
                null, Set.of(), null, null, null, 0, null, false, null, null);
    }

    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
    }

    public boolean is(String type) {
        return condition(type).map(Condition::isTrue).orElse(false);
    }

    public boolean isReady() {
        return is(Condition.READY);
    }

    public boolean isStalled() {
        return is(Condition.STALLED);
    }

    /** Returns a copy with {@code c} set; lastTransitionTime kept when the status did not change. */
    StackStatus withCondition(Condition c) {
        List<Condition> out = new ArrayList<>();
        boolean replaced = false;
        for (Condition old : conditions) {
            if (old.type().equals(c.type())) {
                Instant t = old.status() == c.status() && old.lastTransitionTime() != null
                        ? old.lastTransitionTime() : c.lastTransitionTime();
                out.add(new Condition(c.type(), c.status(), c.reason(), c.message(), t));
                replaced = true;
            } else {
                out.add(old);
            }
        }
        if (!replaced) {
            out.add(c);
        }
        out.sort(java.util.Comparator.comparingInt(x -> order(x.type())));
        return new StackStatus(name, target, path, out, health, liveState, lastAttemptedRevision, lastAttemptedHash,
                lastAppliedRevision, lastAppliedHash, lastAppliedAt, lastError, drift, lastAction, lastReason,
                stalledFingerprint, failures, nextRetryAt, suspended, updatedAt, failedApply);
    }

    private static int order(String type) {
        return switch (type) {
            case Condition.READY -> 0;
            case Condition.RECONCILING -> 1;
            case Condition.STALLED -> 2;
            case Condition.DRIFTED -> 3;
            default -> 4;
        };
    }

    /** A mutable copy, for the outcome mapper. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.target = target;
        b.path = path;
        b.conditions = conditions;
        b.health = health;
        b.liveState = liveState;
        b.lastAttemptedRevision = lastAttemptedRevision;
        b.lastAttemptedHash = lastAttemptedHash;
        b.lastAppliedRevision = lastAppliedRevision;
        b.lastAppliedHash = lastAppliedHash;
        b.lastAppliedAt = lastAppliedAt;
        b.lastError = lastError;
        b.drift = drift;
        b.lastAction = lastAction;
        b.lastReason = lastReason;
        b.stalledFingerprint = stalledFingerprint;
        b.failures = failures;
        b.nextRetryAt = nextRetryAt;
        b.suspended = suspended;
        b.updatedAt = updatedAt;
        b.failedApply = failedApply;
        return b;
    }

    /** Mutable builder of a {@link StackStatus}. */
    public static final class Builder {
        public String name;
        public String target;
        public String path;
        public List<Condition> conditions;
        public HealthStatus health;
        public AppState liveState;
        public String lastAttemptedRevision;
        public String lastAttemptedHash;
        public String lastAppliedRevision;
        public String lastAppliedHash;
        public Instant lastAppliedAt;
        public String lastError;
        public Set<DriftKind> drift;
        public ActionType lastAction;
        public Reason lastReason;
        public String stalledFingerprint;
        public int failures;
        public Instant nextRetryAt;
        public boolean suspended;
        public Instant updatedAt;
        public FailedApply failedApply;

        public StackStatus build() {
            return new StackStatus(name, target, path, conditions, health, liveState, lastAttemptedRevision, lastAttemptedHash, lastAppliedRevision, lastAppliedHash, lastAppliedAt, lastError, drift, lastAction, lastReason, stalledFingerprint, failures, nextRetryAt, suspended, updatedAt, failedApply);
        }
    }
}
