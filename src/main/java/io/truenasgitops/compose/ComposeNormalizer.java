package io.truenasgitops.compose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** TEMPORARY stand-in until branch compose is merged (replaced by theirs). */
public final class ComposeNormalizer {
    private ComposeNormalizer() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> normalize(Map<String, Object> compose) {
        return (Map<String, Object>) copy(compose);
    }

    @SuppressWarnings("unchecked")
    private static Object copy(Object o) {
        if (o instanceof Map<?, ?> m) {
            TreeMap<String, Object> out = new TreeMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(copy(v)));
            return out;
        }
        return o;
    }
}
