package io.truenasgitops.compose;

import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.AnchorNode;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Loads YAML the way docker compose reads it: SnakeYAML's parser and composer only (no object construction,
 * so no arbitrary types), scalars resolved as docker compose's go-yaml does (not SnakeYAML's YAML 1.1 rules:
 * {@code 22:22}, {@code yes} and {@code on} stay strings, {@code 0755} is octal 493), anchors, aliases and
 * {@code <<} merge keys resolved, duplicate keys refused, and alias bombs stopped by limits.
 *
 * <p>Maps are {@link LinkedHashMap} (file order), sequences {@link ArrayList}, scalars {@link String},
 * {@link Long}/{@link BigInteger}, {@link Double}, {@link Boolean} or {@code null}.
 */
public final class YamlLoader {

    /**
     * Largest document accepted, in code points: eight times what TrueNAS takes for a whole app (64 KiB), and
     * small enough to load under the image's 64 MiB heap. Files are bounded in bytes before this (RepoFiles).
     */
    public static final int MAX_CODE_POINTS = 512 * 1024;
    /** Most aliases to collections in one document (SnakeYAML's own guard against billion-laughs). */
    public static final int MAX_COLLECTION_ALIASES = 100;
    /** Deepest nesting accepted. */
    public static final int MAX_NESTING_DEPTH = 64;
    /** Most nodes after expanding aliases: stops exponential alias expansion that stays under the alias limit. */
    public static final int MAX_EXPANDED_NODES = 100_000;

    private static final Pattern INF = Pattern.compile("[-+]?\\.(inf|Inf|INF)");
    private static final Pattern NAN = Pattern.compile("\\.(nan|NaN|NAN)");

    /** The outcome of loading: the tree (null when it could not be read), where things are, and what went wrong. */
    public record Result(Object root, SourceMap sourceMap, List<Problem> problems) {
        public boolean ok() {
            return problems.stream().noneMatch(Problem::isError);
        }
    }

    private final String file;
    private final SourceMap sourceMap;
    private final List<Problem> problems = new ArrayList<>();
    private final IdentityHashMap<Node, Boolean> inProgress = new IdentityHashMap<>();
    private int expandedNodes;
    private boolean tooBig;

    private YamlLoader(String file) {
        this.file = file;
        this.sourceMap = new SourceMap(file);
    }

    /**
     * Loads one YAML document.
     *
     * @param text the document
     * @param file the file name to put in problems (relative to the repository root)
     */
    public static Result load(String text, String file) {
        YamlLoader loader = new YamlLoader(file);
        Object root = loader.run(text);
        return new Result(root, loader.sourceMap, List.copyOf(loader.problems));
    }

