package io.truenasgitops.reconcile;

import java.util.Set;

/**
 * Options of one pass.
 *
 * @param dryRun plan and report, write nothing
 * @param prune delete stamped orphans even where their stack did not say {@code prune: true} (the global switch)
 * @param stacks only these stacks (and orphans of these names); empty = all
 * @param force stacks a human asked for: drift is reverted and Stalled/backoff holds are ignored for them
 */
public record SyncOptions(boolean dryRun, boolean prune, Set<String> stacks, Set<String> force) {

    public SyncOptions {
        stacks = stacks == null ? Set.of() : Set.copyOf(stacks);
        force = force == null ? Set.of() : Set.copyOf(force);
    }

    /** A normal pass over every stack. */
    public static SyncOptions all() {
        return new SyncOptions(false, false, Set.of(), Set.of());
    }

    /** A pass a human asked for, limited to {@code stacks} and forcing them (CLI {@code sync --stack}, REST). */
    public static SyncOptions only(Set<String> stacks) {
        return new SyncOptions(false, false, stacks, stacks);
    }

    public SyncOptions withDryRun(boolean dryRun) {
        return new SyncOptions(dryRun, prune, stacks, force);
    }

    public SyncOptions withPrune(boolean prune) {
        return new SyncOptions(dryRun, prune, stacks, force);
    }

    public boolean selects(String stack) {
        return stacks.isEmpty() || stacks.contains(stack);
    }
}
