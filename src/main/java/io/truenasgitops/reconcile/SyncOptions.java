package io.truenasgitops.reconcile;

import java.util.Set;

/**
 * Options of one pass.
 *
 * @param dryRun plan and report, write nothing
 * @param prune delete stamped orphans even where their stack did not say {@code prune: true} (the global switch)
 * @param stacks only these stacks (and orphans of these names); empty = all
 * @param force stacks a human asked for: drift is reverted and Stalled/backoff holds are ignored for them
 * @param trigger what asked for the pass (the stacks' history says it); {@link TriggerReason#CLI} when not told
 */
public record SyncOptions(boolean dryRun, boolean prune, Set<String> stacks, Set<String> force, TriggerReason trigger) {

    public SyncOptions {
        stacks = stacks == null ? Set.of() : Set.copyOf(stacks);
        force = force == null ? Set.of() : Set.copyOf(force);
        trigger = trigger == null ? TriggerReason.CLI : trigger;
    }

    /** Options of a pass the CLI runs (its trigger). */
    public SyncOptions(boolean dryRun, boolean prune, Set<String> stacks, Set<String> force) {
        this(dryRun, prune, stacks, force, null);
    }

    /** The same options, asked for by {@code trigger}. */
    public SyncOptions withTrigger(TriggerReason trigger) {
        return new SyncOptions(dryRun, prune, stacks, force, trigger);
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
        return new SyncOptions(dryRun, prune, stacks, force, trigger);
    }

    public SyncOptions withPrune(boolean prune) {
        return new SyncOptions(dryRun, prune, stacks, force, trigger);
    }

    public boolean selects(String stack) {
        return stacks.isEmpty() || stacks.contains(stack);
    }
}
