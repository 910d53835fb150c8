package io.truenasgitops.compose;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites the relative paths of a compose file read from a sub-folder of the stack folder (an included file, or
 * the file a service {@code extends} from) so that they are relative to the stack folder: docker compose resolves
 * them against that file's own project directory, and the merged document TrueNAS receives has one directory.
 * Pure. Covers what compose resolves as paths: bind mount sources, {@code env_file}, {@code label_file},
 * {@code build} contexts and the {@code file} of top-level {@code configs} and {@code secrets}.
 */
final class Relocate {

    private Relocate() {}

    /**
     * The tree with the relative paths rewritten from {@code projectDir} (relative to the stack folder,
     * {@code /}-separated, {@code ""} for the folder itself) to the stack folder. {@code include} and
     * {@code extends} are left alone: they are resolved before.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> apply(Map<String, Object> tree, String projectDir) {
        if (projectDir.isEmpty()) {
            return tree;
        }
        Map<String, Object> out = new LinkedHashMap<>(tree);
        if (out.get("services") instanceof Map<?, ?> services) {
            Map<String, Object> s = new LinkedHashMap<>();
            services.forEach((name, svc) -> s.put(String.valueOf(name),
                    svc instanceof Map<?, ?> m ? service((Map<String, Object>) m, projectDir) : svc));
            out.put("services", s);
        }
        for (String section : List.of("configs", "secrets")) {
            if (out.get(section) instanceof Map<?, ?> entries) {
                Map<String, Object> e = new LinkedHashMap<>();
                entries.forEach((name, def) -> {
                    if (def instanceof Map<?, ?> m && m.get("file") instanceof String f && !isAbsolute(f)) {
                        Map<String, Object> d = new LinkedHashMap<>((Map<String, Object>) m);
                        d.put("file", path(projectDir, f));
                        e.put(String.valueOf(name), d);
                    } else {
                        e.put(String.valueOf(name), def);
                    }
                });
                out.put(section, e);
            }
        }
        return out;
    }

    /** One service's paths rewritten (used for a service taken from another file by {@code extends}). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> service(Map<String, Object> svc, String projectDir) {
        if (projectDir.isEmpty()) {
            return svc;
        }
        Map<String, Object> s = new LinkedHashMap<>(svc);
        if (s.get("volumes") instanceof List<?> volumes) {
            List<Object> v = new ArrayList<>();
            for (Object entry : volumes) {
                v.add(volume(entry, projectDir));
            }
            s.put("volumes", v);
        }
        for (String key : List.of("env_file", "label_file")) {
            Object value = s.get(key);
            if (value instanceof String f) {
                s.put(key, relativeOnly(projectDir, f));
            } else if (value instanceof List<?> list) {
                List<Object> l = new ArrayList<>();
                for (Object item : list) {
                    if (item instanceof String f) {
                        l.add(relativeOnly(projectDir, f));
                    } else if (item instanceof Map<?, ?> m && m.get("path") instanceof String f) {
                        Map<String, Object> d = new LinkedHashMap<>((Map<String, Object>) m);
                        d.put("path", relativeOnly(projectDir, f));
                        l.add(d);
                    } else {
                        l.add(item);
                    }
                }
                s.put(key, l);
            }
        }
        Object build = s.get("build");
        if (build instanceof String ctx && !isRemote(ctx)) {
            s.put("build", relativeOnly(projectDir, ctx));
        } else if (build instanceof Map<?, ?> b && b.get("context") instanceof String ctx && !isRemote(ctx)) {
            Map<String, Object> d = new LinkedHashMap<>((Map<String, Object>) b);
            d.put("context", relativeOnly(projectDir, ctx));
            s.put("build", d);
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Object volume(Object entry, String projectDir) {
        if (entry instanceof String spec) {
            int colon = spec.indexOf(':');
            if (colon > 0 && spec.startsWith(".")) {
                return path(projectDir, spec.substring(0, colon)) + spec.substring(colon);
            }
            return spec;
        }
        if (entry instanceof Map<?, ?> m && m.get("source") instanceof String src && src.startsWith(".")
                && (m.get("type") == null || "bind".equals(m.get("type")))) {
            Map<String, Object> d = new LinkedHashMap<>((Map<String, Object>) m);
            d.put("source", path(projectDir, src));
            return d;
        }
        return entry;
    }

    private static String relativeOnly(String projectDir, String p) {
        return isAbsolute(p) ? p : path(projectDir, p);
    }

    private static boolean isAbsolute(String p) {
        return p.startsWith("/") || p.startsWith("~");
    }

    private static boolean isRemote(String p) {
        return p.contains("://") || p.startsWith("git@");
    }

    /** {@code p} (relative to {@code projectDir}) relative to the stack folder, written {@code ./x} or {@code ../x}. */
    static String path(String projectDir, String p) {
        String joined = Path.of(projectDir).resolve(p).normalize().toString().replace('\\', '/');
        if (joined.isEmpty()) {
            return ".";
        }
        return joined.startsWith("..") ? joined : "./" + joined;
    }
}
