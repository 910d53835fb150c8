package io.truenasgitops.reconcile;

import io.truenasgitops.compose.ComposeDiff;
import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.Stamp;
import io.truenasgitops.stacks.StackSettings.DesiredState;
import io.truenasgitops.truenas.AppState;
import io.truenasgitops.truenas.DockerStatus;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The pure planner: pairs desired stacks with live apps by name and target and decides one action for each.
 * The CLI {@code plan}, REST {@code /api/v1/plan} and the loop all call this same function; only the executor
 * writes.
 *
 * <p>Policies (docs/reconcile.md): a change in Git is applied even over an edit made on the NAS (the plan
 * says so); without a change in Git, config, state and missing drift are only reverted with {@code selfHeal}
 * (or when a human syncs that stack explicitly); the first creation and an explicit {@code state:} change in
 * Git are always applied. Deletion needs our stamp from this source, the stack's remembered {@code prune:
 * true} (or the global switch), a fresh source that renders at least one stack, and never touches the
 * daemon's own app.
 */
public final class Planner {

    private Planner() {}

    public static Plan plan(PlanInput in) {
        List<String> warnings = new ArrayList<>();
        in.unreachable().forEach((t, msg) -> warnings.add("target '" + t + "' is unreachable: " + msg));
        in.dockerDown().forEach((t, ds) -> warnings.add(dockerDownMessage(t, ds) + "; nothing is planned for it"));
        if (!in.sourceFresh()) {
            warnings.add(in.revision() == null
                    ? "no snapshot of the Git source is available: nothing is planned"
                    : "the Git fetch failed: planning against the last good revision " + shortRev(in.revision())
                            + " and pruning nothing");
        }
        Map<String, LiveApp> liveByKey = new HashMap<>();
        in.live().forEach((t, apps) -> apps.forEach(a -> liveByKey.put(InventoryEntry.key(t, a.name()), a)));

        Map<String, Action> byStack = new LinkedHashMap<>();
        Map<String, DesiredStack> desiredByName = new TreeMap<>();
        for (DesiredStack d : in.stacks()) {
            desiredByName.put(d.name(), d);
        }
        for (DesiredStack d : desiredByName.values()) {
            byStack.put(d.name(), planStack(in, d, liveByKey.get(InventoryEntry.key(d.target(), d.name()))));
        }
        List<Action> ordered = applyDependencies(desiredByName, byStack, liveByKey);
        ordered.addAll(planOrphans(in, desiredByName));
        return new Plan(in.revision(), in.sourceUrl(), in.now(), ordered, warnings);
    }

    /**
     * The plan of a pass in report mode ({@link Mode#REPORT}): every action that would write is held back
     * ({@link Reasons#REPORT_ONLY}) with what it would do; its drift stays as observed. Forced stacks too.
     */
    public static Plan reportOnly(Plan plan) {
        List<Action> held = plan.actions().stream().map(a -> !a.writes() ? a
                : a.blocked(Reason.of(Reasons.REPORT_ONLY, "would " + a.type().name().toLowerCase() + " app '"
                        + a.stack() + "'" + (a.reason() == null ? "" : " (" + a.reason().message() + ")")
                        + "; the daemon is in report mode, nothing is written: switch with"
                        + " 'truenas-gitops mode sync' or PUT /api/v1/mode"))).toList();
        return new Plan(plan.revision(), plan.sourceUrl(), plan.createdAt(), held, plan.warnings());
    }

    // ---- one desired stack -------------------------------------------------------------------------------

