package io.truenasgitops.compose;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a compose against what TrueNAS can deploy, listing every problem with its path and line. TrueNAS runs
 * {@code docker compose -p ix-<app>} on a copy of the document under
 * {@code /mnt/.ix-apps/app_configs/<app>/versions/1.0.0/templates/rendered/}: nothing beside the compose file
 * exists there, nothing is built, and the project name is fixed. See docs/stacks.md for each rule's reason.
 *
 * <p>With a host base path configured, relative bind mounts are not refused but rewritten under
 * {@code <hostBasePath>/<app>/}. Bind mounts of files in the stack folder, which {@link FileMounts} delivers as
 * configs, are left alone.
 */
public final class TrueNasValidator {

    private TrueNasValidator() {}

    /** Top-level keys compose knows; anything else (but {@code x-*}) is refused by {@code docker compose config}. */
    public static final Set<String> TOP_LEVEL_KEYS =
            Set.of("services", "networks", "volumes", "configs", "secrets", "name", "version", "include", "models");

    private static final Pattern SERVICE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    /** What the checks need to know beyond the document. */
    public record Options(String appName, Path hostBasePath, Set<String> delivered) {
        public Options {
            delivered = delivered == null ? Set.of() : Set.copyOf(delivered);
        }

        /** Options with no bind mount delivered as a config. */
        public Options(String appName, Path hostBasePath) {
            this(appName, hostBasePath, Set.of());
        }
    }

    /** The (possibly rewritten) compose, every problem, and the relative binds rewritten under the host base path. */
    public record Result(Map<String, Object> compose, List<Problem> problems, List<DataFolders.Bind> rewritten) {
        public Result {
            rewritten = rewritten == null ? List.of() : List.copyOf(rewritten);
        }

        /** A result with no rewritten binds. */
        public Result(Map<String, Object> compose, List<Problem> problems) {
            this(compose, problems, List.of());
        }
    }

    public static Result validate(Object root, SourceMap sm, Options options) {
        List<Problem> problems = new ArrayList<>();
        if (!(root instanceof Map<?, ?> rootMap)) {
            problems.add(sm.error("", root == null ? "the compose file is empty: it needs a 'services' mapping"
                    : "the compose file must be a mapping with a 'services' key, not a " + kind(root)));
            return new Result(null, problems);
        }
        List<DataFolders.Bind> binds = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> compose = new LinkedHashMap<>((Map<String, Object>) rootMap);
        topLevel(compose, sm, problems);
        Object services = compose.get("services");
        if (services == null) {
            problems.add(sm.error("", "'services' is missing: a compose file needs at least one service"));
        } else if (!(services instanceof Map<?, ?> svcs)) {
            problems.add(sm.error("services", "'services' must be a mapping of service names to definitions"));
        } else if (svcs.isEmpty()) {
            problems.add(sm.error("services", "'services' is empty: a compose file needs at least one service"));
        } else {
            Map<String, Object> rewritten = new LinkedHashMap<>();
            svcs.forEach((name, svc) -> rewritten.put(String.valueOf(name),
                    service(String.valueOf(name), svc, compose, sm, options, problems, binds)));
            compose.put("services", rewritten);
        }
        fileResources(compose, "configs", sm, problems);
        fileResources(compose, "secrets", sm, problems);
        return new Result(compose, problems, binds);
    }

    private static void topLevel(Map<String, Object> compose, SourceMap sm, List<Problem> problems) {
        for (String key : compose.keySet()) {
            if (key.startsWith("x-")) {
                continue;
            }
            if (!TOP_LEVEL_KEYS.contains(key)) {
                problems.add(sm.error(key, "unknown top-level key '" + key + "': compose only knows services,"
                        + " networks, volumes, configs, secrets and name; prefix extensions with 'x-'"
                        + ComposeSchema.closest(key, List.of("services", "networks", "volumes", "configs", "secrets",
                                "name")).map(k -> " (did you mean '" + k + "'?)").orElse("")));
            }
        }
        if (compose.containsKey("version")) {
            problems.add(sm.warning("version", "'version' is obsolete and ignored by docker compose: remove it"));
        }
        if (compose.containsKey("name")) {
            problems.add(sm.warning("name", "top-level 'name' is ignored: TrueNAS always names the project ix-<app>"
                    + " after the stack folder"));
        }
    }

