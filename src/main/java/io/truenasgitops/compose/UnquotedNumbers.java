package io.truenasgitops.compose;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Warns where an unquoted number in a string map ({@code environment}, {@code labels}, {@code annotations},
 * {@code sysctls}) reaches the container as a different text than the one written: docker compose reads
 * {@code 0755} as octal 493, {@code 012345678} as the float 1.2345678e+07, {@code 1_000} as 1000,
 * {@code 1000000.0} as 1e+06 and {@code 1.10} as 1.1 (see {@link GoScalars}). The value is sent as compose would
 * make it; the warning says what the container will see and how to keep the text (quote it).
 */
public final class UnquotedNumbers {

    private UnquotedNumbers() {}

    private static final Set<String> STRING_MAPS = Set.of("environment", "labels", "annotations", "sysctls");

    /** One warning per unquoted number whose container-visible text differs from its source text. */
    public static List<Problem> check(Object root, SourceMap sm) {
        List<Problem> problems = new ArrayList<>();
        if (!(root instanceof Map<?, ?> top) || !(top.get("services") instanceof Map<?, ?> services)) {
            return problems;
        }
        services.forEach((name, service) -> {
            if (!(service instanceof Map<?, ?> fields)) {
                return;
            }
            String servicePath = SourceMap.child("services", String.valueOf(name));
            fields.forEach((field, value) -> {
                if (!STRING_MAPS.contains(String.valueOf(field)) || !(value instanceof Map<?, ?> entries)) {
                    return;
                }
                String mapPath = SourceMap.child(servicePath, String.valueOf(field));
                entries.forEach((key, v) -> {
                    String path = SourceMap.child(mapPath, String.valueOf(key));
                    String text = sm.numberText(path);
                    if (v instanceof Number && text != null) {
                        String seen = GoScalars.sprint(v);
                        if (!seen.equals(text)) {
                            problems.add(sm.warning(path, key + ": " + text + " reaches the container as " + key + "="
                                    + seen + ": docker compose reads the unquoted " + text + " as " + why(text, v)
                                    + "; quote it (\"" + text + "\") to keep " + text));
                        }
                    }
                });
            });
        });
        return problems;
    }

    /** Why go-yaml and Go's formatting turn {@code text} into something else. */
    static String why(String text, Object value) {
        String digits = text.replace("_", "");
        String unsigned = digits.startsWith("+") || digits.startsWith("-") ? digits.substring(1) : digits;
        boolean integerText = unsigned.chars().allMatch(Character::isDigit);
        if (text.contains("_")) {
            return "the number " + GoScalars.sprint(value) + " (the '_' between digits are dropped)";
        }
        if (integerText && unsigned.length() > 1 && unsigned.startsWith("0")) {
            return value instanceof Double
                    ? "a float (a leading 0 means octal, and " + text + " is not a valid octal number)"
                    : "an octal number (a leading 0 means octal)";
        }
        if (integerText && value instanceof Double) {
            return "a float (it is too big for a 64-bit integer)";
        }
        if (value instanceof BigInteger || value instanceof Long) {
            return "the number " + value;
        }
        return "a float, which compose writes in Go's shortest form";
    }
}
