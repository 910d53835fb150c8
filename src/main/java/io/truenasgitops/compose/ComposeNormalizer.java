package io.truenasgitops.compose;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Brings a compose document to one canonical form, so that equivalent spellings compare (and hash) equal. The
 * same function runs on the desired compose and on the live {@code app.config} dict; it accepts its own output
 * ({@code normalize(normalize(x)).equals(normalize(x))}) and never throws on odd input (it leaves what it does not
 * understand as it is, with map keys sorted). The output is itself valid compose, and is what gets sent.
 *
 * <p>Rules, per service (see docs/stacks.md for the reasons):
 * <ul>
 *   <li>{@code environment}, {@code labels}, {@code annotations}, {@code sysctls}, {@code extra_hosts}: list or
 *       map form become a sorted map of strings (numbers and booleans written the way compose writes them);
 *   <li>{@code ports}: long syntax, {@code protocol: tcp} filled in, {@code mode: ingress} dropped, published as a
 *       string, ranges of equal length expanded one port per entry, sorted;
 *   <li>{@code volumes}: long syntax ({@code ro} becomes {@code read_only: true}), defaults dropped, sorted by
 *       target; {@code depends_on}: map form with {@code condition: service_started} by default;
 *   <li>{@code command}/{@code entrypoint} strings split into words like compose; healthcheck test strings become
 *       {@code ["CMD-SHELL", string]}; durations written as {@code 1m30s}; byte sizes as a number of bytes;
 *       {@code ulimits} as {@code {soft, hard}};
 *   <li>sets sorted: {@code cap_add}, {@code cap_drop}, {@code expose}, {@code group_add}, {@code profiles},
 *       {@code ports}, {@code volumes}, {@code secrets}, {@code configs}; order-sensitive lists ({@code dns},
 *       {@code dns_search}, {@code security_opt}, {@code devices}, {@code command}) keep their order;
 *   <li>empty collections and the obsolete top-level {@code version} are dropped.
 * </ul>
 */
public final class ComposeNormalizer {

    private ComposeNormalizer() {}

    private static final Set<String> STRING_FIELDS = Set.of("image", "user", "working_dir", "hostname", "domainname",
            "restart", "container_name", "platform", "pid", "ipc", "network_mode", "stop_signal", "userns_mode",
            "cgroup_parent", "mac_address", "runtime", "isolation", "pull_policy", "cgroup", "uts");
    private static final Set<String> BOOL_FIELDS = Set.of("privileged", "read_only", "tty", "stdin_open", "init",
            "oom_kill_disable");
    private static final Set<String> INT_FIELDS = Set.of("cpu_shares", "oom_score_adj", "pids_limit", "mem_swappiness",
            "scale", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime");
    private static final Set<String> BYTE_FIELDS = Set.of("mem_limit", "memswap_limit", "mem_reservation", "shm_size");
    private static final Set<String> SORTED_SETS = Set.of("cap_add", "cap_drop", "expose", "group_add", "profiles",
            "external_links", "links", "volumes_from");
    private static final Set<String> DROP_WHEN_EMPTY = Set.of("environment", "labels", "annotations", "ports", "expose",
            "volumes", "depends_on", "extra_hosts", "cap_add", "cap_drop", "sysctls", "ulimits", "devices", "tmpfs",
            "secrets", "configs", "profiles", "group_add", "security_opt", "dns", "dns_search", "dns_opt", "links",
            "external_links", "volumes_from", "env_file");
    private static final Set<String> TOP_RESOURCES = Set.of("networks", "volumes", "configs", "secrets");

    /** The canonical form of a compose document (a new tree; the argument is not changed). */
    public static Map<String, Object> normalize(Map<String, Object> compose) {
        TreeMap<String, Object> out = new TreeMap<>();
        if (compose == null) {
            return out;
        }
        for (Map.Entry<String, Object> e : compose.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object value = e.getValue();
            if ("version".equals(key)) {
                continue; // obsolete: compose ignores it
            }
            if ("services".equals(key) && value instanceof Map<?, ?> services) {
                TreeMap<String, Object> s = new TreeMap<>();
                services.forEach((name, svc) -> s.put(String.valueOf(name), service(svc)));
                out.put(key, s);
            } else if (TOP_RESOURCES.contains(key) && (value instanceof Map<?, ?> || value == null)) {
                TreeMap<String, Object> r = new TreeMap<>();
                if (value != null) {
                    ((Map<?, ?>) value).forEach((name, def) -> r.put(String.valueOf(name), resource(def)));
                }
                if (!r.isEmpty()) {
                    out.put(key, r);
                }
            } else {
                out.put(key, deep(value));
            }
        }
        return out;
    }

    private static Object resource(Object def) {
        if (def == null) {
            return new TreeMap<String, Object>();
        }
        if (!(def instanceof Map<?, ?> map)) {
            return deep(def);
        }
        TreeMap<String, Object> out = new TreeMap<>();
        map.forEach((k, v) -> {
            String key = String.valueOf(k);
            switch (key) {
                case "labels", "driver_opts" -> putIfNotEmpty(out, key, stringMap(v, "="));
                case "external", "attachable", "internal", "enable_ipv6", "enable_ipv4" -> out.put(key, bool(v));
                default -> out.put(key, deep(v));
            }
        });
        return out;
    }

    private static Object service(Object svc) {
        if (!(svc instanceof Map<?, ?> map)) {
            return svc == null ? new TreeMap<String, Object>() : deep(svc);
        }
        TreeMap<String, Object> out = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            Object n = serviceField(key, v);
            if (DROP_WHEN_EMPTY.contains(key) && isEmpty(n)) {
                continue;
            }
            out.put(key, n);
        }
        return out;
    }