    private static Action planStack(PlanInput in, DesiredStack d, LiveApp live) {
        String rev = shortRev(in.revision());
        DesiredState want = d.settings().state() == null ? DesiredState.RUNNING : d.settings().state();
        String fp = fingerprint(d, live, want);
        ComposeDiff diff = !d.isValid() ? null
                // equal hashes are equal normalised composes: nothing to diff (the common case of every pass, and
                // without it a masked secret on the live side would read as a change of that secret)
                : live != null && live.hash().equals(d.hash()) ? new ComposeDiff(List.of(), "")
                : ComposeDiff.between(live == null ? null
                        : LiveMasking.maskLive(live.config(), d.rendered().compose(), d.rendered().masker(),
                                appliedSecretPaths(in, d, live)),
                        d.rendered().compose(), d.rendered().masker());
        Set<DriftKind> noDrift = Set.of();
        ActionBuilder b = new ActionBuilder(d, live, diff, fp, want);

        if (in.isSelf(d.name())) {
            // First of all checks: whatever stack.yaml says (adopt, state, suspend), a pass that touched this app
            // would stop the very process doing it, with nothing left to notice or to finish the job.
            return b.build(ActionType.BLOCKED, Reasons.SELF_APP, "stack '" + d.name() + "' names the daemon's own"
                    + " app (" + (in.selfAppName().filter(d.name()::equals).isPresent()
                            ? "the configured self-app-name" : "its containers run this daemon")
                    + "): a pass never creates, updates, adopts, stops, starts or deletes it, whatever "
                    + d.relativeDir() + " says; upgrade the daemon by editing its app on the NAS"
                    + " (docs/install.md, Upgrades) and rename or remove the folder " + d.relativeDir(),
                    Set.of(), false);
        }

        if (d.settings().suspend() || in.suspended().contains(d.name())) {
            return b.build(ActionType.BLOCKED, Reasons.SUSPENDED, "stack '" + d.name() + "' is suspended"
                    + (d.settings().suspend() ? " in " + d.relativeDir() + "/stack.yaml" : " (resume it to apply changes)")
                    + ": nothing is applied or reverted", noDrift, false);
        }
        if (!d.isValid()) {
            List<String> errors = d.problems().stream().filter(Problem::isError).map(Problem::format).toList();
            return b.build(ActionType.BLOCKED, Reasons.INVALID_STACK, "stack '" + d.name() + "' at " + rev
                    + " is invalid (" + errors.size() + " problem" + (errors.size() == 1 ? "" : "s")
                    + "); fix it in Git: " + String.join("; ", errors), noDrift, false);
        }
        if (!in.targets().contains(d.target())) {
            return b.build(ActionType.BLOCKED, Reasons.UNKNOWN_TARGET, "stack '" + d.name() + "' names target '"
                    + d.target() + "' but the configured targets are " + new java.util.TreeSet<>(in.targets())
                    + "; fix target: in " + d.relativeDir() + "/stack.yaml or configure that target", noDrift, false);
        }
        if (in.unreachable().containsKey(d.target())) {
            return b.build(ActionType.BLOCKED, Reasons.TARGET_UNREACHABLE, "target '" + d.target()
                    + "' is unreachable, '" + d.name() + "' is not applied: " + in.unreachable().get(d.target()),
                    noDrift, false);
        }
        if (in.dockerDown().containsKey(d.target())) {
            // app.query answers [] while Docker is down: the app would look missing and be "re-created"
            return b.build(ActionType.BLOCKED, Reasons.DOCKER_NOT_RUNNING, "stack '" + d.name() + "' is neither"
                    + " applied nor checked for drift: " + dockerDownMessage(d.target(), in.dockerDown().get(d.target())),
                    noDrift, false);
        }
        boolean heal = d.settings().selfHeal() || in.forced().contains(d.name());
        InventoryEntry applied = in.inventory().get(d.target(), d.name()).orElse(null);

        Action action = live == null ? planMissing(d, b, applied, heal, rev) : planPresent(in, d, live, b, applied, heal, rev, want);
        return hold(in, d.name(), snapshotCoverage(in, d, action));
    }

    /**
     * Where the compose live on the NAS held secrets when it was applied: from the app's stamp, which any process
     * reads from the NAS, and from this process's inventory (apps stamped before stamps recorded them). Masking
     * more never shows a secret, so both count.
     */
    private static List<String> appliedSecretPaths(PlanInput in, DesiredStack d, LiveApp live) {
        Set<String> paths = new java.util.LinkedHashSet<>(live.stamp().map(Stamp::secretPaths).orElse(List.of()));
        in.inventory().get(d.target(), d.name()).ifPresent(e -> paths.addAll(e.secretPaths()));
        return List.copyOf(paths);
    }

