package io.truenasgitops.text;

import java.time.Duration;

/**
 * Durations as people read them: {@code 250 ms}, {@code 14.4 s}, {@code 5m}, {@code 1h30m}, never ISO-8601
 * ({@code PT14.370292862S}). Depends on nothing, so every package may use it.
 */
public final class Durations {

    private Durations() {}

    /** {@code d} rounded to what a person needs: milliseconds under a second, tenths under a minute, then h/m/s. */
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
            return tenths % 10 == 0 ? tenths / 10 + " s" : tenths / 10 + "." + tenths % 10 + " s";
        }
        long seconds = Math.round(ms / 1000.0);
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3600;
        long minutes = seconds % 3600 / 60;
        long secs = seconds % 60;
        StringBuilder b = new StringBuilder();
        if (days > 0) {
            b.append(days).append('d');
        }
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (minutes > 0) {
            b.append(minutes).append('m');
        }
        if (secs > 0 && days == 0) {
            b.append(secs).append('s');
        }
        return b.toString();
    }
}
