package io.truenasgitops.compose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Compose Specification's merge rules (13-merge.md), as docker compose applies them to several compose files,
 * to {@code extends} and to override files: mappings merge key by key, sequences append, {@code command},
 * {@code entrypoint} and {@code healthcheck.test} are replaced, sequences of unique resources ({@code ports},
 * {@code volumes}, {@code secrets}, {@code configs}, {@code environment}, {@code labels}, ...) keep one entry per
 * key (the later file's entry in the earlier one's place), and the {@code !reset} and {@code !override} tags remove
 * or replace a value whole. Pure; every value of the result keeps where it was written (its file and line) in the
 * result's {@link SourceMap}.
 */
public final class ComposeMerge {

    private ComposeMerge() {}

    /** One compose document and where its values are. */
    public record Layer(Map<String, Object> tree, SourceMap sourceMap) {
        public Layer {
            Objects.requireNonNull(tree, "tree");
            Objects.requireNonNull(sourceMap, "sourceMap");
        }
    }

    /** How a path merges, beyond the default (mappings merge, sequences append, scalars are replaced). */
    private enum Rule {
        REPLACE, TO_SEQUENCE, EXTRA_HOSTS, DEPENDS_ON, NETWORKS, BUILD, LOGGING, ULIMIT
    }

    /** How an entry of a sequence of unique resources is keyed. */
    private enum Key {
        KEY_VALUE, VOLUME, DEVICE, PORT, ENV_FILE, PLAIN, SECRET, CONFIG
    }

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();
    private static final Map<String, Key> UNIQUE = new LinkedHashMap<>();

    static {
        // As docker compose's loader (compose-go, override/merge.go) lists its special cases.
        RULES.put("services.*.command", Rule.REPLACE);
        RULES.put("services.*.entrypoint", Rule.REPLACE);
        RULES.put("services.*.healthcheck.test", Rule.REPLACE);
        for (String p : List.of("networks.*.labels", "volumes.*.labels", "services.*.annotations",
                "services.*.build.args", "services.*.build.labels", "services.*.build.additional_contexts",
                "services.*.deploy.labels", "services.*.dns", "services.*.dns_opt", "services.*.dns_search",
                "services.*.env_file", "services.*.label_file", "services.*.environment", "services.*.labels",
                "services.*.sysctls", "services.*.tmpfs")) {
            RULES.put(p, Rule.TO_SEQUENCE);
        }
        RULES.put("services.*.extra_hosts", Rule.EXTRA_HOSTS);
        RULES.put("services.*.build.extra_hosts", Rule.EXTRA_HOSTS);
        RULES.put("services.*.depends_on", Rule.DEPENDS_ON);
        RULES.put("services.*.networks", Rule.NETWORKS);
        RULES.put("services.*.build", Rule.BUILD);
        RULES.put("services.*.logging", Rule.LOGGING);
        RULES.put("services.*.ulimits.*", Rule.ULIMIT);
        // And the sequences whose entries are unique by a key (override/uncity.go).
        for (String p : List.of("networks.*.labels", "networks.*.ipam.options", "services.*.annotations",
                "services.*.build.args", "services.*.build.additional_contexts", "services.*.build.platforms",
                "services.*.build.tags", "services.*.build.labels", "services.*.cap_add", "services.*.cap_drop",
                "services.*.deploy.labels", "services.*.dns", "services.*.dns_opt", "services.*.dns_search",
                "services.*.environment", "services.*.labels", "services.*.links", "services.*.networks.*.aliases",
                "services.*.networks.*.link_local_ips", "services.*.profiles", "services.*.sysctls",
                "services.*.tmpfs")) {
            UNIQUE.put(p, Key.KEY_VALUE);
        }
        UNIQUE.put("services.*.volumes", Key.VOLUME);
        UNIQUE.put("services.*.devices", Key.DEVICE);
        UNIQUE.put("services.*.ports", Key.PORT);
        UNIQUE.put("services.*.env_file", Key.ENV_FILE);
        UNIQUE.put("services.*.expose", Key.PLAIN);
        UNIQUE.put("services.*.secrets", Key.SECRET);
        UNIQUE.put("services.*.configs", Key.CONFIG);
    }

