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

    /**
     * The compose-spec merge tags a value was written with ({@code !reset}, {@code !override}): how an override
     * file's value replaces what the files before it said.
     */
    public enum MergeTag {
        /** {@code !reset}: the value is removed, whatever earlier files said. */
        RESET,
        /** {@code !override}: the value replaces the earlier one whole, without merging. */
        OVERRIDE
    }

    private final String file;
    private final Map<String, Position> positions = new HashMap<>();
    /** The file of a position when it is not {@link #file}: a value merged in from another compose file. */
    private final Map<String, String> files = new HashMap<>();
    private final Map<String, String> numberTexts = new HashMap<>();
    private final Map<String, MergeTag> tags = new HashMap<>();

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

    /** Records (or replaces) where {@code path} came from: {@code file} at a position. */
    void set(String path, String file, Position position) {
        positions.put(path, position);
        if (file == null || file.equals(this.file)) {
            files.remove(path);
        } else {
            files.put(path, file);
        }
    }

    /** The position recorded for exactly {@code path}, or null. */
    Position exact(String path) {
        return positions.get(path);
    }

    /** The file the position of exactly {@code path} is in. */
    String fileAt(String path) {
        return files.getOrDefault(path, file);
    }

    void setNumberText(String path, String text) {
        if (text == null) {
            numberTexts.remove(path);
        } else {
            numberTexts.put(path, text);
        }
    }

    void tag(String path, MergeTag tag) {
        tags.put(path, tag);
    }

    /** The merge tag written on the value at {@code path}, or null. */
    public MergeTag tagAt(String path) {
        return tags.get(path);
    }

    /** Whether any value of the file has a merge tag. */
    boolean hasTags() {
        return !tags.isEmpty();
    }

    /** A copy of this map, for a merge to build on. */
    SourceMap copy() {
        SourceMap c = new SourceMap(file);
        c.positions.putAll(positions);
        c.files.putAll(files);
        c.numberTexts.putAll(numberTexts);
        c.tags.putAll(tags);
        return c;
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

    /**
     * The file holding {@code path} (or its nearest ancestor with a position): this map's file, or the compose
     * file the value was merged in from.
     */
    public String fileOf(String path) {
        String p = path;
        while (p != null) {
            if (positions.containsKey(p)) {
                return files.getOrDefault(p, file);
            }
            p = parent(p);
        }
        return file;
    }

    /** A problem located at {@code path}, in the file the value there came from. */
    public Problem problem(Problem.Severity severity, String path, String message) {
        Position pos = locate(path);
        return new Problem(severity, fileOf(path), pos.line(), pos.column(), path, message);
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
