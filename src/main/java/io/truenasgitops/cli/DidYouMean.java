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

    /** Levenshtein distance with adjacent transpositions counting as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