    /**
     * A {@code snapshot:} policy fails closed: a create or update of a stack whose policy cannot protect some of its
     * data ({@link SnapshotCoverage}) is held back ({@code SnapshotImpossible}) unless it says {@code required: false};
     * otherwise the plan says so under the stack. Datasets are those of {@link PlanInput#datasets()}, when known.
     */
    private static Action snapshotCoverage(PlanInput in, DesiredStack d, Action a) {
        var policy = d.settings().snapshot();
        if (!policy.enabled() || !d.isValid() || a.type() == ActionType.BLOCKED) {
            return a;
        }
        Map<String, List<String>> others = new TreeMap<>();
        for (DesiredStack o : in.stacks()) {
            if (!o.name().equals(d.name()) && o.isValid() && o.target().equals(d.target())) {
                others.computeIfAbsent(o.name(), k -> new ArrayList<>()).addAll(HostPaths.of(o.rendered().compose()));
            }
        }
        in.live().getOrDefault(d.target(), List.of()).forEach(l -> {
            if (!l.name().equals(d.name())) {
                others.computeIfAbsent(l.name(), k -> new ArrayList<>()).addAll(HostPaths.of(l.config()));
            }
        });
        List<SnapshotCoverage.Finding> findings = SnapshotCoverage.check(d.name(), d.rendered().compose(), others,
                java.util.Optional.ofNullable(in.datasets().get(d.target())));
        if (findings.isEmpty()) {
            return a;
        }
        List<String> messages = findings.stream().map(SnapshotCoverage.Finding::message).toList();
        if (!policy.required()) {
            return a.toBuilder().warnings(List.of("the snapshot policy does not protect all of the data of stack '"
                    + d.name() + "' (required: false, so it is applied anyway): " + String.join("; ", messages)))
                    .build();
        }
        if (a.type() == ActionType.CREATE || a.type() == ActionType.UPDATE) {
            return a.blocked(Reason.of(Reasons.SNAPSHOT_IMPOSSIBLE, SnapshotCoverage.heldBack(d.name(),
                    d.relativeDir(), a.type() == ActionType.CREATE ? "created" : "updated", findings)));
        }
        return a.toBuilder().warnings(List.of("the snapshot policy of stack '" + d.name() + "' cannot protect all of"
                + " its data, so its next create or update is held back (SnapshotImpossible): "
                + String.join("; ", messages) + "; " + SnapshotCoverage.fixes(d.relativeDir()))).build();
    }

    private static Action planMissing(DesiredStack d, ActionBuilder b, InventoryEntry applied, boolean heal, String rev) {
        Set<DriftKind> missing = EnumSet.of(DriftKind.MISSING);
        if (applied == null) {
            // Never applied: Git is ahead of the NAS, nobody changed the NAS, so this is not drift (no alert while
            // a first create is pending or stalled; the stalled condition reports that).
            return b.build(ActionType.CREATE, Reasons.NOT_DEPLOYED, "create app '" + d.name() + "' from "
                    + d.relativeDir() + " at " + rev, EnumSet.noneOf(DriftKind.class), true);
        }
        if (heal || !applied.hash().equals(d.hash())) {
            return b.build(ActionType.CREATE, Reasons.APP_MISSING, "app '" + d.name() + "' was applied at "
                    + shortRev(applied.revision()) + " but is gone from the NAS; recreating it from " + rev, missing,
                    true);
        }
        return b.build(ActionType.UNCHANGED, Reasons.DRIFT_REPORTED, "app '" + d.name()
                + "' was deleted on the NAS outside Git; selfHeal is off, so it is only reported (set selfHeal: true"
                + " or run sync --stack " + d.name() + " to recreate it)", missing, false);
    }