    /** What merging leaves where {@code !reset} removed a value. */
    private static final Object REMOVED = new Object();

    /**
     * One file on its own: values tagged {@code !reset} are removed (there is nothing earlier to reset), tags
     * are dropped.
     */
    public static Layer single(Layer layer) {
        SourceMap out = new SourceMap(layer.sourceMap().file());
        Object tree = fresh(layer.tree(), layer.sourceMap(), "", out, "");
        return new Layer(asMap(tree), out);
    }

    /** {@code override} merged onto {@code base}, as docker compose merges {@code -f base -f override}. */
    public static Layer merge(Layer base, Layer override) {
        SourceMap out = new SourceMap(base.sourceMap().file());
        place(base.tree(), base.sourceMap(), "", out, "");
        Object merged = merge(base.tree(), base.sourceMap(), "", override.tree(), override.sourceMap(), "", out, "",
                List.of());
        return new Layer(asMap(merged), out);
    }

    /**
     * A service of {@code extends}: the local service {@code local} (at {@code localPath} in {@code localMap})
     * merged onto the service it extends, {@code base} (at {@code basePath} in {@code baseMap}); the result's
     * positions are recorded in {@code out} under {@code localPath}.
     */
    static Map<String, Object> extend(Map<String, Object> base, SourceMap baseMap, String basePath,
            Map<String, Object> local, SourceMap localMap, String localPath, SourceMap out) {
        List<String> rule = List.of("services", "*");
        // out may be localMap itself: keep where the local values are before the base's are recorded.
        SourceMap localCopy = localMap.copy();
        place(base, baseMap, basePath, out, localPath);
        Object merged = merge(base, baseMap, basePath, local, localCopy, localPath, out, localPath, rule);
        SourceMap.Position own = localCopy.exact(localPath);
        if (own != null) {
            out.set(localPath, localCopy.fileAt(localPath), own);
        }
        return asMap(merged);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object tree) {
        return tree instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    private static Object merge(Object b, SourceMap bm, String bp, Object o, SourceMap om, String op, SourceMap out,
            String outPath, List<String> rulePath) {
        SourceMap.MergeTag tag = om.tagAt(op);
        if (tag == SourceMap.MergeTag.RESET) {
            return REMOVED;
        }
        if (tag == SourceMap.MergeTag.OVERRIDE) {
            return fresh(o, om, op, out, outPath);
        }
        Rule rule = ruleFor(rulePath);
        if (rule != null) {
            switch (rule) {
                case REPLACE:
                    return fresh(o, om, op, out, outPath);
                case TO_SEQUENCE:
                    if (!(b instanceof Map<?, ?> && o instanceof Map<?, ?>)) {
                        return sequence(items(b, bm, bp), items(fresh(o, om, op, out, outPath), om, op), out,
                                outPath, rulePath, false);
                    }
                    break;
                case EXTRA_HOSTS:
                    if (!(b instanceof Map<?, ?> && o instanceof Map<?, ?>)) {
                        return sequence(items(b, bm, bp), items(fresh(o, om, op, out, outPath), om, op), out,
                                outPath, rulePath, true);
                    }
                    break;
                case DEPENDS_ON:
                    b = dependsOnMap(b);
                    o = dependsOnMap(o);
                    break;
                case NETWORKS:
                    b = networksMap(b);
                    o = networksMap(o);
                    break;
                case BUILD:
                    b = b instanceof String s ? new LinkedHashMap<>(Map.of("context", s)) : b;
                    o = o instanceof String s ? new LinkedHashMap<>(Map.of("context", s)) : o;
                    break;
                case LOGGING:
                    if (b instanceof Map<?, ?> bl && o instanceof Map<?, ?> ol && bl.get("driver") != null
                            && ol.get("driver") != null && !bl.get("driver").equals(ol.get("driver"))) {
                        return fresh(o, om, op, out, outPath);
                    }
                    break;
                case ULIMIT:
                    if (!(o instanceof Map<?, ?>)) {
                        return fresh(o, om, op, out, outPath);
                    }
                    break;
                default:
                    break;
            }
        }
        if (b instanceof Map<?, ?> bMap && o instanceof Map<?, ?> oMap) {
            Map<String, Object> result = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : bMap.entrySet()) {
                String k = String.valueOf(e.getKey());
                List<String> childRule = append(rulePath, k);
                if (oMap.containsKey(k)) {
                    Object v = merge(e.getValue(), bm, SourceMap.child(bp, k), oMap.get(k), om,
                            SourceMap.child(op, k), out, SourceMap.child(outPath, k), childRule);
                    if (v != REMOVED) {
                        result.put(k, v);
                    }
                } else {
                    result.put(k, e.getValue());
                }
            }
            for (Map.Entry<?, ?> e : oMap.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (!bMap.containsKey(k)) {
                    Object v = fresh(e.getValue(), om, SourceMap.child(op, k), out, SourceMap.child(outPath, k));
                    if (v != REMOVED) {
                        result.put(k, v);
                    }
                }
            }
            return result;
        }
        if (b instanceof List<?> && o instanceof List<?>) {
            return sequence(items(b, bm, bp), items(fresh(o, om, op, out, outPath), om, op), out, outPath, rulePath,
                    false);
        }
        return fresh(o, om, op, out, outPath);
    }

