package io.truenasgitops.compose;

import java.util.ArrayList;
import java.util.List;

/** A line-based unified diff (LCS), like {@code diff -u}, for showing compose changes to people. */
final class UnifiedDiff {

    private UnifiedDiff() {}

    /** Above this many line pairs the diff shows the whole of both sides instead of computing an LCS. */
    private static final long MAX_CELLS = 4_000_000L;

    private record Op(char kind, String line, int aLine, int bLine) {}

    static String of(String a, String b, String aLabel, String bLabel, int context) {
        List<String> x = lines(a);
        List<String> y = lines(b);
        List<Op> ops = (long) x.size() * y.size() > MAX_CELLS ? replaceAll(x, y) : lcs(x, y);
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(aLabel).append('\n').append("+++ ").append(bLabel).append('\n');
        int i = 0;
        while (i < ops.size()) {
            if (ops.get(i).kind == ' ') {
                i++;
                continue;
            }
            int start = Math.max(0, i - context);
            int end = i;
            // Extend the hunk while changes are within 2*context lines of each other.
            int lastChange = i;
            while (end < ops.size()) {
                if (ops.get(end).kind != ' ') {
                    lastChange = end;
                } else if (end - lastChange > 2 * context) {
                    break;
                }
                end++;
            }
            end = Math.min(ops.size(), lastChange + context + 1);
            int aStart = -1;
            int bStart = -1;
            int aCount = 0;
            int bCount = 0;
            for (int k = start; k < end; k++) {
                Op op = ops.get(k);
                if (op.kind != '+') {
                    if (aStart < 0) {
                        aStart = op.aLine;
                    }
                    aCount++;
                }
                if (op.kind != '-') {
                    if (bStart < 0) {
                        bStart = op.bLine;
                    }
                    bCount++;
                }
            }
            out.append("@@ -").append(range(aStart, aCount, ops, start, true)).append(" +")
                    .append(range(bStart, bCount, ops, start, false)).append(" @@\n");
            for (int k = start; k < end; k++) {
                out.append(ops.get(k).kind).append(ops.get(k).line).append('\n');
            }
            i = end;
        }
        return out.toString();
    }

    private static String range(int start, int count, List<Op> ops, int from, boolean a) {
        int s = start;
        if (s < 0) {
            // Empty side: point at the line before the hunk, as diff -u does.
            s = a ? ops.get(from).aLine - 1 : ops.get(from).bLine - 1;
            s = Math.max(0, s);
            return s + ",0";
        }
        return count == 1 ? String.valueOf(s) : s + "," + count;
    }

    private static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        if (s.isEmpty()) {
            return out;
        }
        for (String l : s.split("\n", -1)) {
            out.add(l);
        }
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    private static List<Op> replaceAll(List<String> x, List<String> y) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            ops.add(new Op('-', x.get(i), i + 1, 1));
        }
        for (int j = 0; j < y.size(); j++) {
            ops.add(new Op('+', y.get(j), x.size() + 1, j + 1));
        }
        return ops;
    }

    private static List<Op> lcs(List<String> x, List<String> y) {
        int n = x.size();
        int m = y.size();
        int[][] len = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                len[i][j] = x.get(i).equals(y.get(j)) ? len[i + 1][j + 1] + 1 : Math.max(len[i + 1][j], len[i][j + 1]);
            }
        }
        List<Op> ops = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && x.get(i).equals(y.get(j))) {
                ops.add(new Op(' ', x.get(i), i + 1, j + 1));
                i++;
                j++;
            } else if (i < n && (j == m || len[i + 1][j] >= len[i][j + 1])) {
                ops.add(new Op('-', x.get(i), i + 1, j + 1));
                i++;
            } else {
                ops.add(new Op('+', y.get(j), i + 1, j + 1));
                j++;
            }
        }
        return ops;
    }
}