    private static Action planPresent(PlanInput in, DesiredStack d, LiveApp live, ActionBuilder b,
            InventoryEntry applied, boolean heal, String rev, DesiredState want) {
        if (live.state() == AppState.ERROR) {
            return b.build(ActionType.BLOCKED, Reasons.APP_UNUSABLE, unusable(d.name(), d.target(), live.errorReason())
                    + "; once it is gone the next pass creates it again from " + d.relativeDir(), Set.of(), false);
        }
        boolean ours = live.ownedBy(in.sourceUrl());
        if (!live.customApp()) {
            return b.build(ActionType.BLOCKED, Reasons.NOT_CUSTOM_APP, "app '" + d.name() + "' on target '"
                    + d.target() + "' is a catalog app, not a custom compose app, and cannot be adopted; rename the stack folder, or"
                    + " move the app to a custom app by hand (docs/migrating.md)", Set.of(), false);
        }
        boolean adopting = false;
        if (!ours) {
            if (!d.settings().adopt()) {
                Stamp other = live.stamp().orElse(null);
                return other == null
                        ? b.build(ActionType.BLOCKED, Reasons.NOT_OWNED, "app '" + d.name() + "' already exists on"
                                + " target '" + d.target() + "' and was not created by truenas-gitops; set adopt: true"
                                + " in " + d.relativeDir() + "/stack.yaml to take it over", Set.of(), false)
                        : b.build(ActionType.BLOCKED, Reasons.OWNED_BY_OTHER_SOURCE, "app '" + d.name() + "' on"
                                + " target '" + d.target() + "' belongs to another source: its stamp names "
                                + other.source() + ", this source is " + in.sourceUrl() + "; set adopt: true in "
                                + d.relativeDir() + "/stack.yaml to take it over", Set.of(), false);
            }
            adopting = true;
        }
        String appliedHash = ours ? live.stamp().get().hash() : null;
        boolean configDiffers = !d.hash().equals(live.hash());
        // live equal to Git is in sync even when it got there by hand (then the stamp is merely stale)
        boolean configDrift = ours && !live.hash().equals(appliedHash) && configDiffers;
        boolean gitChanged = !ours || !d.hash().equals(appliedHash);
        boolean up = isUp(live.state());
        boolean stateDrift = want == DesiredState.RUNNING
                ? live.state() == AppState.STOPPED || live.state() == AppState.CRASHED || live.state() == AppState.ERROR
                : up;
        boolean explicitState = applied != null ? applied.state() != want : adopting;
        // Our own apply of exactly this compose wrote it but never finished (the update's job failed after the
        // files were written and the app went down, or the daemon died): its state is still ours to set, not
        // drift made by a person.
        boolean unfinishedApply = ours && applied != null && d.hash().equals(appliedHash)
                && !d.hash().equals(applied.hash());
        // Our own apply failed and left the app down (FailedApply, kept in the state file): bringing it up again is
        // ours too, on the retry and on any later commit; it is never a person's stop that is only reported.
        FailedApply failed = ownFailure(in, d.name(), ours);
        boolean enforce = heal || explicitState || unfinishedApply || failed != null;
        Set<DriftKind> drift = EnumSet.noneOf(DriftKind.class);
        if (configDrift) {
            drift.add(DriftKind.CONFIG);
        }
        if (stateDrift) {
            drift.add(DriftKind.STATE);
        }
        String stateNote = !stateDrift ? ""
                : failed != null && !heal ? "; app is " + live.state() + " because the " + failed.action().name()
                        .toLowerCase() + " of " + shortRev(failed.revision()) + " failed (" + failed.reason()
                        + "); it is brought up again"
                : "; app is " + live.state() + " but should be " + want.name().toLowerCase()
                        + (enforce ? "" : " (reported only: selfHeal is off)");

        if (adopting) {
            return b.build(ActionType.UPDATE, Reasons.ADOPT, "adopt existing app '" + d.name() + "' (adopt: true):"
                    + " its compose is replaced by " + d.relativeDir() + " at " + rev
                    + " and stamped, which recreates its containers once" + stateNote, drift, enforce);
        }
        if (configDiffers && gitChanged) {
            return b.build(ActionType.UPDATE, Reasons.CONFIG_CHANGED, "update app '" + d.name() + "': "
                    + d.relativeDir() + " changed in Git at " + rev
                    + (configDrift ? "; this overwrites changes made on the NAS outside Git" : "")
                    + "; the update recreates all its containers" + stateNote, drift, enforce);
        }
        if (configDiffers) {
            if (heal) {
                return b.build(ActionType.UPDATE, Reasons.SELF_HEAL, "revert changes made to app '" + d.name()
                        + "' outside Git back to " + d.relativeDir() + " at " + rev + stateNote, drift, enforce);
            }
        }
        if (stateDrift && unfinishedApply && !heal && !explicitState) {
            ActionType t = want == DesiredState.RUNNING ? ActionType.START : ActionType.STOP;
            return b.build(t, Reasons.APPLY_UNFINISHED, (t == ActionType.START ? "start" : "stop") + " app '"
                    + d.name() + "': it is " + live.state() + " because the apply of " + d.relativeDir() + " at "
                    + rev + " wrote its compose but did not finish; finishing it", drift, true);
        }
        if (stateDrift && failed != null && !heal && !explicitState && want == DesiredState.RUNNING) {
            return b.build(ActionType.START, Reasons.APPLY_UNFINISHED, "start app '" + d.name() + "': it is "
                    + live.state() + " because the " + failed.action().name().toLowerCase() + " of " + d.relativeDir()
                    + " at " + shortRev(failed.revision()) + " failed (" + failed.reason() + "); starting it again",
                    drift, true);
        }
        if (stateDrift && enforce) {
            ActionType t = want == DesiredState.RUNNING ? ActionType.START : ActionType.STOP;
            String verb = t == ActionType.START ? "start" : "stop";
            return b.build(t, heal ? Reasons.SELF_HEAL : Reasons.STATE_CHANGED, verb + " app '" + d.name()
                    + "': it is " + live.state() + " and " + d.relativeDir() + " at " + rev + " says state: "
                    + want.name().toLowerCase() + (heal ? " (selfHeal)" : " (changed in Git)"), drift, true);
        }
        if (!drift.isEmpty()) {
            String what = drift.stream().map(k -> k.label()).sorted().collect(Collectors.joining(", "));
            return b.build(ActionType.UNCHANGED, Reasons.DRIFT_REPORTED, "app '" + d.name() + "' drifted from "
                    + d.relativeDir() + " at " + rev + " (" + what + ")"
                    + (configDrift ? "; its compose was changed outside Git" : "") + stateNote
                    + "; set selfHeal: true or run sync --stack " + d.name() + " to revert", drift, false);
        }
        if (live.state() == AppState.DEPLOYING || live.state() == AppState.STOPPING) {
            return b.build(ActionType.UNCHANGED, Reasons.PROGRESSING, "app '" + d.name() + "' is " + live.state()
                    + " at " + rev, drift, false);
        }
        return b.build(ActionType.UNCHANGED, Reasons.UP_TO_DATE, "app '" + d.name() + "' matches " + d.relativeDir()
                + " at " + rev, drift, false);
    }