    private static Object serviceField(String key, Object v) {
        if (STRING_FIELDS.contains(key)) {
            return v instanceof Map<?, ?> || v instanceof List<?> ? deep(v) : str(v);
        }
        if (BOOL_FIELDS.contains(key)) {
            return bool(v);
        }
        if (INT_FIELDS.contains(key)) {
            return integer(v);
        }
        if (BYTE_FIELDS.contains(key)) {
            return Units.canonicalBytes(number(v));
        }
        if (SORTED_SETS.contains(key)) {
            return sortedStrings(v, "cap_add".equals(key) || "cap_drop".equals(key));
        }
        return switch (key) {
            case "environment" -> stringMap(v, "=");
            case "labels", "annotations", "sysctls" -> stringMap(v, "=");
            case "ports" -> ports(v);
            case "volumes" -> volumes(v);
            case "depends_on" -> dependsOn(v);
            case "extra_hosts" -> extraHosts(v);
            case "ulimits" -> ulimits(v);
            case "healthcheck" -> healthcheck(v);
            case "command", "entrypoint" -> words(v);
            case "stop_grace_period" -> Units.canonicalDuration(v);
            case "dns", "dns_search", "dns_opt", "tmpfs", "security_opt" -> stringList(v);
            case "devices" -> devices(v);
            case "networks" -> serviceNetworks(v);
            case "secrets" -> fileRefs(v, "/run/secrets/");
            case "configs" -> fileRefs(v, "/");
            case "logging" -> logging(v);
            case "deploy" -> deploy(v);
            case "cpus" -> decimal(v);
            case "env_file" -> envFiles(v);
            default -> deep(v);
        };
    }

    // --- generic helpers -------------------------------------------------------------------------------------

    /** Sorted maps all the way down; integral numbers as {@link Long}. */
    static Object deep(Object v) {
        if (v instanceof Map<?, ?> map) {
            TreeMap<String, Object> out = new TreeMap<>();
            map.forEach((k, x) -> out.put(String.valueOf(k), deep(x)));
            return out;
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(x -> out.add(deep(x)));
            return out;
        }
        return number(v);
    }