    /** An entry of a sequence and where it was written. */
    private record Item(Object value, SourceMap map, String path) {}

    /** The entries of a sequence (a mapping becomes {@code KEY=VALUE} entries, a string one entry). */
    private static List<Item> items(Object value, SourceMap map, String path) {
        List<Item> items = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                items.add(new Item(list.get(i), map, SourceMap.index(path, i)));
            }
        } else if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                String key = String.valueOf(k);
                String p = SourceMap.child(path, key);
                if (v == null) {
                    items.add(new Item(key, map, p));
                } else if (v instanceof List<?> vs) {
                    vs.forEach(x -> items.add(new Item(key + "=" + x, map, p)));
                } else {
                    items.add(new Item(key + "=" + v, map, p));
                }
            });
        } else if (value != null && value != REMOVED) {
            items.add(new Item(value, map, path));
        }
        return items;
    }

    /** Appends {@code later} to {@code earlier}, one entry per key where the path's entries are unique. */
    private static List<Object> sequence(List<Item> earlier, List<Item> later, SourceMap out, String outPath,
            List<String> rulePath, boolean dropEqual) {
        Key key = keyFor(rulePath);
        List<Item> result = new ArrayList<>(earlier);
        Map<String, Integer> seen = new LinkedHashMap<>();
        if (key != null) {
            for (int i = 0; i < result.size(); i++) {
                seen.putIfAbsent(keyOf(key, result.get(i).value()), i);
            }
        }
        for (Item item : later) {
            if (dropEqual && result.stream().anyMatch(r -> Objects.equals(r.value(), item.value()))) {
                continue;
            }
            if (key != null) {
                String k = keyOf(key, item.value());
                Integer at = seen.get(k);
                if (at != null) {
                    result.set(at, item);
                    continue;
                }
                seen.put(k, result.size());
            }
            result.add(item);
        }
        List<Object> values = new ArrayList<>(result.size());
        for (int i = 0; i < result.size(); i++) {
            Item item = result.get(i);
            String p = SourceMap.index(outPath, i);
            copyPosition(item.map(), item.path(), out, p);
            placeChildren(item.value(), item.map(), item.path(), out, p);
            values.add(item.value());
        }
        return values;
    }

    private static String keyOf(Key key, Object entry) {
        return switch (key) {
            case KEY_VALUE -> {
                String s = String.valueOf(entry);
                int eq = s.indexOf('=');
                yield eq < 0 ? s : s.substring(0, eq);
            }
            case VOLUME, DEVICE -> {
                if (entry instanceof Map<?, ?> m) {
                    yield String.valueOf(m.get("target"));
                }
                String[] parts = String.valueOf(entry).split(":");
                yield parts.length == 1 ? parts[0] : parts[1];
            }
            case PORT -> {
                if (entry instanceof Map<?, ?> m) {
                    Object target = m.get("target");
                    yield (m.get("host_ip") == null ? "0.0.0.0" : m.get("host_ip")) + ":" + target + ":"
                            + (m.get("published") == null ? target : m.get("published")) + "/"
                            + (m.get("protocol") == null ? "tcp" : m.get("protocol"));
                }
                yield String.valueOf(entry);
            }
            case ENV_FILE -> entry instanceof Map<?, ?> m ? String.valueOf(m.get("path")) : String.valueOf(entry);
            case SECRET, CONFIG -> {
                String dir = key == Key.SECRET ? "/run/secrets" : "";
                if (entry instanceof Map<?, ?> m) {
                    yield m.get("target") != null ? String.valueOf(m.get("target")) : dir + "/" + m.get("source");
                }
                yield dir + "/" + entry;
            }
            case PLAIN -> String.valueOf(entry);
        };
    }

    private static Object dependsOnMap(Object value) {
        if (!(value instanceof List<?> list)) {
            return value;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Object s : list) {
            Map<String, Object> condition = new LinkedHashMap<>();
            condition.put("condition", "service_started");
            condition.put("required", Boolean.TRUE);
            m.put(String.valueOf(s), condition);
        }
        return m;
    }

    private static Object networksMap(Object value) {
        if (!(value instanceof List<?> list)) {
            return value;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        list.forEach(s -> m.put(String.valueOf(s), null));
        return m;
    }

    /** The value of a file with nothing before it: positions copied, {@code !reset} values removed. */
    private static Object fresh(Object value, SourceMap from, String fromPath, SourceMap out, String outPath) {
        if (from.tagAt(fromPath) == SourceMap.MergeTag.RESET) {
            return REMOVED;
        }
        copyPosition(from, fromPath, out, outPath);
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> result = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                String key = String.valueOf(k);
                Object f = fresh(v, from, SourceMap.child(fromPath, key), out, SourceMap.child(outPath, key));
                if (f != REMOVED) {
                    result.put(key, f);
                }
            });
            return result;
        }
        if (value instanceof List<?> list) {
            List<Object> result = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Object f = fresh(list.get(i), from, SourceMap.index(fromPath, i), out,
                        SourceMap.index(outPath, result.size()));
                if (f != REMOVED) {
                    result.add(f);
                }
            }
            return result;
        }
        return value;
    }

    /** Records where every value of {@code value} (at {@code fromPath} in {@code from}) is, under {@code outPath}. */
    static void place(Object value, SourceMap from, String fromPath, SourceMap out, String outPath) {
        copyPosition(from, fromPath, out, outPath);
        placeChildren(value, from, fromPath, out, outPath);
    }

    private static void placeChildren(Object value, SourceMap from, String fromPath, SourceMap out, String outPath) {
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> place(v, from, SourceMap.child(fromPath, String.valueOf(k)), out,
                    SourceMap.child(outPath, String.valueOf(k))));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                place(list.get(i), from, SourceMap.index(fromPath, i), out, SourceMap.index(outPath, i));
            }
        }
    }

    private static void copyPosition(SourceMap from, String fromPath, SourceMap out, String outPath) {
        SourceMap.Position pos = from.exact(fromPath);
        if (pos != null) {
            out.set(outPath, from.fileAt(fromPath), pos);
        }
        out.setNumberText(outPath, from.numberText(fromPath));
    }

    private static List<String> append(List<String> path, String segment) {
        List<String> p = new ArrayList<>(path.size() + 1);
        p.addAll(path);
        p.add(segment);
        return p;
    }

    private static Rule ruleFor(List<String> path) {
        for (Map.Entry<String, Rule> e : RULES.entrySet()) {
            if (matches(e.getKey(), path)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static Key keyFor(List<String> path) {
        for (Map.Entry<String, Key> e : UNIQUE.entrySet()) {
            if (matches(e.getKey(), path)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static boolean matches(String pattern, List<String> path) {
        String[] parts = pattern.split("\\.");
        if (parts.length != path.size()) {
            return false;
        }
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].equals("*") && !parts[i].equals(path.get(i))) {
                return false;
            }
        }
        return true;
    }
}