    static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        return options;
    }

    private Object run(String text) {
        if (text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
            problems.add(new Problem(Problem.Severity.ERROR, file, 0, 0, "",
                    "file is larger than " + MAX_CODE_POINTS + " characters: not a compose file TrueNAS could take"));
            return null;
        }
        LoaderOptions options = loaderOptions();
        DumperOptions dumperOptions = new DumperOptions();
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumperOptions), dumperOptions, options,
                new DeferringResolver());
        Node node;
        try {
            node = yaml.compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String what = e.getProblem() == null ? e.getMessage() : e.getProblem();
            if (e.getContext() != null) {
                what = e.getContext() + ": " + what;
            }
            Mark context = e.getContextMark();
            if (context != null && mark != null && context.getLine() != mark.getLine()) {
                what = what + " (started on line " + (context.getLine() + 1) + ")";
            }
            problems.add(new Problem(Problem.Severity.ERROR, file, mark == null ? 0 : mark.getLine() + 1,
                    mark == null ? 0 : mark.getColumn() + 1, "", "invalid YAML: " + firstLine(what)));
            return null;
        } catch (YAMLException e) {
            problems.add(new Problem(Problem.Severity.ERROR, file, 0, 0, "", "invalid YAML: " + firstLine(e.getMessage())));
            return null;
        }
        if (node == null) {
            return null;
        }
        Object value = convert(node, "");
        return tooBig ? null : value;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable document";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private void mark(String path, Node node) {
        Mark m = node.getStartMark();
        if (m != null) {
            sourceMap.put(path, m.getLine() + 1, m.getColumn() + 1);
        }
    }

    private Problem errorAt(Node node, String path, String message) {
        Mark m = node.getStartMark();
        return new Problem(Problem.Severity.ERROR, file, m == null ? 0 : m.getLine() + 1,
                m == null ? 0 : m.getColumn() + 1, path, message);
    }

    private Object convert(Node node, String path) {
        if (tooBig) {
            return null;
        }
        if (node instanceof AnchorNode anchor) {
            node = anchor.getRealNode();
        }
        if (++expandedNodes > MAX_EXPANDED_NODES) {
            tooBig = true;
            problems.add(errorAt(node, path, "document expands to more than " + MAX_EXPANDED_NODES
                    + " values through aliases: refusing it (an alias bomb?); write the values out instead"));
            return null;
        }
        if (RESET_TAG.equals(node.getTag())) {
            sourceMap.tag(path, SourceMap.MergeTag.RESET);
        } else if (OVERRIDE_TAG.equals(node.getTag())) {
            sourceMap.tag(path, SourceMap.MergeTag.OVERRIDE);
        }
        if (node instanceof ScalarNode scalar) {
            Object value = scalar(scalar, path);
            if (value instanceof Number && !isExplicit(scalar)) {
                sourceMap.putNumberText(path, scalar.getValue());
            }
            return value;
        }
        if (inProgress.containsKey(node)) {
            problems.add(errorAt(node, path, "recursive alias: an anchor refers to itself"));
            tooBig = true;
            return null;
        }
        inProgress.put(node, Boolean.TRUE);
        try {
            if (node instanceof SequenceNode seq) {
                List<Object> list = new ArrayList<>(seq.getValue().size());
                int i = 0;
                for (Node item : seq.getValue()) {
                    String p = SourceMap.index(path, i++);
                    mark(p, item);
                    list.add(convert(item, p));
                }
                return list;
            }
            return mapping((MappingNode) node, path);
        } finally {
            inProgress.remove(node);
        }
    }

    private Map<String, Object> mapping(MappingNode node, String path) {
        Map<String, Object> map = new LinkedHashMap<>();
        List<NodeTuple> merges = new ArrayList<>();
        for (NodeTuple tuple : node.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (keyNode instanceof AnchorNode a) {
                keyNode = a.getRealNode();
            }
            if (keyNode instanceof ScalarNode ks && isMergeKey(ks)) {
                merges.add(tuple);
                continue;
            }
            if (!(keyNode instanceof ScalarNode ks)) {
                problems.add(errorAt(keyNode, path, "mapping keys must be plain values, not lists or mappings"));
                continue;
            }
            Object keyValue = scalar(ks, path);
            // A null key ('~', 'null' or nothing) is the empty string, as Go's YAML decoder makes it for compose.
            String key = keyValue == null ? "" : stringOf(keyValue, ks);
            String p = SourceMap.child(path, key);
            if (map.containsKey(key)) {
                problems.add(errorAt(keyNode, p, "duplicate key '" + key + "': YAML allows each key once per mapping"
                        + "; remove or rename one of them"));
                continue;
            }
            mark(p, keyNode);
            map.put(key, convert(tuple.getValueNode(), p));
        }
        // Explicit keys win over merged ones; among merged mappings the first one listed wins.
        for (NodeTuple tuple : merges) {
            Node value = tuple.getValueNode();
            if (value instanceof AnchorNode a) {
                value = a.getRealNode();
            }
            List<Node> sources = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
            for (Node source : sources) {
                Node real = source instanceof AnchorNode a ? a.getRealNode() : source;
                if (!(real instanceof MappingNode)) {
                    problems.add(errorAt(source, path, "'<<' merge key needs a mapping or a list of mappings"));
                    continue;
                }
                Object merged = convert(real, path + "<<");
                if (merged instanceof Map<?, ?> mergedMap) {
                    for (Map.Entry<?, ?> e : mergedMap.entrySet()) {
                        String key = (String) e.getKey();
                        if (!map.containsKey(key)) {
                            map.put(key, e.getValue());
                            sourceMap.put(SourceMap.child(path, key), lineOf(source), columnOf(source));
                            sourceMap.copyNumberTexts(SourceMap.child(path + "<<", key), SourceMap.child(path, key));
                        }
                    }
                }
            }
        }
        return map;
    }

    private static int lineOf(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    private static int columnOf(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getColumn() + 1;
    }

    private static boolean isMergeKey(ScalarNode node) {
        return "<<".equals(node.getValue()) && node.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN
                && (IMPLICIT_SCALAR.equals(node.getTag()) || Tag.MERGE.equals(node.getTag()));
    }

    private static String stringOf(Object value, ScalarNode node) {
        // Keys keep their source text ("80", "1.10"): compose keys are names, not numbers.
        return value instanceof String s ? s : node.getValue();
    }

    private Object scalar(ScalarNode node, String path) {
        String text = node.getValue();
        Tag tag = node.getTag();
        boolean plain = node.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
        if (RESET_TAG.equals(tag) || OVERRIDE_TAG.equals(tag)) {
            // The compose-spec merge tags: the value is read as if untagged, the tag is in the source map.
            return plain ? resolvePlain(text) : text;
        }
        if (tag != null && isExplicit(node)) {
            String t = tag.getValue();
            switch (t) {
                case "tag:yaml.org,2002:str":
                    return text;
                case "tag:yaml.org,2002:null":
                    return null;
                case "tag:yaml.org,2002:bool":
                case "tag:yaml.org,2002:int":
                case "tag:yaml.org,2002:float": {
                    Object v = resolvePlain(text);
                    if (v != null && expected(t).isInstance(v)) {
                        return v;
                    }
                    problems.add(errorAt(node, path, "value '" + text + "' is not a valid " + t.substring(t.lastIndexOf(':') + 1)));
                    return text;
                }
                default:
                    problems.add(errorAt(node, path, "unsupported YAML tag " + t + ": compose files only use plain values"));
                    return text;
            }
        }
        return plain ? resolvePlain(text) : text;
    }

    private static Class<?> expected(String tag) {
        return switch (tag) {
            case "tag:yaml.org,2002:bool" -> Boolean.class;
            case "tag:yaml.org,2002:int" -> Number.class;
            default -> Number.class;
        };
    }

    private static boolean isExplicit(ScalarNode node) {
        return !IMPLICIT_SCALAR.equals(node.getTag());
    }

    /** compose's {@code !reset}: remove what earlier files set (13-merge.md of the Compose Specification). */
    static final Tag RESET_TAG = new Tag("!reset");
    /** compose's {@code !override}: replace what earlier files set, without merging. */
    static final Tag OVERRIDE_TAG = new Tag("!override");

    /** The tag our resolver gives every untagged scalar, so that a tag written in the document stands out. */
    static final Tag IMPLICIT_SCALAR = new Tag("tag:truenas-gitops,2026:implicit");

    /** Leaves scalar typing to {@link #resolvePlain}: SnakeYAML's own resolver follows YAML 1.1. */
    private static final class DeferringResolver extends Resolver {
        @Override
        public Tag resolve(NodeId kind, String value, boolean implicit) {
            return kind == NodeId.scalar ? IMPLICIT_SCALAR : super.resolve(kind, value, implicit);
        }
    }

    /**
     * Resolves a plain scalar as docker compose's YAML library (go-yaml) does: the YAML 1.2 core schema for
     * booleans and nulls, and {@link GoScalars#number} for numbers, so {@code 0755} is octal 493 (as in YAML 1.1),
     * {@code 1_000} is 1000 and {@code 012345678} (not octal) is the float 12345678.
     */
    public static Object resolvePlain(String text) {
        switch (text) {
            case "", "~", "null", "Null", "NULL":
                return null;
            case "true", "True", "TRUE":
                return Boolean.TRUE;
            case "false", "False", "FALSE":
                return Boolean.FALSE;
            case "-0", "-0.0":
                return -0.0d;
            default:
                break;
        }
        if (INF.matcher(text).matches()) {
            return text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (NAN.matcher(text).matches()) {
            return Double.NaN;
        }
        return GoScalars.number(text).orElse(text);
    }
}
