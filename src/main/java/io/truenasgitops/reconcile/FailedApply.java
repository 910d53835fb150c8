package io.truenasgitops.reconcile;

import java.time.Instant;

/**
 * This engine's own apply of a stack that failed (its job failed, or the health gate did) and left the app down:
 * stopped, crashed or unhealthy. Kept in the {@link StackStatus} (so in the state file, across restarts) until an
 * apply of the stack succeeds: while it is there, the app being down is this tool's doing, which the next retry or
 * commit undoes (update, then start), never a person's stop that is only reported.
 *
 * @param revision the commit whose apply failed
 * @param hash the desired hash of that apply
 * @param action what was applied (create, update, start)
 * @param reason the reason code of the failure ({@code ApplyFailed}, {@code JobFailed}, {@code HealthCheckFailed})
 * @param at when it failed
 * @param rolledBackTo the revision {@code onFailure: rollback} applied again after it (the last one that passed the
 *     health gate on this NAS), which the app runs now; null when it was not rolled back
 */
public record FailedApply(String revision, String hash, ActionType action, String reason, Instant at,
        String rolledBackTo) {

    /** A failed apply that was not rolled back. */
    public FailedApply(String revision, String hash, ActionType action, String reason, Instant at) {
        this(revision, hash, action, reason, at, null);
    }
}
