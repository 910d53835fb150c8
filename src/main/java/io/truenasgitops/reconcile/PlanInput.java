package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.DockerStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the planner looks at. Built by the engine from I/O; built by hand in tests.
 *
 * @param sourceUrl the Git source URL the stamps must carry for an app to count as ours
 * @param revision the commit planned against (null when there is no snapshot at all)
 * @param sourceFresh false when this pass's fetch failed and {@code stacks} come from the last good snapshot
 *     (or there is none): pruning is then refused
 * @param stacks the desired stacks of the snapshot (empty when the repository renders none)
 * @param live the observed apps per reachable target
 * @param targets every configured target name
 * @param unreachable reachable-not targets, with the error message
 * @param inventory what was applied before
 * @param statuses the statuses after the previous pass, by stack name
 * @param suspended stacks suspended at runtime (stack.yaml {@code suspend: true} comes on top)
 * @param prune the global prune switch (config or {@code sync --prune})
 * @param selfAppName the daemon's own app, never pruned
 * @param forced stacks a human asked to sync now: drift is reverted and Stalled/backoff holds are ignored
 * @param now the pass time (backoff decisions)
 * @param dockerDown reachable targets whose apps service (Docker) is not RUNNING, with its {@code docker.status}:
 *     their (empty) app list says nothing, so nothing is planned for them and no drift is reported
 */
public record PlanInput(
        String sourceUrl, String revision, boolean sourceFresh, List<DesiredStack> stacks,
        Map<String, List<LiveApp>> live, Set<String> targets, Map<String, String> unreachable, Inventory inventory,
        Map<String, StackStatus> statuses, Set<String> suspended, boolean prune, Optional<String> selfAppName,
        Set<String> forced, Instant now, Map<String, DockerStatus> dockerDown) {

    /** Without targets whose apps service is down (every reachable target runs apps). */
    public PlanInput(String sourceUrl, String revision, boolean sourceFresh, List<DesiredStack> stacks,
            Map<String, List<LiveApp>> live, Set<String> targets, Map<String, String> unreachable, Inventory inventory,
            Map<String, StackStatus> statuses, Set<String> suspended, boolean prune, Optional<String> selfAppName,
            Set<String> forced, Instant now) {
        this(sourceUrl, revision, sourceFresh, stacks, live, targets, unreachable, inventory, statuses, suspended, prune,
                selfAppName, forced, now, Map.of());
    }

    public PlanInput {
        dockerDown = dockerDown == null ? Map.of() : Map.copyOf(dockerDown);
        stacks = stacks == null ? List.of() : List.copyOf(stacks);
        live = live == null ? Map.of() : Map.copyOf(live);
        targets = targets == null ? Set.of() : Set.copyOf(targets);
        unreachable = unreachable == null ? Map.of() : Map.copyOf(unreachable);
        inventory = inventory == null ? Inventory.empty() : inventory;
        statuses = statuses == null ? Map.of() : Map.copyOf(statuses);
        suspended = suspended == null ? Set.of() : Set.copyOf(suspended);
        selfAppName = selfAppName == null ? Optional.empty() : selfAppName;
        forced = forced == null ? Set.of() : Set.copyOf(forced);
    }
}
