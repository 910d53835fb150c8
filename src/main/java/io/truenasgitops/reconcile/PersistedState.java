package io.truenasgitops.reconcile;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What survives a daemon restart: statuses, events, the applied inventory and runtime suspensions. Together
 * with the stamps on the NAS this is the truth a new engine starts from, so a restart does not redeploy.
 *
 * @param version format version of this document (1)
 * @param stacks statuses by stack name
 * @param inventory what was applied, per target and app
 * @param suspended stacks suspended at runtime
 * @param events the bounded event history, oldest first
 * @param history each stack's applies, failures and rollbacks, oldest first ({@link StackHistory}); absent in
 *     files written before it existed
 */
public record PersistedState(int version, Map<String, StackStatus> stacks, Inventory inventory, Set<String> suspended,
        List<Event> events, Map<String, List<HistoryEntry>> history) {

    public static final int CURRENT_VERSION = 1;

    public PersistedState {
        stacks = stacks == null ? Map.of() : Map.copyOf(stacks);
        inventory = inventory == null ? Inventory.empty() : inventory;
        suspended = suspended == null ? Set.of() : Set.copyOf(suspended);
        events = events == null ? List.of() : List.copyOf(events);
        history = history == null ? Map.of() : Map.copyOf(history);
    }

    /** A state without deployment history. */
    public PersistedState(int version, Map<String, StackStatus> stacks, Inventory inventory, Set<String> suspended,
            List<Event> events) {
        this(version, stacks, inventory, suspended, events, Map.of());
    }

    public static PersistedState empty() {
        return new PersistedState(CURRENT_VERSION, Map.of(), Inventory.empty(), Set.of(), List.of(), Map.of());
    }
}