    /**
     * The stack's own last failed apply, when this engine remembers one and the app still carries our stamp (an app
     * taken over or replaced since is not ours to judge by it).
     */
    private static FailedApply ownFailure(PlanInput in, String stack, boolean ours) {
        StackStatus prev = in.statuses().get(stack);
        return ours && prev != null ? prev.failedApply() : null;
    }

    /** A failed apply is not repeated while the situation is the same, and a transient one waits for its backoff. */
    private static Action hold(PlanInput in, String stack, Action a) {
        if (!a.writes() || in.forced().contains(stack)) {
            return a;
        }
        StackStatus prev = in.statuses().get(stack);
        if (prev == null) {
            return a;
        }
        FailedApply rolledBack = prev.failedApply();
        if (rolledBack != null && rolledBack.rolledBackTo() != null && a.desiredHash() != null
                && a.desiredHash().equals(rolledBack.hash())) {
            // onFailure: rollback put the last good revision back: the failing one waits for a change in Git
            return a.blocked(Reason.of(Reasons.STALLED, "would " + a.type().name().toLowerCase() + " app '" + stack
                    + "' to " + shortRev(rolledBack.revision()) + ", whose " + rolledBack.action().name().toLowerCase()
                    + " failed and was rolled back to "
                    + shortRev(rolledBack.rolledBackTo()) + " (onFailure: rollback): not applied again until the"
                    + " stack changes in Git (sync --stack " + stack + " tries it again)"));
        }
        if (prev.isStalled() && a.fingerprint().equals(prev.stalledFingerprint())) {
            boolean slowRetryDue = prev.nextRetryAt() != null && in.now() != null
                    && !in.now().isBefore(prev.nextRetryAt());
            if (slowRetryDue) {
                return a; // the slow backoff of a failure that may pass (a registry down for a while) has run out
            }
            return a.blocked(Reason.of(Reasons.STALLED, "would " + a.type().name().toLowerCase() + " app '" + stack
                    + "' but the same apply failed before: " + (prev.lastError() == null ? "see events" : prev.lastError())
                    + (prev.nextRetryAt() != null
                            ? "; tried again at " + prev.nextRetryAt() + " (attempt " + (prev.failures() + 1)
                                    + ") or when the stack changes in Git or the app on the NAS"
                            : "; not retried until the stack changes in Git or the app changes on the NAS")
                    + " (sync --stack " + stack + " retries now)"));
        }
        // a stall's slow backoff holds only the apply that failed (above); a new commit goes right away
        if (!prev.isStalled() && prev.nextRetryAt() != null && in.now() != null
                && in.now().isBefore(prev.nextRetryAt())) {
            return a.blocked(Reason.of(Reasons.RETRY_BACKOFF, "would " + a.type().name().toLowerCase() + " app '"
                    + stack + "'; retrying after " + prev.nextRetryAt() + " (attempt " + (prev.failures() + 1)
                    + ") because: " + prev.lastError()));
        }
        return a;
    }

