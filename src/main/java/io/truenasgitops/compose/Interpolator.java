package io.truenasgitops.compose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Compose-spec variable interpolation in values (never keys): {@code $VAR}, {@code ${VAR}},
 * {@code ${VAR:-default}}, {@code ${VAR-default}}, {@code ${VAR:?message}}, {@code ${VAR?message}},
 * {@code ${VAR:+alternative}}, {@code ${VAR+alternative}}, nested templates inside defaults, and {@code $$} for
 * a literal {@code $}. As in compose-go, a {@code $} that starts none of these ({@code a $ string}, {@code 5$},
 * {@code ^REGEX$}, {@code $1}, {@code $}}) is a literal too, and a default may hold braces
 * ({@code ${JSON:-{"json":1}}}).
 *
 * <p>Unlike docker compose, which warns and substitutes an empty string, an unset variable without a default is
 * an error: a GitOps deploy must not silently run with a blank password.
 *
 * <p>Expansion is bounded by an {@link ExpansionBudget}: nesting depth, the length of one value and the total a
 * stack may produce, so a hostile template is an error of its stack, never a stack overflow or an out-of-memory.
 */
public final class Interpolator {

    private Interpolator() {}

    /** A template that cannot be expanded; the message never contains a variable's value. */
    public static class TemplateException extends Exception {
        public TemplateException(String message) {
            super(message);
        }
    }

    /** The interpolated tree and every problem found (one per bad value). */
    public record Result(Object tree, List<Problem> problems) {}

    /**
     * Interpolates every string value of a tree; keys are left as written.
     *
     * @param tree maps, lists and scalars as loaded by {@link YamlLoader}
     * @param variables where values come from
     * @param sourceMap locates problems
     */
    public static Result interpolate(Object tree, Variables variables, SourceMap sourceMap) {
        return interpolate(tree, variables, sourceMap, ExpansionBudget.perStack());
    }

    /**
     * Interpolates every string value of a tree within a budget shared with the stack's other files.
     *
     * @param budget what the stack may still expand; once spent, every further value is an error
     */
    public static Result interpolate(Object tree, Variables variables, SourceMap sourceMap, ExpansionBudget budget) {
        List<Problem> problems = new ArrayList<>();
        Function<String, Optional<String>> lookup = name -> variables.lookup(name).map(Variables.Value::value);
        Object out = walk(tree, "", lookup, sourceMap, problems, budget);
        return new Result(out, List.copyOf(problems));
    }

