package io.truenasgitops.cli;

import io.truenasgitops.reconcile.Action;
import io.truenasgitops.reconcile.ActionType;
import io.truenasgitops.reconcile.DriftKind;
import io.truenasgitops.reconcile.Plan;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A plan as GitHub-flavoured Markdown for a pull-request comment ({@code plan -o markdown}): a one-line summary
 * first, then a collapsed {@code <details>} section per stack that changes, drifts or is blocked, with its reason
 * and its compose diff (masked, as every plan shows it: values from the secrets directory are {@code ***}). No
 * colours; the last line is a marker comment by which a CI job finds its earlier comment to update it.
 */
final class PlanMarkdown {

    /** The marker that ends every markdown plan. */
    static final String MARKER = "<!-- truenas-gitops-plan -->";
    /** Diff lines shown per stack; a comment has room for about 65,000 characters. */
    static final int MAX_DIFF_LINES = 300;

    private static final Pattern BACKTICKS = Pattern.compile("`+");

    private PlanMarkdown() {}

    /** The markdown of {@code plan} of {@code source} against the NAS at {@code endpoint}. */
    static String render(Plan plan, String source, String endpoint, boolean showUnchanged) {
        StringBuilder md = new StringBuilder();
        Map<ActionType, Long> counts = plan.actions().stream().collect(Collectors.groupingBy(Action::type,
                () -> new EnumMap<>(ActionType.class), Collectors.counting()));
        long drifted = plan.actions().stream().filter(a -> !a.drift().isEmpty()).count();
        String revision = plan.revision() == null ? "(no revision)" : code(io.truenasgitops.git.Snapshot.shorten(plan.revision()));
        md.append(plan.inSync() ? "**truenas-gitops plan** " + revision + ": in sync, nothing to change"
                : "**truenas-gitops plan** " + revision + ": " + n(counts, ActionType.CREATE) + " to create, "
                        + n(counts, ActionType.UPDATE) + " to update, " + n(counts, ActionType.START) + " to start, "
                        + n(counts, ActionType.STOP) + " to stop, " + n(counts, ActionType.DELETE) + " to delete; "
                        + n(counts, ActionType.UNCHANGED) + " unchanged, " + n(counts, ActionType.BLOCKED)
                        + " blocked, " + drifted + " drifted");
        md.append("\n\n");
        md.append("Source ").append(code(source)).append(", target ").append(code(endpoint)).append(".\n\n");
        for (String w : plan.warnings()) {
            md.append("> **warning:** ").append(text(w)).append("\n\n");
        }
        for (Action a : plan.actions()) {
            boolean quiet = a.type() == ActionType.UNCHANGED && a.drift().isEmpty() && a.warnings().isEmpty();
            if (quiet) {
                continue;
            }
            section(md, a);
        }
        if (showUnchanged) {
            List<String> unchanged = plan.actions().stream()
                    .filter(a -> a.type() == ActionType.UNCHANGED && a.drift().isEmpty() && a.warnings().isEmpty())
                    .map(a -> code(a.stack()))
                    .toList();
            if (!unchanged.isEmpty()) {
                md.append("Unchanged: ").append(String.join(", ", unchanged)).append(".\n\n");
            }
        }
        md.append(MARKER).append('\n');
        return md.toString();
    }

    private static void section(StringBuilder md, Action a) {
        String type = a.type().name().toLowerCase(Locale.ROOT);
        md.append("<details><summary><code>").append(ReconcileCommand.symbol(a.type())).append(' ').append(type)
                .append("</code> <b>").append(html(a.stack())).append("</b>");
        if (!a.drift().isEmpty()) {
            md.append(" (drift: ").append(a.drift().stream().map(DriftKind::label).sorted()
                    .collect(Collectors.joining(", "))).append(')');
        }
        md.append(": ").append(html(a.reason().code())).append("</summary>\n\n");
        md.append(text(a.reason().message())).append("\n\n");
        for (String w : a.warnings()) {
            md.append("**warning:** ").append(text(w)).append("\n\n");
        }
        for (String c : a.creates()) {
            md.append("**creates:** ").append(text(c)).append("\n\n");
        }
        if (a.diff() != null && !a.diff().isEmpty()) {
            String[] lines = a.diff().unified().stripTrailing().split("\n");
            StringBuilder diff = new StringBuilder();
            for (int i = 0; i < Math.min(lines.length, MAX_DIFF_LINES); i++) {
                diff.append(lines[i]).append('\n');
            }
            String fence = fenceFor(diff.toString());
            md.append(fence).append("diff\n").append(diff).append(fence).append('\n');
            if (lines.length > MAX_DIFF_LINES) {
                md.append("\n… ").append(lines.length - MAX_DIFF_LINES).append(" more lines: run `truenas-gitops plan`"
                        + " for the whole diff\n");
            }
            md.append('\n');
        }
        md.append("</details>\n\n");
    }

    /** A code fence longer than any run of backticks in {@code content}, so content can never close it. */
    static String fenceFor(String content) {
        return "`".repeat(Math.max(3, longestRun(content) + 1));
    }

    /** Inline code that a backtick inside cannot end. */
    static String code(String s) {
        String fence = "`".repeat(Math.max(1, longestRun(s) + 1));
        return fence + (s.startsWith("`") || s.endsWith("`") ? " " + s + " " : s) + fence;
    }

    private static int longestRun(String s) {
        int longest = 0;
        Matcher m = BACKTICKS.matcher(s);
        while (m.find()) {
            longest = Math.max(longest, m.group().length());
        }
        return longest;
    }

    /** Text inside HTML tags: no markup of its own. */
    static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** A paragraph of plain text: HTML escaped, one line, Markdown's own characters taken literally. */
    static String text(String s) {
        return html(s.replaceAll("\\s+", " ").strip()).replaceAll("([\\\\`*_\\[\\]|#])", "\\\\$1");
    }

    private static long n(Map<ActionType, Long> counts, ActionType t) {
        return counts.getOrDefault(t, 0L);
    }
}
