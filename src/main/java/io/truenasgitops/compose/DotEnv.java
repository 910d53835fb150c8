package io.truenasgitops.compose;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads {@code .env} and {@code env_file} files with docker compose's syntax: {@code KEY=VALUE} lines, optional
 * {@code export } prefix, {@code #} comment lines, inline comments after unquoted values (a {@code #} preceded by
 * white space), single-quoted literals, double-quoted values with {@code \n \t \" \\ \$} escapes, quoted values
 * spanning lines, and {@code ${VAR}} expansion in unquoted and double-quoted values (earlier lines of the same file
 * first, then {@code fallback}).
 */
public final class DotEnv {

    private DotEnv() {}

    /**
     * What a file defines, in file order, with the line of each key, and its problems.
     *
     * @param values name to value
     * @param lines name to the 1-based line it was defined on
     */
    public record Result(Map<String, String> values, Map<String, Integer> lines, List<Problem> problems) {}

    /**
     * Parses a file.
     *
     * @param text the file content
     * @param file the file name for problems
     * @param fallback values for {@code ${VAR}} not defined earlier in the file
     */
    public static Result parse(String text, String file, Function<String, Optional<String>> fallback) {
        return parse(text, file, fallback, ExpansionBudget.perStack());
    }

    /**
     * Parses a file, charging its expansions to the budget of the stack it belongs to.
     *
     * @param budget shared with the stack's other files; a value past its bounds is an error of that line
     */
    public static Result parse(String text, String file, Function<String, Optional<String>> fallback,
            ExpansionBudget budget) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        List<Problem> problems = new ArrayList<>();
        Function<String, Optional<String>> lookup = name -> {
            String own = values.get(name);
            return own != null ? Optional.of(own) : fallback.apply(name);
        };
        String src = text.replace("\r\n", "\n");
        if (src.startsWith("\uFEFF")) {
            src = src.substring(1);
        }
        int pos = 0;
        int line = 1;
        int n = src.length();
        while (pos < n && !budget.isSpent()) {
            int startLine = line;
            int eol = src.indexOf('\n', pos);
            if (eol < 0) {
                eol = n;
            }
            String raw = src.substring(pos, eol);
            String trimmed = raw.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                pos = eol + 1;
                line++;
                continue;
            }
            String body = trimmed;
            if (body.startsWith("export ") || body.startsWith("export\t")) {
                body = body.substring(7).stripLeading();
            }
            int eq = body.indexOf('=');
            String key = (eq < 0 ? body : body.substring(0, eq)).strip();
            if (!key.matches("[A-Za-z_][A-Za-z0-9_.\\-]*")) {
                problems.add(new Problem(Problem.Severity.ERROR, file, startLine, 1, "",
                        "invalid line: expected KEY=VALUE with a name of letters, digits and '_'"));
                pos = eol + 1;
                line++;
                continue;
            }
            if (eq < 0) {
                // "KEY" alone: compose takes it from the shell environment, which truenas-gitops does not read.
                pos = eol + 1;
                line++;
                continue;
            }
            // Position of the value inside the whole source, so quoted values can run over several lines.
            int lead = raw.length() - raw.stripLeading().length();
            int valueStart = pos + lead + (trimmed.length() - body.length()) + eq + 1;
            while (valueStart < n && (src.charAt(valueStart) == ' ' || src.charAt(valueStart) == '\t')) {
                valueStart++;
            }
            char q = valueStart < n ? src.charAt(valueStart) : '\n';
            String value;
            int next;
            if (q == '\'' || q == '"') {
                int close = findClose(src, valueStart + 1, q);
                if (close < 0) {
                    problems.add(new Problem(Problem.Severity.ERROR, file, startLine, 1, key,
                            "unterminated " + (q == '"' ? "double" : "single") + "-quoted value of " + key));
                    break;
                }
                String inner = src.substring(valueStart + 1, close);
                for (int k = valueStart; k < close; k++) {
                    if (src.charAt(k) == '\n') {
                        line++;
                    }
                }
                if (q == '\'') {
                    value = inner;
                } else {
                    try {
                        value = Interpolator.substitute(unescape(inner), lookup, budget);
                    } catch (Interpolator.TemplateException e) {
                        problems.add(new Problem(Problem.Severity.ERROR, file, startLine, 1, key, e.getMessage()));
                        value = inner;
                    }
                }
                int after = src.indexOf('\n', close);
                next = after < 0 ? n : after + 1;
                String tail = src.substring(close + 1, after < 0 ? n : after).strip();
                if (!tail.isEmpty() && !tail.startsWith("#")) {
                    problems.add(new Problem(Problem.Severity.ERROR, file, line, 1, key,
                            "unexpected text after the closing quote of " + key + ": quote the whole value"));
                }
            } else {
                String rest = src.substring(valueStart, eol);
                int hash = inlineComment(rest);
                if (hash >= 0) {
                    rest = rest.substring(0, hash);
                }
                rest = rest.strip();
                try {
                    value = Interpolator.substitute(rest, lookup, budget);
                } catch (Interpolator.TemplateException e) {
                    problems.add(new Problem(Problem.Severity.ERROR, file, startLine, 1, key, e.getMessage()));
                    value = rest;
                }
                next = eol + 1;
            }
            values.put(key, value);
            lines.put(key, startLine);
            pos = next;
            line++;
        }
        return new Result(values, lines, List.copyOf(problems));
    }

    private static int inlineComment(String rest) {
        for (int i = 0; i < rest.length(); i++) {
            if (rest.charAt(i) == '#' && (i == 0 || Character.isWhitespace(rest.charAt(i - 1)))) {
                return i;
            }
        }
        return -1;
    }

    private static int findClose(String src, int from, char q) {
        for (int i = from; i < src.length(); i++) {
            char c = src.charAt(i);
            if (q == '"' && c == '\\') {
                i++;
                continue;
            }
            if (c == q) {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char d = s.charAt(++i);
            switch (d) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case '"' -> b.append('"');
                case '\\' -> b.append('\\');
                // An escaped '$' must survive interpolation as a literal: "$$" is the template escape.
                case '$' -> b.append("$$");
                default -> b.append('\\').append(d);
            }
        }
        return b.toString();
    }
}
