package io.truenasgitops.reconcile;

import io.truenasgitops.stacks.StackSettings.DesiredState;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The inventory of what this engine applied (the prune decision for a folder that is gone depends on it), and
 * which statuses go with stacks that vanished: pure rules over one action's outcome or one observation.
 */
final class InventoryRules {

    private InventoryRules() {}

    /**
     * The inventory after {@code action} ended with {@code outcome} (not a deletion): an applied stack records
     * its hash, revision, state and secret paths; a stack left alone keeps its entry, with its settings updated,
     * or gets one rebuilt from our stamp on the NAS when the state was lost. {@code desired} is the stack in Git
     * (null: none), {@code live} the app on the NAS (null: none).
     */
    static Inventory afterAction(Inventory inventory, Action action, Outcome outcome, DesiredStack desired,
            LiveApp live, String revision, String sourceUrl, Instant now) {
        Action a = action;
        DesiredStack d = desired;
        if (d == null || !d.isValid() || !d.target().equals(a.target())) {
            return inventory;
        }
        Optional<InventoryEntry> prev = inventory.get(a.target(), a.stack());
        DesiredState want = a.wantState();
        if (outcome instanceof Outcome.Applied applied) {
            boolean startOrStop = a.type() == ActionType.START || a.type() == ActionType.STOP;
            String hash = startOrStop ? prev.map(InventoryEntry::hash).orElse(a.desiredHash()) : a.desiredHash();
            String rev = startOrStop ? prev.map(InventoryEntry::revision).orElse(revision) : revision;
            DesiredState state = a.enforceState() || a.type() == ActionType.CREATE || prev.isEmpty()
                    || applied.remainingDrift().isEmpty() ? want : prev.get().state();
            List<String> secretPaths = !startOrStop
                    ? LiveMasking.secretPaths(d.rendered().compose(), d.rendered().masker())
                    : prev.map(InventoryEntry::secretPaths).orElse(List.of());
            return inventory.with(new InventoryEntry(a.target(), a.stack(), d.relativeDir(), hash, rev,
                    d.settings().prune(), state, now, secretPaths));
        }
        if (live == null || !live.ownedBy(sourceUrl)) {
            return inventory;
        }
        if (prev.isPresent()) {
            InventoryEntry p = prev.get();
            if (p.prune() != d.settings().prune() || !Objects.equals(p.path(), d.relativeDir())) {
                return inventory.with(p.withSettings(d.relativeDir(), d.settings().prune()));
            }
            return inventory;
        }
        // our stamp is on the NAS but the state was lost (new state dir): rebuild the entry from the stamp
        var stamp = live.stamp().get();
        return inventory.with(new InventoryEntry(a.target(), a.stack(), d.relativeDir(), stamp.hash(),
                stamp.revision(), d.settings().prune(), want, now));
    }

    /**
     * The inventory without the entries of apps gone from Git and from a reachable NAS. Only after a fresh
     * fetch: a stale source says nothing about what is gone.
     */
    static Inventory withoutVanished(Inventory inventory, Observation obs) {
        if (!obs.fresh()) {
            return inventory;
        }
        Inventory out = inventory;
        for (InventoryEntry e : List.copyOf(inventory.all())) {
            boolean reachable = obs.live().containsKey(e.target());
            boolean live = obs.liveByKey().containsKey(e.key());
            boolean desired = obs.desiredByName().containsKey(e.app());
            if (reachable && !live && !desired) {
                out = out.without(e.target(), e.app());
            }
        }
        return out;
    }

    /**
     * The stacks whose status goes: not in the plan, on a target that answered and runs apps. Only after a
     * fresh fetch.
     */
    static Set<String> vanishedStatuses(Map<String, StackStatus> statuses, Plan plan, Observation obs) {
        Set<String> gone = new LinkedHashSet<>();
        if (!obs.fresh()) {
            return gone;
        }
        Set<String> planned = new HashSet<>();
        plan.actions().forEach(a -> planned.add(a.stack()));
        for (Map.Entry<String, StackStatus> e : statuses.entrySet()) {
            String target = e.getValue().target();
            if (!planned.contains(e.getKey()) && !obs.unreachable().containsKey(target)
                    && !obs.dockerDown().containsKey(target)) {
                gone.add(e.getKey());
            }
        }
        return gone;
    }
}
