package io.truenasgitops.sops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The flattened metadata keys of SOPS dotenv files: {@code age__list_0__map_recipient} is
 * {@code age[0].recipient}.
 */
final class Flattening {

    private Flattening() {}

    private static final String LIST = "list_";
    private static final String MAP = "map_";

    static Map<String, Object> unflatten(Map<String, Object> flat) {
        Map<String, Object> root = new LinkedHashMap<>();
        flat.forEach((key, value) -> {
            String[] parts = key.split("__");
            Object node = root;
            for (int i = 0; i < parts.length; i++) {
                String seg = segment(parts[i], i);
                boolean leaf = i == parts.length - 1;
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) node;
                if (leaf) {
                    m.put(seg, value);
                } else {
                    Object next = m.get(seg);
                    if (!(next instanceof Map<?, ?>)) {
                        next = parts[i + 1].startsWith(LIST) ? new TreeMap<String, Object>() : new LinkedHashMap<>();
                        m.put(seg, next);
                    }
                    node = next;
                }
            }
        });
        return lists(root);
    }

    private static String segment(String part, int index) {
        if (index > 0 && part.startsWith(LIST)) {
            return String.format("%09d", parseIndex(part.substring(LIST.length())));
        }
        if (index > 0 && part.startsWith(MAP)) {
            return part.substring(MAP.length());
        }
        return part;
    }

    private static int parseIndex(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T lists(Object node) {
        if (node instanceof TreeMap<?, ?> t) {
            List<Object> out = new ArrayList<>();
            t.values().forEach(v -> out.add(lists(v)));
            return (T) out;
        }
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), lists(v)));
            return (T) out;
        }
        return (T) node;
    }

    /** The dotenv metadata lines for a metadata mapping, sorted as sops writes them. */
    static Map<String, String> flatten(Map<String, Object> metadata) {
        Map<String, String> out = new TreeMap<>();
        flatten("sops_", metadata, out, true);
        return out;
    }

    private static void flatten(String prefix, Object node, Map<String, String> out, boolean top) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> flatten(prefix + (top ? "" : "__" + MAP) + k, v, out, false));
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                flatten(prefix + "__" + LIST + i, l.get(i), out, false);
            }
        } else {
            out.put(prefix, String.valueOf(node));
        }
    }
}
