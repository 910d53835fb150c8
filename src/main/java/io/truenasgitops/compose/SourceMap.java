package io.truenasgitops.compose;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a loaded YAML document came from: YAML path ({@code services.web.volumes[0]}) to 1-based
 * line and column. Built while converting nodes, so problems found long after parsing can still name a line.
 */
public final class SourceMap {

    /** A 1-based position in a file; {@code line == 0} means unknown. */
    public record Position(int line, int column) {
        /** The unknown position. */
        public static final Position UNKNOWN = new Position(0, 0);
    }

    private final String file;
    private final Map<String, Position> positions = new HashMap<>();
    private final Map<String, String> numberTexts = new HashMap<>();

    public SourceMap(String file) {
        this.file = file;
    }

    /** An empty map for trees that did not come from a file (e.g. the live config). */
    public static SourceMap empty(String file) {
        return new SourceMap(file);
    }

    /** The file this map describes, as shown in problems. */
    public String file() {
        return file;
    }

    void put(String path, int line, int column) {
        positions.putIfAbsent(path, new Position(line, column));
    }

    void putNumberText(String path, String text) {
        numberTexts.putIfAbsent(path, text);
    }

    /** Numbers merged in with {@code <<}: what was recorded under {@code from} is also under {@code to}. */
    void copyNumberTexts(String from, String to) {
        Map<String, String> copies = new HashMap<>();
        numberTexts.forEach((path, text) -> {
            if (path.equals(from) || path.startsWith(from + ".") || path.startsWith(from + "[")) {
                copies.put(to + path.substring(from.length()), text);
            }
        });
        copies.forEach(numberTexts::putIfAbsent);
    }

    /**
     * The source text of the unquoted number at {@code path} ({@code 0755} for what was read as 493), or null when
     * the value there was not written as a plain number.
     */
    public String numberText(String path) {
        return numberTexts.get(path);
    }

    /** The position of {@code path}, or of its nearest ancestor that has one, or {@link Position#UNKNOWN}. */
    public Position locate(String path) {
        String p = path;
        while (p != null) {
            Position pos = positions.get(p);
            if (pos != null) {
                return pos;
            }
            p = parent(p);
        }
        return Position.UNKNOWN;
    }

    /** A problem located at {@code path} in this file. */
    public Problem problem(Problem.Severity severity, String path, String message) {
        Position pos = locate(path);
        return new Problem(severity, file, pos.line(), pos.column(), path, message);
    }

    public Problem error(String path, String message) {
        return problem(Problem.Severity.ERROR, path, message);
    }

    public Problem warning(String path, String message) {
        return problem(Problem.Severity.WARNING, path, message);
    }

    static String parent(String path) {
        if (path.isEmpty()) {
            return null;
        }
        if (path.endsWith("]")) {
            int i = path.lastIndexOf('[');
            return i < 0 ? "" : path.substring(0, i);
        }
        int i = path.lastIndexOf('.');
        return i < 0 ? "" : path.substring(0, i);
    }

    /** {@code parent.key}, or {@code key} at the top. */
    public static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** {@code parent[index]}. */
    public static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
