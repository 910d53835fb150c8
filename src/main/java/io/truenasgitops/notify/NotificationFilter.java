package io.truenasgitops.notify;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which notifications a target wants.
 *
 * @param stacks stack names or globs ({@code media-*}); empty: every stack. NAS and Git source notifications
 *     carry no stack and are not held back by this list.
 * @param kinds the kinds wanted; empty: every kind
 * @param minSeverity the lowest severity wanted
 */
public record NotificationFilter(List<String> stacks, Set<NotificationKind> kinds, Severity minSeverity) {

    public NotificationFilter {
        stacks = stacks == null ? List.of() : List.copyOf(stacks);
        kinds = kinds == null || kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
        minSeverity = minSeverity == null ? Severity.INFO : minSeverity;
    }

    /** Lets everything through. */
    public static NotificationFilter all() {
        return new NotificationFilter(List.of(), Set.of(), Severity.INFO);
    }

    /**
     * Whether the target wants {@code n}. A recovery is judged by the problem that cleared (its kind and stack),
     * so a target that heard of a failure also hears that it is over, whatever its minimum severity.
     */
    public boolean accepts(Notification n) {
        NotificationKind judged = n.kind() == NotificationKind.RECOVERED && n.recoveredFrom() != null
                ? n.recoveredFrom() : n.kind();
        boolean kindWanted = kinds.isEmpty() || kinds.contains(n.kind()) || kinds.contains(judged);
        if (!kindWanted || judged.severity().compareTo(minSeverity) < 0) {
            return false;
        }
        return n.stack() == null || stacks.isEmpty() || stacks.stream().anyMatch(s -> matches(s, n.stack()));
    }

    private static boolean matches(String glob, String stack) {
        if (!glob.contains("*") && !glob.contains("?")) {
            return glob.equals(stack);
        }
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return stack.matches(re.toString());
    }
}
