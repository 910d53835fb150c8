package io.truenasgitops.compose;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** TEMPORARY stand-in until branch compose is merged (replaced by theirs). */
public final class Stamps {
    private Stamps() {}

    public static Map<String, Object> apply(Map<String, Object> compose, Stamp stamp) {
        Map<String, Object> out = new LinkedHashMap<>(compose);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("source", stamp.source());
        s.put("path", stamp.path());
        s.put("revision", stamp.revision());
        s.put("hash", stamp.hash());
        out.put(Stamp.KEY, s);
        return out;
    }

    public static Optional<Stamp> read(Map<String, Object> compose) {
        if (compose == null || !(compose.get(Stamp.KEY) instanceof Map<?, ?> m)) {
            return Optional.empty();
        }
        return Optional.of(new Stamp(str(m.get("source")), str(m.get("path")), str(m.get("revision")), str(m.get("hash"))));
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    public static Map<String, Object> strip(Map<String, Object> compose) {
        Map<String, Object> out = new LinkedHashMap<>(compose);
        out.remove(Stamp.KEY);
        return out;
    }
}