    private static Object walk(Object node, String path, Function<String, Optional<String>> lookup,
            SourceMap sourceMap, List<Problem> problems, ExpansionBudget budget) {
        if (budget.isSpent()) {
            return node; // reported once, where it ran out
        }
        if (node instanceof String s) {
            try {
                return substitute(s, lookup, budget);
            } catch (TemplateException e) {
                problems.add(sourceMap.error(path, e.getMessage()));
                return s;
            }
        }
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k,
                    walk(v, SourceMap.child(path, (String) k), lookup, sourceMap, problems, budget)));
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(walk(list.get(i), SourceMap.index(path, i), lookup, sourceMap, problems, budget));
            }
            return out;
        }
        return node;
    }

    /** Expands one template string with a budget of its own. */
    public static String substitute(String text, Function<String, Optional<String>> lookup) throws TemplateException {
        return substitute(text, lookup, ExpansionBudget.perStack());
    }

    /**
     * Expands one template string, charging what it produces to {@code budget}.
     *
     * @throws TemplateException for a bad template, an unset variable, or a bound of the budget passed
     */
    public static String substitute(String text, Function<String, Optional<String>> lookup, ExpansionBudget budget)
            throws TemplateException {
        String out = expand(text, lookup, 0);
        if (out != text) {
            budget.spend(out.length());
        }
        return out;
    }

    private static String expand(String text, Function<String, Optional<String>> lookup, int depth)
            throws TemplateException {
        if (text.indexOf('$') < 0) {
            return text;
        }
        if (depth >= ExpansionBudget.MAX_NESTING) {
            throw new TemplateException("invalid interpolation: templates nested more than "
                    + ExpansionBudget.MAX_NESTING + " deep (${A:-${B:-...}}): simplify the default values");
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), ExpansionBudget.MAX_VALUE_CHARS));
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            char next = i + 1 < n ? text.charAt(i + 1) : 0;
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{') {
                int end = closingBrace(text, i + 2);
                if (end < 0) {
                    throw new TemplateException("invalid interpolation: '${' without a closing '}' in \"" + text + "\"");
                }
                append(out, braced(text.substring(i + 2, end), text, lookup, depth));
                i = end + 1;
            } else if (isNameStart(next)) {
                int j = i + 1;
                while (j < n && isNamePart(text.charAt(j))) {
                    j++;
                }
                String name = text.substring(i + 1, j);
                append(out, lookup.apply(name).orElseThrow(() -> unset(name)));
                i = j;
            } else {
                // Compose's pattern matches only $$, $NAME and ${...}: any other '$' (a lone one, "5$",
                // "^REGEX$", "$1", "$}") is plain text, kept as written.
                out.append('$');
                i++;
            }
        }
        return out.toString();
    }

    private static void append(StringBuilder out, String value) throws TemplateException {
        if ((long) out.length() + value.length() > ExpansionBudget.MAX_VALUE_CHARS) {
            throw new TemplateException("a value expands to more than " + ExpansionBudget.MAX_VALUE_CHARS
                    + " characters, more than TrueNAS takes for a whole app: make it shorter");
        }
        out.append(value);
    }

    /**
     * The index of the '}' closing a '${' whose body starts at {@code from}, or -1. Like compose-go, every '{'
     * opens a level (not only '${'), so a default may hold braces: {@code ${JSON:-{"json":1}}} closes at the last
     * one.
     */
    private static int closingBrace(String text, int from) {
        int depth = 1;
        for (int j = from; j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return j;
            }
        }
        return -1;
    }

    private static String braced(String body, String whole, Function<String, Optional<String>> lookup, int depth)
            throws TemplateException {
        int j = 0;
        if (body.isEmpty() || !isNameStart(body.charAt(0))) {
            throw new TemplateException("invalid interpolation: '${" + body + "}' in \"" + whole
                    + "\" does not start with a variable name");
        }
        while (j < body.length() && isNamePart(body.charAt(j))) {
            j++;
        }
        String name = body.substring(0, j);
        String rest = body.substring(j);
        Optional<String> value = lookup.apply(name);
        if (rest.isEmpty()) {
            return value.orElseThrow(() -> unset(name));
        }
        boolean colon = rest.startsWith(":");
        String op = colon ? rest.substring(0, Math.min(2, rest.length())) : rest.substring(0, 1);
        String arg = rest.substring(op.length());
        boolean set = value.isPresent() && (!colon || !value.get().isEmpty());
        switch (op) {
            case ":-", "-":
                return set ? value.get() : expand(arg, lookup, depth + 1);
            case ":?", "?":
                if (set) {
                    return value.get();
                }
                String message = expand(arg, lookup, depth + 1);
                throw new TemplateException("required variable " + name + " is " + (value.isPresent() ? "empty" : "not set")
                        + (message.isEmpty() ? "" : ": " + message));
            case ":+", "+":
                return set ? expand(arg, lookup, depth + 1) : "";
            default:
                throw new TemplateException("invalid interpolation: '${" + body + "}' in \"" + whole
                        + "\"; after the name use :- - :? ? :+ or +");
        }
    }

    private static TemplateException unset(String name) {
        return new TemplateException("variable " + name + " is not set: define it in the secrets directory, the stack's"
                + " .env or stack.yaml 'variables', or give a default with ${" + name + ":-default}");
    }

    private static boolean isNameStart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }
}