    private static Object service(String name, Object svc, Map<String, Object> compose, SourceMap sm, Options options,
            List<Problem> problems, List<DataFolders.Bind> rewritten) {
        String base = "services." + name;
        if (name.isEmpty()) {
            problems.add(sm.error(base, "a service has no name (YAML reads a key '~' or 'null' as no name), which"
                    + " docker compose refuses: name it with letters, digits, '_', '.' and '-'"));
        } else if (!SERVICE_NAME.matcher(name).matches()) {
            problems.add(sm.error(base, "service name '" + name + "' is invalid: use letters, digits, '_', '.' and"
                    + " '-', starting with a letter or digit"));
        }
        if (!(svc instanceof Map<?, ?> map)) {
            problems.add(sm.error(base, "service '" + name + "' must be a mapping with at least an 'image'"));
            return svc;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> s = new LinkedHashMap<>((Map<String, Object>) map);
        Object image = s.get("image");
        boolean noImage = image == null || (image instanceof String str && str.isBlank());
        if (s.containsKey("build") && !noImage) {
            // docker compose builds when the image cannot be pulled; the NAS has no build context, so the
            // rendered service keeps only the image and the user is told it must be in a registry
            s.remove("build");
            problems.add(sm.warning(base + ".build", "'build' is ignored: TrueNAS cannot build images, so the app"
                    + " pulls '" + image + "'; push that image to a registry (or remove 'build:')"));
        } else if (s.containsKey("build")) {
            problems.add(sm.error(base + ".build", "'build' is not supported: TrueNAS cannot build images; build and"
                    + " push the image to a registry, then set 'image:' to it and remove 'build:'"));
        }
        if (noImage) {
            if (!s.containsKey("extends") && !s.containsKey("build")) {
                problems.add(sm.error(base, "service '" + name + "' has no 'image': TrueNAS pulls images, it cannot"
                        + " build them; set 'image: <registry>/<name>:<tag>'"));
            }
        } else if (!(image instanceof String)) {
            problems.add(sm.error(base + ".image", "'image' must be a string like 'nginx:1.27'"));
        }
        if (s.containsKey("container_name")) {
            problems.add(sm.warning(base + ".container_name", "'container_name' is global on the NAS: two apps (or"
                    + " two replicas) with the same name clash; prefer the default ix-<app>-<service>-N names"));
        }
        for (String key : List.of("command", "entrypoint")) {
            if (s.get(key) instanceof String line) {
                ShellWords.Split split = ShellWords.split(line);
                if (split.error() != null) {
                    problems.add(sm.error(base + "." + key, "'" + key + "' cannot be split into words: "
                            + split.error() + "; use the list form"));
                } else if (split.cutAt() >= 0) {
                    problems.add(sm.warning(base + "." + key, "'" + key + "' contains an unquoted '" + split.operator()
                            + "': compose runs no shell, so everything from it on is silently dropped; use"
                            + " [\"sh\", \"-c\", \"...\"] or quote it"));
                }
            }
        }
        if (s.containsKey("volumes")) {
            s.put("volumes", volumes(name, s.get("volumes"), compose, sm, options, problems, rewritten));
        }
        references(name, s, compose, sm, problems);
        return s;
    }

    private static Object volumes(String service, Object volumes, Map<String, Object> compose, SourceMap sm,
            Options options, List<Problem> problems, List<DataFolders.Bind> rewritten) {
        if (!(volumes instanceof List<?> list)) {
            problems.add(sm.error("services." + service + ".volumes", "'volumes' must be a list"));
            return volumes;
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "services." + service + ".volumes[" + i + "]";
            Object item = list.get(i);
            if (options.delivered().contains(path)) {
                out.add(item); // a file of the stack folder, sent as a config (FileMounts)
                continue;
            }
            if (item instanceof String spec) {
                int colon = spec.indexOf(':');
                String source = colon < 0 ? "" : spec.substring(0, colon);
                if (isRelative(source)) {
                    String fixed = rewrite(source, path, sm, options, problems);
                    out.add(fixed == null ? spec : fixed + spec.substring(colon));
                    if (fixed != null) {
                        rewritten.add(new DataFolders.Bind(service, path, fixed, base(options)));
                    }
                    continue;
                }
                if (colon > 0 && !ComposeNormalizer.isHostPath(source)) {
                    checkNamedVolume(source, path, compose, sm, problems);
                }
                out.add(item);
            } else if (item instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> mount = new LinkedHashMap<>((Map<String, Object>) m);
                Object type = mount.get("type");
                Object source = mount.get("source");
                if ("bind".equals(type) && source instanceof String src && isRelative(src)) {
                    String fixed = rewrite(src, path + ".source", sm, options, problems);
                    if (fixed != null) {
                        mount.put("source", fixed);
                        rewritten.add(new DataFolders.Bind(service, path, fixed, base(options)));
                    }
                } else if ("volume".equals(type) && source instanceof String src && !src.isEmpty()) {
                    checkNamedVolume(src, path + ".source", compose, sm, problems);
                }
                if (mount.get("target") == null) {
                    problems.add(sm.error(path, "volume mount needs a 'target' (the path inside the container)"));
                }
                out.add(mount);
            } else {
                problems.add(sm.error(path, "a volume is a 'source:target[:mode]' string or a mapping"));
                out.add(item);
            }
        }
        return out;
    }

    private static String base(Options options) {
        return options.hostBasePath().normalize().toString().replace('\\', '/');
    }

    private static boolean isRelative(String source) {
        return source.startsWith(".") || source.startsWith("~");
    }

    /** The rewritten source, or null after reporting the relative path. */
    private static String rewrite(String source, String path, SourceMap sm, Options options, List<Problem> problems) {
        if (source.startsWith("~")) {
            problems.add(sm.error(path, "bind mount source '" + source + "' is relative to a home directory, which"
                    + " means nothing on the NAS: use an absolute dataset path such as /mnt/<pool>/<dataset>"));
            return null;
        }
        if (options.hostBasePath() == null) {
            problems.add(sm.error(path, "relative bind mount '" + source + "' would resolve inside TrueNAS's internal"
                    + " ix-apps dataset (/mnt/.ix-apps/app_configs/<app>/...): use an absolute path such as /mnt/<pool>/"
                    + options.appName() + "/" + source.replaceFirst("^\\./?", "")
                    + ", or configure a host base path to have relative paths rewritten"));
            return null;
        }
        Path appBase = options.hostBasePath().resolve(options.appName()).normalize();
        Path target = appBase.resolve(source).normalize();
        if (!target.startsWith(appBase)) {
            problems.add(sm.error(path, "bind mount source '" + source + "' leaves the app's folder " + appBase
                    + ": use an absolute path instead"));
            return null;
        }
        return target.toString().replace('\\', '/');
    }

    private static void checkNamedVolume(String name, String path, Map<String, Object> compose, SourceMap sm,
            List<Problem> problems) {
        if (name.contains("$") || name.contains("/")) {
            return;
        }
        if (!(compose.get("volumes") instanceof Map<?, ?> declared) || !declared.containsKey(name)) {
            problems.add(sm.error(path, "service uses volume '" + name + "' which is not declared under top-level"
                    + " 'volumes': add 'volumes: {" + name + ": {}}' (or use an absolute host path for a bind mount)"));
        }
    }

    private static void references(String name, Map<String, Object> s, Map<String, Object> compose, SourceMap sm,
            List<Problem> problems) {
        String base = "services." + name;
        Set<String> services = compose.get("services") instanceof Map<?, ?> m ? keys(m) : Set.of();
        for (String dep : names(s.get("depends_on"))) {
            if (!services.contains(dep)) {
                problems.add(sm.error(base + ".depends_on", "depends on service '" + dep + "', which is not defined"
                        + " in this compose file"));
            }
        }
        Set<String> networks = compose.get("networks") instanceof Map<?, ?> n ? keys(n) : Set.of();
        for (String net : names(s.get("networks"))) {
            if (!"default".equals(net) && !networks.contains(net)) {
                problems.add(sm.error(base + ".networks", "uses network '" + net + "', which is not declared under"
                        + " top-level 'networks'"));
            }
        }
        for (String kind : List.of("secrets", "configs")) {
            Set<String> declared = compose.get(kind) instanceof Map<?, ?> d ? keys(d) : Set.of();
            if (s.get(kind) instanceof List<?> refs) {
                for (Object ref : refs) {
                    Object src = ref instanceof Map<?, ?> rm ? rm.get("source") : ref;
                    if (src instanceof String srcName && !declared.contains(srcName)) {
                        problems.add(sm.error(base + "." + kind, "uses " + kind.substring(0, kind.length() - 1) + " '"
                                + srcName + "', which is not declared under top-level '" + kind + "'"));
                    }
                }
            }
        }
    }

    private static Set<String> keys(Map<?, ?> m) {
        Set<String> out = new LinkedHashSet<>();
        m.keySet().forEach(k -> out.add(String.valueOf(k)));
        return out;
    }

    private static Set<String> names(Object v) {
        Set<String> out = new LinkedHashSet<>();
        if (v instanceof Map<?, ?> m) {
            return keys(m);
        }
        if (v instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }

    private static void fileResources(Map<String, Object> compose, String kind, SourceMap sm, List<Problem> problems) {
        if (!(compose.get(kind) instanceof Map<?, ?> defs)) {
            return;
        }
        defs.forEach((name, def) -> {
            if (def instanceof Map<?, ?> d && d.get("environment") instanceof String var) {
                problems.add(sm.error(kind + "." + name + ".environment", kind.substring(0, kind.length() - 1) + " '"
                        + name + "' reads variable " + var + " from the environment of docker compose on the NAS,"
                        + " where TrueNAS sets none: " + ("configs".equals(kind) ? "use 'content:' with ${" + var + "}"
                        : "pass ${" + var + "} through a service 'environment:' entry") + " instead"));
            }
            if (def instanceof Map<?, ?> d && d.get("file") instanceof String file && !file.startsWith("/")) {
                String inline = "configs".equals(kind) ? "'content:' (inline text, interpolated like the rest)"
                        : "a service 'environment:' variable interpolated from the secrets directory";
                problems.add(sm.error(kind + "." + name + ".file", kind.substring(0, kind.length() - 1) + " '" + name
                        + "' reads the relative file '" + file + "', which does not exist on the NAS (TrueNAS only"
                        + " receives the compose document): use " + inline + " or an absolute /mnt/<pool>/... path"));
            }
        });
    }

    private static String kind(Object o) {
        return o instanceof List<?> ? "list" : o instanceof String ? "string" : o.getClass().getSimpleName().toLowerCase();
    }
}
