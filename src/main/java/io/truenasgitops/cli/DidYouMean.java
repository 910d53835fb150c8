package io.truenasgitops.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Suggestions for a mistyped name (a command, a stack): the known names closest to it by edit distance. */
public final class DidYouMean {

    private DidYouMean() {}

    /**
     * The candidates at the smallest edit distance from {@code typed}, if that distance is small for its length
     * (at most a third of the longer name, at least 1), else none. Case is ignored; ties keep the given order.
     */
    public static List<String> closest(String typed, List<String> candidates) {
        String t = typed.toLowerCase(Locale.ROOT);
        int best = Integer.MAX_VALUE;
        for (String c : candidates) {
            best = Math.min(best, distance(t, c.toLowerCase(Locale.ROOT)));
        }
        final int min = best;
        return candidates.stream()
                .filter(c -> {
                    int d = distance(t, c.toLowerCase(Locale.ROOT));
                    return d == min && d <= Math.max(1, Math.max(t.length(), c.length()) / 3)
                            || c.toLowerCase(Locale.ROOT).startsWith(t) && t.length() >= 3 && d == min;
                })
                .sorted(Comparator.comparingInt(c -> distance(t, c.toLowerCase(Locale.ROOT))))
                .toList();
    }

    static int distance(String a, String b) {
        return io.truenasgitops.compose.EditDistance.between(a, b);
    }
}
