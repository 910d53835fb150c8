package io.truenasgitops.reconcile;

import io.truenasgitops.compose.ComposeDiff;
import java.time.Instant;
import java.util.List;

/**
 * What {@code rollback STACK --to REVISION} would do: the compose it would apply (as a diff from what runs), the
 * datasets it would roll back and to which snapshot, the snapshots that would be destroyed with it, and why it
 * would refuse.
 *
 * @param stack the stack (= app)
 * @param target the NAS
 * @param revision the full commit id rolled back to
 * @param liveRevision the revision the app runs now (from its stamp), or null
 * @param diff live → the compose of {@code revision}, secrets masked
 * @param datasets the datasets rolled back, each to its snapshot of {@code revision}
 * @param notes host paths left alone (outside /mnt, on no dataset of their own, shared) and other remarks
 * @param problems why the rollback cannot be done as asked; empty when it can
 */
public record RollbackPlan(String stack, String target, String revision, String liveRevision, ComposeDiff diff,
        List<DatasetRollback> datasets, List<String> notes, List<String> problems) {

    public RollbackPlan {
        datasets = List.copyOf(datasets);
        notes = List.copyOf(notes);
        problems = List.copyOf(problems);
    }

    /**
     * One dataset rolled back.
     *
     * @param dataset the dataset
     * @param snapshot the snapshot it returns to ({@code dataset@name})
     * @param takenAt when that snapshot was taken: what was written to the dataset since is lost
     * @param newer the snapshots taken after it, which the rollback destroys (ZFS cannot keep them)
     */
    public record DatasetRollback(String dataset, String snapshot, Instant takenAt, List<String> newer) {
        public DatasetRollback {
            newer = List.copyOf(newer);
        }
    }

    /** Whether the rollback destroys newer snapshots (then it needs {@code --force-destroy-newer}). */
    public boolean destroysNewer() {
        return datasets.stream().anyMatch(d -> !d.newer().isEmpty());
    }
}
