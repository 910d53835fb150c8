package io.truenasgitops.reconcile;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The host paths a compose bind-mounts (its data on the NAS), from the normalised or the short volume syntax. */
final class HostPaths {

    private HostPaths() {}

    /** Every absolute bind source of every service, sorted, without repeats. */
    static List<String> of(Map<String, Object> compose) {
        TreeSet<String> out = new TreeSet<>();
        if (compose == null || !(compose.get("services") instanceof Map<?, ?> services)) {
            return List.of();
        }
        for (Object service : services.values()) {
            if (!(service instanceof Map<?, ?> def) || !(def.get("volumes") instanceof List<?> volumes)) {
                continue;
            }
            for (Object v : volumes) {
                String source = null;
                if (v instanceof Map<?, ?> m) {
                    Object type = m.get("type");
                    if (type == null || "bind".equals(type)) {
                        source = m.get("source") == null ? null : String.valueOf(m.get("source"));
                    }
                } else if (v != null) {
                    String[] parts = String.valueOf(v).split(":");
                    source = parts.length > 1 ? parts[0] : null;
                }
                if (source != null && source.startsWith("/")) {
                    out.add(normalise(source));
                }
            }
        }
        return List.copyOf(out);
    }

    static String normalise(String path) {
        String p = path.replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
