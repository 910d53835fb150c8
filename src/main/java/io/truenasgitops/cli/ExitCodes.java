package io.truenasgitops.cli;

import io.truenasgitops.api.V1;
import io.truenasgitops.reconcile.ActionOutcome;
import io.truenasgitops.reconcile.PassOutcome;
import io.truenasgitops.reconcile.Reasons;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Exit codes shared by every command; documented in {@code --help}. The exit code of a plan or a sync is decided
 * here, from the REST document of the pass ({@link V1.Plan}, {@link V1.Sync}), so that a pass run here and one a
 * daemon ran ({@code --server}) end the same way.
 */
public final class ExitCodes {
    /** The command did what was asked (for plan: nothing to change). */
    public static final int OK = 0;
    /** The operation failed (for plan: changes are pending; for validate: problems found). */
    public static final int FAILED = 1;
    /** Bad usage or configuration: nothing was attempted. */
    public static final int USAGE = 2;
    /**
     * The NAS could not be reached or refused the credentials, or cannot run apps right now (its apps service,
     * Docker, is not RUNNING: stopped, no pool chosen, still starting): nothing about the stacks is wrong,
     * try again once the NAS is ready.
     */
    public static final int CONNECTION = 3;

    /** The reasons of a stack held back because of the NAS, not of the stack: exit 3. */
    private static final Set<String> NAS_NOT_READY = Set.of(Reasons.DOCKER_NOT_RUNNING, Reasons.TARGET_UNREACHABLE);

    private ExitCodes() {}

    /**
     * The exit code of a plan ({@code plan}, {@code sync --dry-run}): 3 when a stack is held back because the NAS
     * cannot run apps or cannot be reached, 0 in sync, else 1 (changes pending, drift, or blocked stacks).
     */
    public static int of(V1.Plan plan) {
        if (nasNotReady(plan).isPresent()) {
            return CONNECTION;
        }
        return plan.inSync() ? OK : FAILED;
    }

    /**
     * The exit code of a sync: 0 for a queued pass and for one that left every stack where Git wants it; 3 when a
     * stack is held back because the NAS cannot run apps or cannot be reached; 1 when the pass failed, a stack
     * failed, is blocked or waits, or drifted and was not reverted.
     */
    public static int of(V1.Sync sync) {
        if (!"completed".equals(sync.status())) {
            return OK;
        }
        if (nasNotReady(sync).isPresent()) {
            return CONNECTION;
        }
        boolean failed = PassOutcome.fromLabel(sync.result()).orElse(null) == PassOutcome.FAILURE;
        return failed || !notInSync(sync).isEmpty() ? FAILED : OK;
    }

    /** The actions of a completed sync that left their stack out of sync (the reason a sync exits 1). */
    static List<V1.SyncAction> notInSync(V1.Sync sync) {
        return actions(sync).filter(a -> {
            Optional<ActionOutcome> outcome = ActionOutcome.fromLabel(a.outcome());
            boolean reverted = outcome.filter(o -> o == ActionOutcome.APPLIED || o == ActionOutcome.DELETED).isPresent();
            return outcome.map(ActionOutcome::leftUndone).orElse(false)
                    || a.drift() != null && !a.drift().isEmpty() && !reverted;
        }).toList();
    }

    /** Why the NAS held a plan back (its apps service not running, unreachable), if it did: exit 3. */
    static Optional<V1.Reason> nasNotReady(V1.Plan plan) {
        return plan.actions().stream().filter(a -> "blocked".equals(a.action())).map(V1.PlannedAction::reason)
                .filter(ExitCodes::nasNotReady).findFirst();
    }

    /** Why the NAS held a sync back, if it did: exit 3. */
    static Optional<V1.Reason> nasNotReady(V1.Sync sync) {
        return actions(sync).filter(a -> "blocked".equals(a.outcome()) || "blocked".equals(a.action()))
                .map(V1.SyncAction::reason).filter(ExitCodes::nasNotReady).findFirst();
    }

    private static boolean nasNotReady(V1.Reason reason) {
        return reason != null && NAS_NOT_READY.contains(reason.code());
    }

    private static Stream<V1.SyncAction> actions(V1.Sync sync) {
        return sync.actions() == null ? Stream.empty() : sync.actions().stream();
    }
}