    private static Object number(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof BigDecimal d) {
            return d.doubleValue();
        }
        return v;
    }

    private static boolean isEmpty(Object v) {
        return v == null || (v instanceof Map<?, ?> m && m.isEmpty()) || (v instanceof List<?> l && l.isEmpty());
    }

    private static void putIfNotEmpty(Map<String, Object> out, String key, Object v) {
        if (!isEmpty(v)) {
            out.put(key, v);
        }
    }

    /** A scalar written the way compose writes it into a string field (Go's fmt.Sprint: {@code 1.0} is {@code "1"}, {@code 1e6} is {@code "1e+06"}). */
    static String str(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Double || v instanceof Float) {
            return GoScalars.sprint(v);
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            return String.valueOf(deep(v));
        }
        return String.valueOf(v);
    }

    private static Object bool(Object v) {
        if (v instanceof String s) {
            String t = s.strip().toLowerCase(Locale.ROOT);
            if (t.equals("true")) {
                return Boolean.TRUE;
            }
            if (t.equals("false")) {
                return Boolean.FALSE;
            }
        }
        return v;
    }

    private static Object integer(Object v) {
        if (v instanceof String s && s.strip().matches("[-+]?[0-9]{1,18}")) {
            return Long.parseLong(s.strip().replace("+", ""));
        }
        if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return d.longValue();
        }
        return number(v);
    }

    private static Object decimal(Object v) {
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                return s;
            }
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        return v;
    }

    /** A list (or a single string) of strings, order kept. */
    private static Object stringList(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(x -> out.add(x instanceof Map<?, ?> || x instanceof List<?> ? deep(x) : str(x)));
            return out;
        }
        if (v instanceof Map<?, ?>) {
            return deep(v);
        }
        return new ArrayList<>(List.of(str(v)));
    }

    private static Object sortedStrings(Object v, boolean capabilities) {
        Object list = stringList(v);
        if (!(list instanceof List<?> l) || l.stream().anyMatch(x -> !(x instanceof String))) {
            return list;
        }
        List<String> out = new ArrayList<>();
        for (Object x : l) {
            String s = (String) x;
            if (capabilities) {
                s = s.strip().toUpperCase(Locale.ROOT);
                if (s.startsWith("CAP_")) {
                    s = s.substring(4);
                }
            }
            out.add(s);
        }
        out.sort(Comparator.naturalOrder());
        return new ArrayList<Object>(out);
    }

    /**
     * {@code [K=V, K]} or {@code {K: V}} as a sorted map of strings. A list item without {@code =} (or a map key
     * with a null value) keeps a null value: for environment, compose takes it from the shell.
     */
    private static Object stringMap(Object v, String separator) {
        if (v == null) {
            return null;
        }
        TreeMap<String, Object> out = new TreeMap<>();
        if (v instanceof List<?> list) {
            for (Object item : list) {
                if (item == null) {
                    continue;
                }
                String s = str(item);
                int i = s.indexOf(separator);
                if (i < 0) {
                    out.put(s, null);
                } else {
                    out.put(s.substring(0, i), s.substring(i + separator.length()));
                }
            }
            return out;
        }
        if (v instanceof Map<?, ?> map) {
            map.forEach((k, x) -> out.put(String.valueOf(k),
                    x instanceof Map<?, ?> || x instanceof List<?> ? deep(x) : str(x)));
            return out;
        }
        return deep(v);
    }

    // --- ports -----------------------------------------------------------------------------------------------

    private static Object ports(Object v) {
        if (!(v instanceof List<?> list)) {
            return deep(v);
        }
        List<Object> out = new ArrayList<>();
        for (Object item : list) {
            if (item instanceof Map<?, ?> map) {
                out.add(longPort(map));
            } else if (item instanceof String || item instanceof Number) {
                out.addAll(shortPort(str(item)));
            } else {
                out.add(deep(item));
            }
        }
        sortByCanonicalJson(out);
        return out;
    }

    private static Map<String, Object> longPort(Map<?, ?> map) {
        TreeMap<String, Object> p = new TreeMap<>();
        map.forEach((k, x) -> {
            String key = String.valueOf(k);
            switch (key) {
                case "target" -> p.put(key, integer(x));
                case "published" -> {
                    if (x != null && !str(x).isEmpty()) {
                        p.put(key, str(x));
                    }
                }
                case "protocol" -> p.put(key, x == null ? "tcp" : str(x).toLowerCase(Locale.ROOT));
                case "mode" -> {
                    if (x != null && !"ingress".equals(str(x))) {
                        p.put(key, str(x));
                    }
                }
                case "host_ip" -> {
                    if (x != null && !str(x).isEmpty()) {
                        p.put(key, str(x));
                    }
                }
                default -> p.put(key, deep(x));
            }
        });
        p.putIfAbsent("protocol", "tcp");
        return p;
    }

    private static List<Object> shortPort(String spec) {
        String s = spec.strip();
        String protocol = "tcp";
        int slash = s.lastIndexOf('/');
        if (slash >= 0) {
            protocol = s.substring(slash + 1).toLowerCase(Locale.ROOT);
            s = s.substring(0, slash);
        }
        String hostIp = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close > 0) {
                hostIp = s.substring(1, close);
                s = s.substring(close + 1);
                if (s.startsWith(":")) {
                    s = s.substring(1);
                }
            }
        }
        String target;
        String published = null;
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            target = s;
        } else {
            target = s.substring(colon + 1);
            String left = s.substring(0, colon);
            int c2 = left.lastIndexOf(':');
            if (c2 >= 0 && hostIp == null) {
                hostIp = left.substring(0, c2);
                published = left.substring(c2 + 1);
            } else {
                published = left;
            }
        }
        if (published != null && published.isEmpty()) {
            published = null;
        }
        if (hostIp != null && hostIp.isEmpty()) {
            hostIp = null;
        }
        long[] t = range(target);
        long[] pub = published == null ? null : range(published);
        List<Object> out = new ArrayList<>();
        if (t == null || (published != null && pub == null)) {
            // Not something we can read: keep it as written, compose will say what is wrong.
            out.add(spec);
            return out;
        }
        long count = t[1] - t[0] + 1;
        if (count == 1 || count > 1000) {
            out.add(port(t[0] == t[1] ? (Object) t[0] : target, published, hostIp, protocol));
            return out;
        }
        boolean expandPublished = pub != null && pub[1] - pub[0] + 1 == count;
        if (pub != null && !expandPublished) {
            out.add(port(target, published, hostIp, protocol));
            return out;
        }
        for (long i = 0; i < count; i++) {
            out.add(port(t[0] + i, expandPublished ? String.valueOf(pub[0] + i) : null, hostIp, protocol));
        }
        return out;
    }

    private static Map<String, Object> port(Object target, String published, String hostIp, String protocol) {
        TreeMap<String, Object> p = new TreeMap<>();
        p.put("target", target);
        if (published != null) {
            p.put("published", published);
        }
        if (hostIp != null) {
            p.put("host_ip", hostIp);
        }
        p.put("protocol", protocol);
        return p;
    }

    private static long[] range(String s) {
        String t = s.strip();
        try {
            int dash = t.indexOf('-');
            if (dash < 0) {
                long v = Long.parseLong(t);
                return new long[] {v, v};
            }
            long a = Long.parseLong(t.substring(0, dash));
            long b = Long.parseLong(t.substring(dash + 1));
            return a <= b ? new long[] {a, b} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // --- volumes ---------------------------------------------------------------------------------------------

    private static Object volumes(Object v) {
        if (!(v instanceof List<?> list)) {
            return deep(v);
        }
        List<Object> out = new ArrayList<>();
        for (Object item : list) {
            if (item instanceof Map<?, ?> map) {
                out.add(longVolume(map));
            } else if (item instanceof String s) {
                out.add(shortVolume(s));
            } else {
                out.add(deep(item));
            }
        }
        out.sort(Comparator.comparing(ComposeNormalizer::volumeSortKey));
        return out;
    }

    private static String volumeSortKey(Object v) {
        if (v instanceof Map<?, ?> m) {
            return String.valueOf(m.get("target")) + "\u0000" + ContentHash.canonicalJson(v);
        }
        return "\uffff" + ContentHash.canonicalJson(v);
    }

    /** Whether a short-syntax source is a host path (anything else names a volume). */
    public static boolean isHostPath(String source) {
        return source.startsWith("/") || source.startsWith(".") || source.startsWith("~") || source.startsWith("$");
    }

    /** Parses {@code [source:]target[:options]}. */
    static Map<String, Object> shortVolume(String spec) {
        String[] parts = spec.split(":", -1);
        TreeMap<String, Object> out = new TreeMap<>();
        if (parts.length == 1) {
            out.put("type", "volume");
            out.put("target", spec);
            return out;
        }
        if (parts.length > 3) {
            out.put("type", "invalid");
            out.put("spec", spec);
            return out;
        }
        String source = parts[0];
        boolean bind = isHostPath(source);
        out.put("type", bind ? "bind" : "volume");
        out.put("source", source);
        out.put("target", parts[1]);
        if (parts.length == 3) {
            TreeMap<String, Object> bindOpts = new TreeMap<>();
            TreeMap<String, Object> volOpts = new TreeMap<>();
            for (String opt : parts[2].split(",")) {
                switch (opt.strip()) {
                    case "ro" -> out.put("read_only", true);
                    case "rw", "" -> { }
                    case "z", "Z" -> bindOpts.put("selinux", opt.strip());
                    case "nocopy" -> volOpts.put("nocopy", true);
                    case "shared", "rshared", "slave", "rslave", "private", "rprivate" -> bindOpts.put("propagation", opt.strip());
                    default -> out.put("x-unknown-mode", opt.strip());
                }
            }
            if (!bindOpts.isEmpty()) {
                out.put("bind", bindOpts);
            }
            if (!volOpts.isEmpty()) {
                out.put("volume", volOpts);
            }
        }
        return out;
    }

    private static Map<String, Object> longVolume(Map<?, ?> map) {
        TreeMap<String, Object> out = new TreeMap<>();
        map.forEach((k, x) -> {
            String key = String.valueOf(k);
            switch (key) {
                case "read_only" -> {
                    if (Boolean.TRUE.equals(bool(x))) {
                        out.put(key, true);
                    }
                }
                case "bind", "volume", "tmpfs", "image" -> {
                    if (x instanceof Map<?, ?> opts) {
                        TreeMap<String, Object> o = new TreeMap<>();
                        opts.forEach((ok, ov) -> {
                            String okey = String.valueOf(ok);
                            Object val = switch (okey) {
                                case "create_host_path", "nocopy", "recursive_readonly" -> bool(ov);
                                case "size" -> Units.canonicalBytes(number(ov));
                                case "mode" -> integer(ov);
                                default -> deep(ov);
                            };
                            // Defaults left out so short and long syntax agree.
                            if (("create_host_path".equals(okey) && Boolean.TRUE.equals(val))
                                    || ("nocopy".equals(okey) && Boolean.FALSE.equals(val))) {
                                return;
                            }
                            o.put(okey, val);
                        });
                        putIfNotEmpty(out, key, o);
                    } else if (x != null) {
                        out.put(key, deep(x));
                    }
                }
                case "source", "target", "type", "consistency" -> {
                    if (x != null) {
                        out.put(key, str(x));
                    }
                }
                default -> out.put(key, deep(x));
            }
        });
        return out;
    }

    // --- other service fields --------------------------------------------------------------------------------

    private static Object dependsOn(Object v) {
        TreeMap<String, Object> out = new TreeMap<>();
        if (v instanceof List<?> list) {
            for (Object name : list) {
                out.put(str(name), dependency(null));
            }
            return out;
        }
        if (v instanceof Map<?, ?> map) {
            map.forEach((k, x) -> out.put(String.valueOf(k), dependency(x)));
            return out;
        }
        return deep(v);
    }

    private static Object dependency(Object x) {
        TreeMap<String, Object> d = new TreeMap<>();
        if (x instanceof Map<?, ?> m) {
            m.forEach((k, y) -> {
                String key = String.valueOf(k);
                Object val = "required".equals(key) || "restart".equals(key) ? bool(y) : deep(y);
                if (("required".equals(key) && Boolean.TRUE.equals(val))
                        || ("restart".equals(key) && Boolean.FALSE.equals(val))) {
                    return;
                }
                d.put(key, val);
            });
        } else if (x != null) {
            return deep(x);
        }
        d.putIfAbsent("condition", "service_started");
        return d;
    }

    private static Object extraHosts(Object v) {
        TreeMap<String, Object> out = new TreeMap<>();
        if (v instanceof List<?> list) {
            for (Object item : list) {
                String s = str(item);
                if (s == null) {
                    continue;
                }
                int eq = s.indexOf('=');
                int i = eq >= 0 ? eq : s.indexOf(':');
                String host = i < 0 ? s : s.substring(0, i);
                String ip = i < 0 ? "" : s.substring(i + 1);
                addHost(out, host, ip);
            }
            return out;
        }
        if (v instanceof Map<?, ?> map) {
            map.forEach((k, x) -> {
                if (x instanceof List<?> ips) {
                    ips.forEach(ip -> addHost(out, String.valueOf(k), str(ip)));
                } else {
                    addHost(out, String.valueOf(k), str(x));
                }
            });
            return out;
        }
        return deep(v);
    }

    @SuppressWarnings("unchecked")
    private static void addHost(TreeMap<String, Object> out, String host, String ip) {
        String clean = ip == null ? "" : ip.strip();
        if (clean.startsWith("[") && clean.endsWith("]")) {
            clean = clean.substring(1, clean.length() - 1);
        }
        Object existing = out.get(host);
        if (existing == null) {
            out.put(host, clean);
        } else if (existing instanceof List<?> l) {
            ((List<Object>) l).add(clean);
        } else {
            List<Object> ips = new ArrayList<>();
            ips.add(existing);
            ips.add(clean);
            out.put(host, ips);
        }
    }

    private static Object ulimits(Object v) {
        if (!(v instanceof Map<?, ?> map)) {
            return deep(v);
        }
        TreeMap<String, Object> out = new TreeMap<>();
        map.forEach((k, x) -> {
            if (x instanceof Map<?, ?> m) {
                TreeMap<String, Object> l = new TreeMap<>();
                m.forEach((lk, lv) -> l.put(String.valueOf(lk), integer(lv)));
                out.put(String.valueOf(k), l);
            } else {
                Object n = integer(x);
                TreeMap<String, Object> l = new TreeMap<>();
                l.put("hard", n);
                l.put("soft", n);
                out.put(String.valueOf(k), l);
            }
        });
        return out;
    }

    private static Object healthcheck(Object v) {
        if (!(v instanceof Map<?, ?> map)) {
            return deep(v);
        }
        TreeMap<String, Object> out = new TreeMap<>();
        map.forEach((k, x) -> {
            String key = String.valueOf(k);
            switch (key) {
                case "test" -> {
                    if (x instanceof String s) {
                        List<Object> t = new ArrayList<>();
                        t.add("CMD-SHELL");
                        t.add(s);
                        out.put(key, t);
                    } else {
                        out.put(key, stringList(x));
                    }
                }
                case "interval", "timeout", "start_period", "start_interval" -> out.put(key, Units.canonicalDuration(x));
                case "retries" -> out.put(key, integer(x));
                case "disable" -> out.put(key, bool(x));
                default -> out.put(key, deep(x));
            }
        });
        return out;
    }

    private static Object words(Object v) {
        if (v instanceof String s) {
            ShellWords.Split split = ShellWords.split(s);
            return split.error() != null ? s : new ArrayList<Object>(split.words());
        }
        return stringList(v);
    }

    private static Object serviceNetworks(Object v) {
        TreeMap<String, Object> out = new TreeMap<>();
        if (v instanceof List<?> list) {
            list.forEach(n -> out.put(str(n), null));
            return out;
        }
        if (v instanceof Map<?, ?> map) {
            map.forEach((k, x) -> {
                Object d = deep(x);
                out.put(String.valueOf(k), isEmpty(d) ? null : d);
            });
            return out;
        }
        return deep(v);
    }

    /**
     * Service {@code secrets}/{@code configs}: long form {@code {source, ...}}, sorted. A {@code target} that is
     * compose's default ({@code /run/secrets/<source>} for secrets, also written as a bare {@code <source>};
     * {@code /<source>} for configs) is dropped, so the short and the long spelling are the same.
     */
    private static Object fileRefs(Object v, String defaultDir) {
        if (!(v instanceof List<?> list)) {
            return deep(v);
        }
        List<Object> out = new ArrayList<>();
        for (Object item : list) {
            if (item instanceof Map<?, ?>) {
                Object ref = deep(item);
                if (ref instanceof Map<?, ?> m && m.get("source") instanceof String source
                        && m.get("target") instanceof String target
                        && (target.equals(defaultDir + source) || (defaultDir.length() > 1 && target.equals(source)))) {
                    ((Map<?, ?>) ref).remove("target");
                }
                out.add(ref);
            } else {
                TreeMap<String, Object> ref = new TreeMap<>();
                ref.put("source", str(item));
                out.add(ref);
            }
        }
        sortByCanonicalJson(out);
        return out;
    }

    /**
     * {@code devices}: compose reads the short {@code source[:target[:permissions]]} and the long
     * {@code {source, target, permissions}} as the same mapping (target defaults to the source, permissions to
     * {@code rwm}). Written as the short string {@code source:target}, with {@code :permissions} only when not
     * {@code rwm}: the syntax every compose version reads. Order is kept; entries that are neither form stay as
     * they are, and so are CDI device names ({@code nvidia.com/gpu=all}), which are not paths.
     */
    private static Object devices(Object v) {
        if (!(v instanceof List<?> list)) {
            return stringList(v);
        }
        List<Object> out = new ArrayList<>(list.size());
        for (Object item : list) {
            String source = null;
            String target = null;
            String permissions = null;
            if (item instanceof Map<?, ?> m && m.get("source") instanceof String s
                    && m.keySet().stream().allMatch(k -> Set.of("source", "target", "permissions").contains(k))) {
                source = s;
                target = m.get("target") == null ? null : str(m.get("target"));
                permissions = m.get("permissions") == null ? null : str(m.get("permissions"));
            } else if (item instanceof String s && s.split(":", -1).length <= 3) {
                String[] parts = s.split(":", -1);
                source = parts[0];
                target = parts.length > 1 ? parts[1] : null;
                permissions = parts.length > 2 ? parts[2] : null;
            }
            if (source == null || !source.startsWith("/")) {
                // Not a device path (e.g. a CDI name such as nvidia.com/gpu=all): kept as written.
                out.add(item instanceof Map<?, ?> || item instanceof List<?> ? deep(item) : str(item));
                continue;
            }
            String canonical = source + ":" + (target == null || target.isEmpty() ? source : target);
            if (permissions != null && !permissions.isEmpty() && !permissions.equals("rwm")) {
                canonical += ":" + permissions;
            }
            out.add(canonical);
        }
        return out;
    }

    private static Object logging(Object v) {
        if (!(v instanceof Map<?, ?> map)) {
            return deep(v);
        }
        TreeMap<String, Object> out = new TreeMap<>();
        map.forEach((k, x) -> out.put(String.valueOf(k), "options".equals(k) ? stringMap(x, "=") : deep(x)));
        return out;
    }

    private static Object deploy(Object v) {
        if (!(v instanceof Map<?, ?> map)) {
            return deep(v);
        }
        TreeMap<String, Object> out = new TreeMap<>();
        map.forEach((k, x) -> {
            String key = String.valueOf(k);
            switch (key) {
                case "replicas" -> out.put(key, integer(x));
                case "labels" -> out.put(key, stringMap(x, "="));
                case "resources" -> out.put(key, resources(x));
                case "restart_policy", "update_config", "rollback_config" -> out.put(key, timings(x));
                default -> out.put(key, deep(x));
            }
        });
        return out;
    }

    private static Object resources(Object v) {
        if (!(v instanceof Map<?, ?> map)) {
            return deep(v);
        }
        TreeMap<String, Object> out = new TreeMap<>();
        map.forEach((k, x) -> {
            if (x instanceof Map<?, ?> m) {
                TreeMap<String, Object> r = new TreeMap<>();
                m.forEach((rk, rv) -> r.put(String.valueOf(rk), switch (String.valueOf(rk)) {
                    case "memory" -> Units.canonicalBytes(number(rv));
                    case "cpus" -> decimal(rv);
                    case "pids" -> integer(rv);
                    default -> deep(rv);
                }));
                out.put(String.valueOf(k), r);
            } else {
                out.put(String.valueOf(k), deep(x));
            }
        });
        return out;
    }

    private static Object timings(Object v) {
        if (!(v instanceof Map<?, ?> map)) {
            return deep(v);
        }
        TreeMap<String, Object> out = new TreeMap<>();
        map.forEach((k, x) -> out.put(String.valueOf(k), switch (String.valueOf(k)) {
            case "delay", "window", "monitor" -> Units.canonicalDuration(x);
            case "max_attempts", "parallelism" -> integer(x);
            default -> deep(x);
        }));
        return out;
    }

    private static Object envFiles(Object v) {
        List<Object> items = v instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>(List.of(v));
        List<Object> out = new ArrayList<>();
        for (Object item : items) {
            TreeMap<String, Object> f = new TreeMap<>();
            if (item instanceof Map<?, ?> m) {
                m.forEach((k, x) -> f.put(String.valueOf(k), "required".equals(k) ? bool(x) : deep(x)));
                if (Boolean.TRUE.equals(f.get("required"))) {
                    f.remove("required");
                }
            } else {
                f.put("path", str(item));
            }
            out.add(f);
        }
        return out;
    }

    private static void sortByCanonicalJson(List<Object> list) {
        list.sort(Comparator.comparing(ContentHash::canonicalJson));
    }
}
