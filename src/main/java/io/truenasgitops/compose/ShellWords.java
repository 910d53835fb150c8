package io.truenasgitops.compose;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a {@code command}/{@code entrypoint} string into words the way docker compose does (go-shellwords
 * rules, no shell): white space separates words, single quotes are literal, double quotes group and drop
 * backslashes before any character, a backslash outside quotes escapes the next character. An unquoted
 * {@code ; & | < >} ends parsing: compose silently ignores the rest, which {@link #cutAt} reports.
 */
public final class ShellWords {

    private ShellWords() {}

    /** The words, where an unquoted shell operator stopped the parse ({@code -1} if none), or an error. */
    public record Split(List<String> words, int cutAt, char operator, String error) {}

    public static Split split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder buf = new StringBuilder();
        boolean got = false;
        boolean escaped = false;
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (escaped) {
                buf.append(c);
                escaped = false;
                got = true;
                continue;
            }
            if (c == '\\') {
                if (single) {
                    buf.append(c);
                } else {
                    escaped = true;
                }
                continue;
            }
            if (Character.isWhitespace(c)) {
                if (single || dbl) {
                    buf.append(c);
                } else if (got) {
                    words.add(buf.toString());
                    buf.setLength(0);
                    got = false;
                }
                continue;
            }
            if (c == '"' && !single) {
                dbl = !dbl;
                got = true;
                continue;
            }
            if (c == '\'' && !dbl) {
                single = !single;
                got = true;
                continue;
            }
            if ((c == ';' || c == '&' || c == '|' || c == '<' || c == '>') && !single && !dbl) {
                if (got) {
                    words.add(buf.toString());
                }
                return new Split(List.copyOf(words), i, c, null);
            }
            buf.append(c);
            got = true;
        }
        if (single || dbl || escaped) {
            return new Split(List.of(), -1, ' ', single ? "unclosed single quote" : dbl ? "unclosed double quote"
                    : "trailing backslash");
        }
        if (got) {
            words.add(buf.toString());
        }
        return new Split(List.copyOf(words), -1, ' ', null);
    }
}
