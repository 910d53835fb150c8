package io.truenasgitops.emulator;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the method calls the emulator received, by method name and by protocol ({@code jsonrpc} or
 * {@code legacy}), also calls that failed authorization or validation; and keeps the warnings the middleware logs
 * for calls of private methods. Tests use it to assert that a pass sent no writing call, or that a method was never
 * called on JSON-RPC.
 */
public final class CallLog {
    /** The methods that change apps. */
    public static final Set<String> WRITES = Set.of(
            "app.create", "app.update", "app.delete", "app.start", "app.stop", "app.redeploy", "app.pull_images");

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> byProtocol = new ConcurrentHashMap<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<String> scramLogins = new CopyOnWriteArrayList<>();
    /** The last {@value #ORDER_KEPT} methods called, oldest first (bounded: a long-running emulator records them). */
    private final java.util.ArrayDeque<String> order = new java.util.ArrayDeque<>();
    private static final int ORDER_KEPT = 1000;

    void record(String method, String protocol) {
        counts.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        byProtocol.computeIfAbsent(protocol + " " + method, m -> new AtomicInteger()).incrementAndGet();
        synchronized (order) {
            order.addLast(method);
            if (order.size() > ORDER_KEPT) {
                order.removeFirst();
            }
        }
    }

    /** The methods called since start or the last {@link #reset()}, in call order (the last 1000). */
    public List<String> methods() {
        synchronized (order) {
            return List.copyOf(order);
        }
    }

    /** A line the middleware would log as a warning (e.g. a private method called on a public connection). */
    void warn(String line) {
        warnings.add(line);
    }

    void scramLogin(String gs2Header) {
        scramLogins.add(gs2Header);
    }

    /**
     * The gs2 header of every SCRAM login that succeeded, in order: {@code p=tls-server-end-point,,} for one bound
     * to the TLS certificate, {@code n,,} for an unbound one.
     */
    public List<String> scramLogins() {
        return List.copyOf(scramLogins);
    }

    /** How many times {@code method} was called since start or the last {@link #reset()}. */
    public int count(String method) {
        AtomicInteger c = counts.get(method);
        return c == null ? 0 : c.get();
    }

    /** How many times {@code method} was called over {@code protocol} ({@code jsonrpc} or {@code legacy}). */
    public int count(String method, String protocol) {
        AtomicInteger c = byProtocol.get(protocol + " " + method);
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

    /** All counts by {@code "<protocol> <method>"}, sorted. */
    public Map<String, Integer> snapshotByProtocol() {
        Map<String, Integer> out = new TreeMap<>();
        byProtocol.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** The warnings logged since start or the last {@link #reset()}, in order. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Forgets every count and warning. */
    public void reset() {
        counts.clear();
        byProtocol.clear();
        warnings.clear();
        scramLogins.clear();
        synchronized (order) {
            order.clear();
        }
    }
}