    // ---- dependencies ------------------------------------------------------------------------------------

    /** Orders stacks so dependencies come first; cycles, unknown and unready dependencies block their dependents. */
    private static List<Action> applyDependencies(Map<String, DesiredStack> desired, Map<String, Action> actions,
            Map<String, LiveApp> liveByKey) {
        Set<String> inCycle = findCycles(desired);
        List<String> order = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        for (String name : desired.keySet()) {
            visit(name, desired, inCycle, visited, order);
        }
        for (String name : desired.keySet()) {
            if (inCycle.contains(name) && !visited.contains(name)) {
                order.add(name);
            }
        }
        for (String name : order) {
            Action a = actions.get(name);
            DesiredStack d = desired.get(name);
            if (a.type() == ActionType.BLOCKED && !Reasons.STALLED.equals(a.reason().code())
                    && !Reasons.RETRY_BACKOFF.equals(a.reason().code())) {
                continue;
            }
            if (inCycle.contains(name)) {
                actions.put(name, a.blocked(Reason.of(Reasons.DEPENDENCY_CYCLE, "stack '" + name
                        + "' is part of a dependsOn cycle (" + cycleOf(name, desired, inCycle)
                        + "); break the cycle in stack.yaml")));
                continue;
            }
            List<String> unknown = d.dependsOn().stream().filter(dep -> !desired.containsKey(dep)).toList();
            if (!unknown.isEmpty()) {
                actions.put(name, a.blocked(Reason.of(Reasons.DEPENDENCY_NOT_FOUND, "stack '" + name
                        + "' depends on " + unknown + ", which " + (unknown.size() == 1 ? "is" : "are")
                        + " not in the repository; fix dependsOn in " + d.relativeDir() + "/stack.yaml")));
                continue;
            }
            if (!a.writes()) {
                continue;
            }
            for (String dep : d.dependsOn()) {
                Action da = actions.get(dep);
                DesiredStack dd = desired.get(dep);
                LiveApp dl = liveByKey.get(InventoryEntry.key(dd.target(), dep));
                boolean depWillApply = da.writes();
                boolean depHealthy = dl != null && HealthStatus.assess(dl.state(), dd.settings().state()).isGood();
                if (da.type() == ActionType.BLOCKED || (!depWillApply && !depHealthy)) {
                    actions.put(name, a.blocked(Reason.of(Reasons.DEPENDENCY_NOT_READY, "stack '" + name
                            + "' waits for '" + dep + "', which is not ready (" + da.reason().code() + ": "
                            + da.reason().message() + ")")));
                    break;
                }
            }
        }
        List<Action> out = new ArrayList<>();
        for (String name : order) {
            out.add(actions.get(name));
        }
        return out;
    }

    private static void visit(String name, Map<String, DesiredStack> desired, Set<String> inCycle, Set<String> visited,
            List<String> order) {
        if (visited.contains(name) || inCycle.contains(name)) {
            return;
        }
        visited.add(name);
        for (String dep : desired.get(name).dependsOn()) {
            if (desired.containsKey(dep)) {
                visit(dep, desired, inCycle, visited, order);
            }
        }
        order.add(name);
    }

