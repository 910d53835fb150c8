package io.truenasgitops.cli;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * ANSI colours for a person at a terminal: status words (green for good, yellow for under way, red for failed,
 * dim for stopped on purpose) and diff lines (green added, red removed). Off when stdout is not a terminal or
 * {@code NO_COLOR} is set ({@link Terminal#colours()}), so pipes, files and CI logs get plain text.
 */
final class Style {

    private static final String RESET = "\u001b[0m";
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*m");

    private static final Set<String> GOOD = Set.of("healthy", "applied", "created", "updated", "started", "deleted",
            "running", "success", "ok", "in sync", "no_change", "no change", "create", "start");
    private static final Set<String> UNDER_WAY = Set.of("progressing", "waiting", "retry", "deploying", "stopping",
            "pending", "planned", "update", "stop", "drifted", "warning", "running_job", "rolled-back");
    private static final Set<String> BAD = Set.of("degraded", "failed", "failure", "stalled", "error", "crashed",
            "blocked", "missing", "aborted", "delete", "unknown", "rollback-failed");
    private static final Set<String> QUIET = Set.of("stopped", "suspended", "unchanged", "skipped");

    private final boolean on;

    Style(boolean on) {
        this.on = on;
    }

    /** The style of this process's terminal. */
    static Style current() {
        return new Style(Terminal.current().colours());
    }

    boolean enabled() {
        return on;
    }

    String green(String s) {
        return paint("32", s);
    }

    String red(String s) {
        return paint("31", s);
    }

    String yellow(String s) {
        return paint("33", s);
    }

    String cyan(String s) {
        return paint("36", s);
    }

    String dim(String s) {
        return paint("2", s);
    }

    String bold(String s) {
        return paint("1", s);
    }

    /** A status word coloured by what it means; words it does not know stay plain. */
    String status(String word) {
        return statusAs(word, word);
    }

    /** {@code text} in the colour of the status {@code word} (a plan's {@code +} as {@code create}). */
    String statusAs(String word, String text) {
        if (word == null || text == null) {
            return text;
        }
        String w = word.strip().toLowerCase(Locale.ROOT);
        if (GOOD.contains(w)) {
            return green(text);
        }
        if (UNDER_WAY.contains(w)) {
            return yellow(text);
        }
        if (BAD.contains(w)) {
            return red(text);
        }
        if (QUIET.contains(w)) {
            return dim(text);
        }
        return text;
    }

    /** A line of a unified diff: added green, removed red, hunk headers cyan. */
    String diffLine(String line) {
        if (line.startsWith("+++") || line.startsWith("---")) {
            return bold(line);
        }
        if (line.startsWith("+")) {
            return green(line);
        }
        if (line.startsWith("-")) {
            return red(line);
        }
        if (line.startsWith("@@")) {
            return cyan(line);
        }
        return line;
    }

    /** The width {@code s} takes on screen: without its colour codes. */
    static int visibleLength(String s) {
        return s == null ? 1 : ANSI.matcher(s).replaceAll("").length();
    }

    private String paint(String code, String s) {
        return on && s != null && !s.isEmpty() ? "\u001b[" + code + "m" + s + RESET : s;
    }
}
