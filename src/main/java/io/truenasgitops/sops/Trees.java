package io.truenasgitops.sops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Walks a YAML/JSON tree the way sops does: map keys extend the path, list items do not, nulls are skipped. */
final class Trees {

    private Trees() {}

    static Object walk(Object node, List<String> path, SopsFile.Leaf fn) throws SopsException {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                List<String> child = new ArrayList<>(path);
                child.add(key);
                out.put(key, walk(e.getValue(), child, fn));
            }
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(walk(item, path, fn));
            }
            return out;
        }
        if (node == null) {
            return null;
        }
        return fn.apply(node, List.copyOf(path));
    }
}