    /** Stacks on a dependsOn cycle (Tarjan's strongly connected components of size > 1, or a self-loop). */
    static Set<String> findCycles(Map<String, DesiredStack> desired) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        java.util.Deque<String> stack = new java.util.ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        Set<String> result = new java.util.TreeSet<>();
        int[] counter = {0};
        for (String v : desired.keySet()) {
            if (!index.containsKey(v)) {
                strongConnect(v, desired, index, low, stack, onStack, result, counter);
            }
        }
        return result;
    }

    private static void strongConnect(String v, Map<String, DesiredStack> g, Map<String, Integer> index,
            Map<String, Integer> low, java.util.Deque<String> stack, Set<String> onStack, Set<String> result,
            int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : g.get(v).dependsOn()) {
            if (!g.containsKey(w)) {
                continue;
            }
            if (!index.containsKey(w)) {
                strongConnect(w, g, index, low, stack, onStack, result, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1 || g.get(v).dependsOn().contains(v)) {
                result.addAll(component);
            }
        }
    }

    private static String cycleOf(String name, Map<String, DesiredStack> desired, Set<String> inCycle) {
        return desired.get(name).dependsOn().stream().filter(inCycle::contains)
                .map(dep -> name + " → " + dep).collect(Collectors.joining(", "));
    }

    // ---- orphans -------------------------------------------------------------------------------------------

    private static List<Action> planOrphans(PlanInput in, Map<String, DesiredStack> desired) {
        List<Action> out = new ArrayList<>();
        for (var entry : new TreeMap<>(in.live()).entrySet()) {
            String target = entry.getKey();
            if (in.dockerDown().containsKey(target)) {
                continue; // its app list is empty for want of Docker, not because apps are gone
            }
            for (LiveApp app : entry.getValue()) {
                DesiredStack d = desired.get(app.name());
                if (d != null && d.target().equals(target)) {
                    continue;
                }
                // Only apps stamped by this very source are ever considered: not ours means not our business.
                if (!app.ownedBy(in.sourceUrl())) {
                    continue;
                }
                out.add(planOrphan(in, target, app, d));
            }
        }
        return out;
    }

    private static Action planOrphan(PlanInput in, String target, LiveApp app, DesiredStack movedTo) {
        Stamp stamp = app.stamp().get();
        InventoryEntry applied = in.inventory().get(target, app.name()).orElse(null);
        Set<DriftKind> orphan = EnumSet.of(DriftKind.ORPHAN);
        String fp = "orphan|" + app.hash();
        String name = app.name();
        java.util.function.BiFunction<ActionType, Reason, Action> make = (t, r) -> Action.builder(t, name, target)
                .path(stamp.path()).reason(r).drift(orphan).liveHash(app.hash()).fingerprint(fp).build();
        String where = "app '" + name + "' on target '" + target + "' (from " + stamp.path() + ")";
        if (in.isSelf(name)) {
            return make.apply(ActionType.UNCHANGED, Reason.of(Reasons.SELF_APP, where
                    + " is the daemon's own app; it is never pruned"));
        }
        if (movedTo != null) {
            return make.apply(ActionType.UNCHANGED, Reason.of(Reasons.PRUNE_DISABLED, where + " is left alone: stack '"
                    + name + "' now targets '" + movedTo.target() + "'; delete it by hand when the move is done"));
        }
        if (!in.sourceFresh()) {
            return make.apply(ActionType.UNCHANGED, Reason.of(Reasons.PRUNE_GUARD_SOURCE, where
                    + " has no folder in the last good revision, but the Git fetch failed: nothing is pruned"));
        }
        if (in.stacks().isEmpty()) {
            return make.apply(ActionType.UNCHANGED, Reason.of(Reasons.PRUNE_GUARD_EMPTY, where
                    + " has no folder, but the repository renders zero stacks at " + shortRev(in.revision())
                    + " (wrong path or branch?): refusing to prune everything"));
        }
        boolean allowed = in.prune() || (applied != null && applied.prune());
        if (!allowed) {
            return make.apply(ActionType.UNCHANGED, Reason.of(Reasons.PRUNE_DISABLED, where + " has no folder at "
                    + shortRev(in.revision()) + " and prune is off for it; delete it by hand, or set prune: true"
                    + " before removing a folder, or run sync --prune"));
        }
        Action del = make.apply(ActionType.DELETE, Reason.of(Reasons.PRUNED, "delete " + where + ": its folder is"
                + " gone at " + shortRev(in.revision()) + " and prune is on"
                + (in.prune() ? " (global switch)" : " (prune: true)")
                + "; this also removes its named volumes"));
        return hold(in, name, del);
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /**
     * Why an app in ERROR is left alone and what to do: TrueNAS 27.0 cannot read its metadata and refuses every
     * operation but deleting it ({@code plugins/apps/utils.py assert_app_usable}), so starting or updating it would
     * fail every pass. Its stamp cannot be read either, so prune does not take it.
     */
    static String unusable(String app, String target, String errorReason) {
        return "app '" + app + "' on target '" + target + "' is in ERROR on the NAS"
                + (errorReason == null ? "" : " (" + errorReason + ")") + ": TrueNAS cannot read its metadata and"
                + " allows only deleting it, so it is neither started nor updated (and prune cannot tell whose it"
                + " is); delete it by hand: truenas-gitops apps delete " + app + " --yes, or Apps in the TrueNAS UI";
    }

    /**
     * Says that the apps service of {@code target} is not running, with the NAS's own status and description and
     * what a human can do about it (which depends on the status).
     */
    static String dockerDownMessage(String target, DockerStatus ds) {
        return appsServiceDown("target '" + target + "'", ds);
    }

    /**
     * The message for an apps service (Docker) that is not RUNNING on {@code where} (e.g. {@code target 'nas'}
     * or a URL): its status, the NAS's description (one line), what to do, and that nothing needs restarting
     * here. Shared by the engine and the CLI.
     */
    public static String appsServiceDown(String where, DockerStatus ds) {
        String status = ds.status() == null || ds.status().isBlank() ? "UNKNOWN" : ds.status();
        String description = ds.description() == null ? "" : ds.description().strip().replaceAll("\\s*\\R\\s*", " ");
        String todo = switch (status) {
            case "UNCONFIGURED" -> "choose a pool for apps in the TrueNAS UI (Apps → Configuration → Choose Pool)";
            case "PENDING", "INITIALIZING" -> "it is starting (after a boot or an upgrade): wait for it";
            case "STOPPING" -> "it is stopping: start it again in the TrueNAS UI (Apps) if that was not intended";
            case "FAILED" -> "fix the cause shown by the NAS (Apps page and alerts), then start it in the TrueNAS UI"
                    + " (Apps → Configuration)";
            default -> "start it in the TrueNAS UI (Apps → Configuration: choose the pool again if needed) and check"
                    + " the NAS alerts";
        };
        return "the apps service (Docker) on " + where + " is " + status
                + (description.isEmpty() ? "" : " (" + description + ")") + "; " + todo
                + "; reconciliation resumes automatically once it is RUNNING";
    }

    static boolean isUp(AppState s) {
        return s == AppState.RUNNING || s == AppState.DEPLOYING || s == AppState.CRASHED || s == AppState.ERROR;
    }

    /**
     * Identifies the situation an apply starts from: desired hash and state, live hash and whether its containers
     * exist. A crash-looping app flips between RUNNING, DEPLOYING and CRASHED; all of those count as "up" so the
     * loop does not look like a change.
     */
    static String fingerprint(DesiredStack d, LiveApp live, DesiredState want) {
        String livepart = live == null ? "absent" : live.hash() + "|" + (isUp(live.state()) ? "up" : "down");
        return d.hash() + "|" + want + "|" + livepart;
    }

    static String shortRev(String rev) {
        if (rev == null) {
            return "(no revision)";
        }
        return io.truenasgitops.git.Snapshot.shorten(rev);
    }

    private record ActionBuilder(DesiredStack d, LiveApp live, ComposeDiff diff, String fp, DesiredState want) {
        Action build(ActionType type, String code, String message, Set<DriftKind> drift, boolean enforce) {
            List<String> problems = d.problems().stream().map(Problem::format).toList();
            return Action.builder(type, d.name(), d.target()).path(d.relativeDir()).reason(Reason.of(code, message))
                    .diff(diff).drift(drift).problems(problems).desiredHash(d.hash())
                    .liveHash(live == null ? null : live.hash()).fingerprint(fp).dependsOn(d.dependsOn()).wantState(want)
                    .enforceState(enforce).composeFiles(d.composeFiles()).build();
        }
    }
}
