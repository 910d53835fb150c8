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

    /**
     * One volume of a service that holds data: a bind of a host path or a named volume.
     *
     * @param service the compose service
     * @param source the absolute host path (a bind) or the volume's name
     * @param bind whether it is a bind mount (else a named volume)
     * @param readOnly whether the service mounts it read-only ({@code :ro}, {@code read_only: true})
     */
    record Mount(String service, String source, boolean bind, boolean readOnly) {}

    /**
     * Every bind and named volume of every service, in service order, from the normalised (long) or the short
     * syntax; anonymous volumes and tmpfs are left out (they hold no data that outlives the containers' use).
     */
    static List<Mount> mounts(Map<String, Object> compose) {
        List<Mount> out = new java.util.ArrayList<>();
        if (compose == null || !(compose.get("services") instanceof Map<?, ?> services)) {
            return List.of();
        }
        for (var e : new java.util.TreeMap<>(services).entrySet()) {
            if (!(e.getValue() instanceof Map<?, ?> def) || !(def.get("volumes") instanceof List<?> volumes)) {
                continue;
            }
            String service = String.valueOf(e.getKey());
            for (Object v : volumes) {
                String source;
                String type;
                boolean ro;
                if (v instanceof Map<?, ?> m) {
                    source = m.get("source") == null ? null : String.valueOf(m.get("source"));
                    type = m.get("type") == null ? (source != null && source.startsWith("/") ? "bind" : "volume")
                            : String.valueOf(m.get("type"));
                    ro = Boolean.TRUE.equals(m.get("read_only")) || "true".equals(String.valueOf(m.get("read_only")));
                } else if (v != null) {
                    String[] parts = String.valueOf(v).split(":");
                    source = parts.length > 1 ? parts[0] : null;
                    type = source != null && (source.startsWith("/") || source.startsWith(".")) ? "bind" : "volume";
                    ro = parts.length > 2 && List.of(parts[2].split(",")).contains("ro");
                } else {
                    continue;
                }
                if (source == null || source.isEmpty()) {
                    continue; // anonymous volume
                }
                if ("bind".equals(type) && source.startsWith("/")) {
                    out.add(new Mount(service, normalise(source), true, ro));
                } else if ("volume".equals(type)) {
                    out.add(new Mount(service, source, false, ro));
                }
            }
        }
        return List.copyOf(out);
    }

    /** The host paths a compose bind-mounts writable: the data its services write. */
    static List<String> writable(Map<String, Object> compose) {
        TreeSet<String> out = new TreeSet<>();
        mounts(compose).stream().filter(m -> m.bind() && !m.readOnly()).forEach(m -> out.add(m.source()));
        return List.copyOf(out);
    }

    static String normalise(String path) {
        String p = path.replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
