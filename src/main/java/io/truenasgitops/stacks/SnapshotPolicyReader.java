package io.truenasgitops.stacks;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.SourceMap;
import io.truenasgitops.compose.Units;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** Reads the {@code snapshot:} mapping of a stack.yaml; wrong keys and values are problems with file and line. */
final class SnapshotPolicyReader {

    /** The keys {@code snapshot:} may have. */
    static final List<String> KEYS = List.of("enabled", "recursive", "keepLast", "maxAge", "required");

    private SnapshotPolicyReader() {}

    static SnapshotPolicy read(Object value, SourceMap sm, List<Problem> problems) {
        if (value == null) {
            return SnapshotPolicy.OFF;
        }
        if (value instanceof Boolean b) {
            return new SnapshotPolicy(b, false, SnapshotPolicy.DEFAULT_KEEP_LAST, null);
        }
        if (!(value instanceof Map<?, ?> m)) {
            problems.add(sm.error("snapshot", "'snapshot' is true, false or a mapping of " + String.join(", ", KEYS)
                    + ", not '" + value + "'"));
            return SnapshotPolicy.OFF;
        }
        for (Object k : m.keySet()) {
            if (!KEYS.contains(String.valueOf(k))) {
                problems.add(sm.error(SourceMap.child("snapshot", String.valueOf(k)), "unknown setting 'snapshot."
                        + k + "': snapshot knows " + String.join(", ", KEYS)));
            }
        }
        boolean enabled = bool(m, "enabled", true, sm, problems);
        boolean recursive = bool(m, "recursive", false, sm, problems);
        boolean required = bool(m, "required", true, sm, problems);
        int keepLast = SnapshotPolicy.DEFAULT_KEEP_LAST;
        if (m.containsKey("keepLast")) {
            Object v = m.get("keepLast");
            if ((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() >= 0
                    && ((Number) v).longValue() <= 10_000) {
                keepLast = ((Number) v).intValue();
            } else {
                problems.add(sm.error(SourceMap.child("snapshot", "keepLast"), "'snapshot.keepLast' is how many"
                        + " snapshots to keep, a whole number from 0 to 10000 (0 keeps any number), not '" + v + "'"));
            }
        }
        Duration maxAge = null;
        if (m.containsKey("maxAge")) {
            Object v = m.get("maxAge");
            OptionalLong nanos = v instanceof String t && t.strip().matches("[0-9]+[dw]")
                    ? daysOrWeeks(t.strip())
                    : Units.parseDurationNanos(v);
            if (nanos.isPresent() && nanos.getAsLong() > 0) {
                maxAge = Duration.ofNanos(nanos.getAsLong());
            } else {
                problems.add(sm.error(SourceMap.child("snapshot", "maxAge"), "'snapshot.maxAge' is a positive"
                        + " duration such as 30d, 2w or 12h, not '" + v + "'"));
            }
        }
        return new SnapshotPolicy(enabled, recursive, keepLast, maxAge, required);
    }

    /** {@code 30d} or {@code 2w} in nanoseconds; empty when the number does not fit a duration (a problem, not a crash). */
    private static OptionalLong daysOrWeeks(String t) {
        try {
            long days = Math.multiplyExact(Long.parseLong(t.substring(0, t.length() - 1)), t.endsWith("w") ? 7 : 1);
            return OptionalLong.of(Duration.ofDays(days).toNanos());
        } catch (NumberFormatException | ArithmeticException e) {
            return OptionalLong.empty();
        }
    }

    private static boolean bool(Map<?, ?> m, String key, boolean dflt, SourceMap sm, List<Problem> problems) {
        if (!m.containsKey(key)) {
            return dflt;
        }
        if (m.get(key) instanceof Boolean b) {
            return b;
        }
        problems.add(sm.error(SourceMap.child("snapshot", key), "'snapshot." + key + "' is true or false, not '"
                + m.get(key) + "'"));
        return dflt;
    }
}
