package io.truenasgitops.commitstatus;

import io.truenasgitops.reconcile.Action;
import io.truenasgitops.reconcile.ActionOutcome;
import io.truenasgitops.reconcile.PassResult;
import io.truenasgitops.reconcile.Plan;
import io.truenasgitops.reconcile.Reasons;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which statuses a pass sets (pure). One status per stack, named {@code <context>/<stack>}: a stack fails alone,
 * so the commit shows which of its stacks failed and why, as Flux's per-Kustomization statuses do.
 * <ul>
 *   <li>When applying starts: pending for every stack the pass writes (create, update, start, stop, prune).</li>
 *   <li>When the pass ends: success for a stack applied (or pruned), failure with the reason for one that failed
 *       (stalled or to be retried), and failure for a stack held back by what the commit says (an invalid stack, a
 *       dependency cycle or a missing dependency, an unknown target, an app the stack may not take over).</li>
 *   <li>Nothing for a stack left unchanged, suspended, waiting, or held back by the NAS (unreachable, Docker
 *       stopped, a retry backoff): the commit did not cause those.</li>
 * </ul>
 */
public final class StatusRules {

    /** Held back because of what the commit says: the commit's failure. */
    static final Set<String> COMMIT_PROBLEMS = Set.of(Reasons.INVALID_STACK, Reasons.DEPENDENCY_CYCLE,
            Reasons.DEPENDENCY_NOT_FOUND, Reasons.UNKNOWN_TARGET, Reasons.NOT_OWNED, Reasons.OWNED_BY_OTHER_SOURCE,
            Reasons.NOT_CUSTOM_APP);

    private StatusRules() {}

    /** The pending statuses of a pass about to apply {@code selected}; none without a revision. */
    public static List<CommitStatus> pending(Plan plan, List<Action> selected, StatusSettings settings) {
        List<CommitStatus> out = new ArrayList<>();
        if (plan.revision() == null) {
            return out;
        }
        for (Action a : selected) {
            if (a.writes()) {
                out.add(status(plan.revision(), a.stack(), CommitState.PENDING, doing(a), settings));
            }
        }
        return out;
    }

    /** The final statuses of a pass that ended; none without a revision. */
    public static List<CommitStatus> finished(PassResult pass, StatusSettings settings) {
        List<CommitStatus> out = new ArrayList<>();
        String revision = pass.plan().revision();
        if (revision == null || pass.dryRun()) {
            return out;
        }
        for (PassResult.ActionResult r : pass.results()) {
            String stack = r.action().stack();
            if (r.outcome() == ActionOutcome.APPLIED || r.outcome() == ActionOutcome.DELETED) {
                if (r.action().writes()) {
                    out.add(status(revision, stack, CommitState.SUCCESS, r.reason().message(), settings));
                }
            } else if (r.outcome().failed()
                    || r.outcome() == ActionOutcome.BLOCKED && COMMIT_PROBLEMS.contains(r.reason().code())) {
                out.add(status(revision, stack, CommitState.FAILURE, r.reason().code() + ": " + r.reason().message(),
                        settings));
            }
        }
        return out;
    }

    private static String doing(Action a) {
        String verb = switch (a.type()) {
            case CREATE -> "creating";
            case UPDATE -> "updating";
            case DELETE -> "pruning";
            case START -> "starting";
            case STOP -> "stopping";
            default -> "applying";
        };
        return verb + " app '" + a.stack() + "' on " + a.target();
    }

    private static CommitStatus status(String revision, String stack, CommitState state, String description,
            StatusSettings settings) {
        return new CommitStatus(revision, settings.contextOf(stack), stack, state, description, settings.linkOf(stack));
    }
}
