package io.truenasgitops.reconcile;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The result of planning: one action per stack and per orphaned app, in execution (dependency) order.
 *
 * @param revision the Git revision planned against (null when no snapshot could be had)
 * @param sourceUrl the source the stamps refer to
 * @param createdAt when
 * @param actions the actions
 * @param warnings pass-wide problems (fetch failed, unreachable target, repository problems)
 */
public record Plan(String revision, String sourceUrl, Instant createdAt, List<Action> actions, List<String> warnings) {

    public Plan {
        actions = List.copyOf(actions);
        warnings = List.copyOf(warnings);
    }

    /** Whether executing this plan would write anything. */
    public boolean hasChanges() {
        return actions.stream().anyMatch(Action::writes);
    }

    /** Whether any action reports drift. */
    public boolean hasDrift() {
        return actions.stream().anyMatch(a -> !a.drift().isEmpty());
    }

    /** Whether nothing is pending, drifted or blocked. */
    public boolean inSync() {
        return !hasChanges() && !hasDrift() && actions.stream().noneMatch(a -> a.type() == ActionType.BLOCKED);
    }

    public Optional<Action> action(String stack) {
        return actions.stream().filter(a -> a.stack().equals(stack)).findFirst();
    }
}
