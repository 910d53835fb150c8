package io.truenasgitops.reconcile;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as people read them in logs, messages and tables, never ISO-8601 ({@code PT14.370292862S}):
 * {@code 350 ms}, {@code 14.4 s}, {@code 5m}, {@code 2m 30s}, {@code 1h 5m}.
 */
public final class Durations {

    private Durations() {}

    /** {@code d} for a person; null reads {@code -}. */
    public static String human(Duration d) {
        if (d == null) {
            return "-";
        }
        if (d.isNegative()) {
            return "-" + human(d.negated());
        }
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            long tenths = Math.round(ms / 100.0);
            if (tenths >= 600) {
                return "1m";
            }
            return tenths % 10 == 0 ? tenths / 10 + " s" : String.format(Locale.ROOT, "%d.%d s", tenths / 10, tenths % 10);
        }
        long seconds = Math.round(ms / 1000.0);
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        StringBuilder out = new StringBuilder();
        if (h > 0) {
            out.append(h).append('h');
        }
        if (m > 0) {
            out.append(out.isEmpty() ? "" : " ").append(m).append('m');
        }
        if (s > 0 && h == 0) {
            out.append(out.isEmpty() ? "" : " ").append(s).append('s');
        }
        return out.toString();
    }
}
