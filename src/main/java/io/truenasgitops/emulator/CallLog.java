package io.truenasgitops.emulator;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the method calls the emulator received, by method name, over both protocols (also calls that failed
 * authorization or validation). Tests use it to assert that a pass sent no writing call.
 */
public final class CallLog {
    /** The methods that change apps. */
    public static final Set<String> WRITES = Set.of(
            "app.create", "app.update", "app.delete", "app.start", "app.stop", "app.redeploy", "app.pull_images");

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    void record(String method) {
        counts.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
    }

    /** How many times {@code method} was called since start or the last {@link #reset()}. */
    public int count(String method) {
        AtomicInteger c = counts.get(method);
        return c == null ? 0 : c.get();
    }

    /** How many app-changing calls ({@link #WRITES}) were made. */
    public int writes() {
        return WRITES.stream().mapToInt(this::count).sum();
    }

    /** All counts, sorted by method name. */
    public Map<String, Integer> snapshot() {
        Map<String, Integer> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Forgets every count. */
    public void reset() {
        counts.clear();
    }
}
