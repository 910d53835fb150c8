package io.truenasgitops.reconcile;

import io.truenasgitops.compose.DataFolder;
import io.truenasgitops.stacks.StackSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The data folders a plan's creates and updates would make on the NAS ({@link DataFolderGuard} makes them), as
 * lines under each action: {@code data folder /mnt/tank/apps/db/data (owner 999:999)} when the NAS says it is
 * missing, {@code ..., created if missing} when it could not be asked; nothing for a folder that is there.
 */
final class DataFolderPlan {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(DataFolderPlan.class);

    private DataFolderPlan() {}

    /**
     * Whether each data folder of the plan's creates and updates is on the NAS ({@code filesystem.stat}, one per
     * folder), keyed {@code target|path}; left out where the target has no folder API, is unreachable, or the
     * stat failed.
     */
    static Map<String, Boolean> look(Plan plan, Map<String, DesiredStack> desired, Map<String, TargetStorage> storage,
            Set<String> reachable) {
        Map<String, Boolean> out = new HashMap<>();
        for (Action a : plan.actions()) {
            TargetStorage st = storage.get(a.target());
            if (!applies(a) || st == null || st.filesystem() == null || !reachable.contains(a.target())) {
                continue;
            }
            for (DataFolder f : folders(a, desired)) {
                try {
                    out.put(a.target() + "|" + f.hostPath(), st.filesystem().stat(f.hostPath()).isPresent());
                } catch (RuntimeException e) {
                    LOG.debugf("cannot look at data folder %s on target '%s': %s", f.hostPath(), a.target(),
                            e.getMessage());
                }
            }
        }
        return out;
    }

    /** The plan with each create and update saying which data folders it makes. Pure. */
    static Plan annotate(Plan plan, Map<String, DesiredStack> desired, Map<String, Boolean> exists) {
        List<Action> actions = new ArrayList<>();
        boolean changed = false;
        for (Action a : plan.actions()) {
            List<String> lines = new ArrayList<>();
            if (applies(a)) {
                boolean dataset = desired.get(a.stack()).settings().dataFolders() == StackSettings.DataFolders.DATASET;
                for (DataFolder f : folders(a, desired)) {
                    Boolean there = exists.get(a.target() + "|" + f.hostPath());
                    if (!Boolean.TRUE.equals(there)) {
                        lines.add("data folder " + f.hostPath() + (dataset ? " as a dataset" : "") + " (owner "
                                + f.owner() + ")" + (there == null ? ", created if missing" : ""));
                    }
                }
            }
            if (lines.isEmpty()) {
                actions.add(a);
            } else {
                actions.add(a.toBuilder().creates(lines).build());
                changed = true;
            }
        }
        return changed ? new Plan(plan.revision(), plan.sourceUrl(), plan.createdAt(), actions, plan.warnings()) : plan;
    }

    private static boolean applies(Action a) {
        return a.type() == ActionType.CREATE || a.type() == ActionType.UPDATE;
    }

    private static List<DataFolder> folders(Action a, Map<String, DesiredStack> desired) {
        DesiredStack d = desired.get(a.stack());
        return d == null || !d.isValid() ? List.of() : d.rendered().dataFolders();
    }
}
