package io.truenasgitops.reconcile;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The apps truenas-gitops applied, by {@code target/app}. Immutable; "with" methods return copies. */
public record Inventory(Map<String, InventoryEntry> entries) {

    public Inventory {
        entries = entries == null ? Map.of() : Map.copyOf(entries);
    }

    public static Inventory empty() {
        return new Inventory(Map.of());
    }

    public Optional<InventoryEntry> get(String target, String app) {
        return Optional.ofNullable(entries.get(InventoryEntry.key(target, app)));
    }

    public Inventory with(InventoryEntry entry) {
        Map<String, InventoryEntry> m = new TreeMap<>(entries);
        m.put(entry.key(), entry);
        return new Inventory(m);
    }

    public Inventory without(String target, String app) {
        Map<String, InventoryEntry> m = new TreeMap<>(entries);
        m.remove(InventoryEntry.key(target, app));
        return new Inventory(m);
    }

    public Collection<InventoryEntry> all() {
        return entries.values();
    }
}
