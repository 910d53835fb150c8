package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.Dataset;
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
 * @param selfApps the apps found to run this very process ({@link SelfApp}): like {@code selfAppName}, never touched
 * @param datasets the datasets {@code pool.dataset.query} shows, per target whose stacks have a {@code snapshot:}
 *     policy; a target missing here is not known (no storage API, or the read failed): only what can be told
 *     without datasets is checked there
 */
public record PlanInput(
        String sourceUrl, String revision, boolean sourceFresh, List<DesiredStack> stacks,
        Map<String, List<LiveApp>> live, Set<String> targets, Map<String, String> unreachable, Inventory inventory,
        Map<String, StackStatus> statuses, Set<String> suspended, boolean prune, Optional<String> selfAppName,
        Set<String> forced, Instant now, Map<String, DockerStatus> dockerDown, Set<String> selfApps,
        Map<String, List<Dataset>> datasets) {

    /** Without the NAS's datasets (snapshot policies are checked with what can be told without them). */
    public PlanInput(String sourceUrl, String revision, boolean sourceFresh, List<DesiredStack> stacks,
            Map<String, List<LiveApp>> live, Set<String> targets, Map<String, String> unreachable, Inventory inventory,
            Map<String, StackStatus> statuses, Set<String> suspended, boolean prune, Optional<String> selfAppName,
            Set<String> forced, Instant now, Map<String, DockerStatus> dockerDown, Set<String> selfApps) {
        this(sourceUrl, revision, sourceFresh, stacks, live, targets, unreachable, inventory, statuses, suspended, prune,
                selfAppName, forced, now, dockerDown, selfApps, Map.of());
    }

    /** Without apps detected as the daemon's own (only the configured self name protects it). */
    public PlanInput(String sourceUrl, String revision, boolean sourceFresh, List<DesiredStack> stacks,
            Map<String, List<LiveApp>> live, Set<String> targets, Map<String, String> unreachable, Inventory inventory,
            Map<String, StackStatus> statuses, Set<String> suspended, boolean prune, Optional<String> selfAppName,
            Set<String> forced, Instant now, Map<String, DockerStatus> dockerDown) {
        this(sourceUrl, revision, sourceFresh, stacks, live, targets, unreachable, inventory, statuses, suspended, prune,
                selfAppName, forced, now, dockerDown, Set.of());
    }

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
        selfApps = selfApps == null ? Set.of() : Set.copyOf(selfApps);
        datasets = datasets == null ? Map.of() : Map.copyOf(datasets);
    }

    /** Whether {@code app} is the daemon's own app: the configured self name, or an app found to run this process. */
    public boolean isSelf(String app) {
        return selfAppName.filter(app::equals).isPresent() || selfApps.contains(app);
    }

    /** A plan input named component by component; what is not set is empty (or false, or null). */
    public static Builder builder() {
        return new Builder();
    }

    /** Names each component, so a plan input is never built from a run of nulls. */
    public static final class Builder {
        private String sourceUrl;
        private String revision;
        private boolean sourceFresh;
        private List<DesiredStack> stacks;
        private Map<String, List<LiveApp>> live;
        private Set<String> targets;
        private Map<String, String> unreachable;
        private Inventory inventory;
        private Map<String, StackStatus> statuses;
        private Set<String> suspended;
        private boolean prune;
        private Optional<String> selfAppName;
        private Set<String> forced;
        private Instant now;
        private Map<String, DockerStatus> dockerDown;
        private Set<String> selfApps;
        private Map<String, List<Dataset>> datasets;

        private Builder() {}

        public Builder sourceUrl(String v) {
            sourceUrl = v;
            return this;
        }

        public Builder revision(String v) {
            revision = v;
            return this;
        }

        public Builder sourceFresh(boolean v) {
            sourceFresh = v;
            return this;
        }

        public Builder stacks(List<DesiredStack> v) {
            stacks = v;
            return this;
        }

        public Builder live(Map<String, List<LiveApp>> v) {
            live = v;
            return this;
        }

        public Builder targets(Set<String> v) {
            targets = v;
            return this;
        }

        public Builder unreachable(Map<String, String> v) {
            unreachable = v;
            return this;
        }

        public Builder inventory(Inventory v) {
            inventory = v;
            return this;
        }

        public Builder statuses(Map<String, StackStatus> v) {
            statuses = v;
            return this;
        }

        public Builder suspended(Set<String> v) {
            suspended = v;
            return this;
        }

        public Builder prune(boolean v) {
            prune = v;
            return this;
        }

        public Builder selfAppName(Optional<String> v) {
            selfAppName = v;
            return this;
        }

        public Builder forced(Set<String> v) {
            forced = v;
            return this;
        }

        public Builder now(Instant v) {
            now = v;
            return this;
        }

        public Builder dockerDown(Map<String, DockerStatus> v) {
            dockerDown = v;
            return this;
        }

        public Builder selfApps(Set<String> v) {
            selfApps = v;
            return this;
        }

        public Builder datasets(Map<String, List<Dataset>> v) {
            datasets = v;
            return this;
        }

        public PlanInput build() {
            return new PlanInput(sourceUrl, revision, sourceFresh, stacks, live, targets, unreachable, inventory,
                    statuses, suspended, prune, selfAppName, forced, now, dockerDown, selfApps, datasets);
        }
    }
}
