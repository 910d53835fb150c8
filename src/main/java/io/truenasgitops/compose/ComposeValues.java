package io.truenasgitops.compose;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value checks docker compose makes after its schema, while it reads the document into its types
 * (compose-go): a port outside 0-65535 or not a number, a byte size it cannot read ({@code mem_limit: lots}), a
 * duration outside Go's grammar ({@code interval: abc}). The schema lets each of these through (a port is "a
 * number or a string", a size "a number or a string"); compose then refuses the whole app on the NAS. Here each is
 * an error at the value's file and line, before anything is sent.
 *
 * <p>The rules follow the code compose runs: ports as go-connections' {@code nat.ParsePortSpec} (host IP, host and
 * container port or range, each 0-65535, protocol tcp, udp or sctp; a number that is not an integer is "an invalid
 * type for port", compose-go {@code transform/ports.go}), sizes as compose-go's {@code UnitBytes} (an integer, or
 * go-units' {@code RAMInBytes}: a number, optional space, k/m/g/t/p with optional b or ib), durations as
 * go-str2duration's {@code ParseDuration} (compose-go {@code types/duration.go}: Go's grammar plus d and w; a bare
 * number other than 0 has no unit).
 */
public final class ComposeValues {

    private ComposeValues() {}

    private static final Set<String> BYTE_FIELDS = Set.of("mem_limit", "memswap_limit", "mem_reservation", "shm_size");
    private static final Set<String> HEALTHCHECK_DURATIONS = Set.of("interval", "timeout", "start_period",
            "start_interval");
    private static final Set<String> DEPLOY_DURATIONS = Set.of("delay", "window", "monitor");
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]*)(?:\\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h|d|w)");

    /**
     * Every value of {@code compose}'s services that docker compose would refuse, located with {@code sm}. Paths in
     * {@code alreadyReported} (a wrong type the schema named, a TrueNAS check) get no second problem.
     */
    public static List<Problem> check(Map<String, Object> compose, SourceMap sm, Set<String> alreadyReported) {
        List<Problem> problems = new ArrayList<>();
        if (!(compose.get("services") instanceof Map<?, ?> services)) {
            return problems;
        }
        services.forEach((name, svc) -> {
            if (svc instanceof Map<?, ?> s) {
                service("services." + name, s, sm, problems);
            }
        });
        problems.removeIf(p -> alreadyReported.contains(p.path()));
        return problems;
    }

    private static void service(String base, Map<?, ?> s, SourceMap sm, List<Problem> problems) {
        if (s.get("ports") instanceof List<?> ports) {
            for (int i = 0; i < ports.size(); i++) {
                port(SourceMap.index(base + ".ports", i), ports.get(i), sm, problems);
            }
        }
        for (String field : BYTE_FIELDS) {
            if (s.containsKey(field)) {
                bytes(base + "." + field, s.get(field), sm, problems);
            }
        }
        if (s.containsKey("stop_grace_period")) {
            duration(base + ".stop_grace_period", s.get("stop_grace_period"), sm, problems);
        }
        if (s.get("healthcheck") instanceof Map<?, ?> hc) {
            for (String field : HEALTHCHECK_DURATIONS) {
                if (hc.containsKey(field)) {
                    duration(base + ".healthcheck." + field, hc.get(field), sm, problems);
                }
            }
        }
        if (s.get("deploy") instanceof Map<?, ?> deploy) {
            deploy(base + ".deploy", deploy, sm, problems);
        }
        if (s.get("volumes") instanceof List<?> volumes) {
            for (int i = 0; i < volumes.size(); i++) {
                if (volumes.get(i) instanceof Map<?, ?> v && v.get("tmpfs") instanceof Map<?, ?> tmpfs
                        && tmpfs.containsKey("size")) {
                    bytes(SourceMap.index(base + ".volumes", i) + ".tmpfs.size", tmpfs.get("size"), sm, problems);
                }
            }
        }
    }

    private static void deploy(String base, Map<?, ?> deploy, SourceMap sm, List<Problem> problems) {
        if (deploy.get("resources") instanceof Map<?, ?> resources) {
            for (String kind : List.of("limits", "reservations")) {
                if (resources.get(kind) instanceof Map<?, ?> r && r.containsKey("memory")) {
                    bytes(base + ".resources." + kind + ".memory", r.get("memory"), sm, problems);
                }
            }
        }
        for (String block : List.of("restart_policy", "update_config", "rollback_config")) {
            if (deploy.get(block) instanceof Map<?, ?> b) {
                for (String field : DEPLOY_DURATIONS) {
                    if (b.containsKey(field)) {
                        duration(base + "." + block + "." + field, b.get(field), sm, problems);
                    }
                }
            }
        }
    }

    // --- ports -----------------------------------------------------------------------------------------------

    private static void port(String path, Object item, SourceMap sm, List<Problem> problems) {
        String error;
        if (item instanceof Integer || item instanceof Long) {
            error = portSpec(String.valueOf(item));
        } else if (item instanceof String spec) {
            error = portSpec(spec);
        } else if (item instanceof Number n) {
            error = "'" + shown(n) + "' is not a whole port number";
        } else if (item instanceof Map<?, ?> m) {
            longPort(path, m, sm, problems);
            return;
        } else {
            return; // the schema names the wrong type
        }
        if (error != null) {
            problems.add(sm.error(path, "port '" + shown(item) + "' is refused by docker compose: " + error
                    + "; write [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], each port 0-65535 or a range"
                    + " such as 8000-8010, e.g. \"8080:80\""));
        }
    }

    /** What is wrong with a short port spec, or null: the steps of go-connections' {@code nat.ParsePortSpec}. */
    static String portSpec(String raw) {
        String[] parts = raw.split(":", -1);
        String ip;
        String hostPort;
        String containerPort;
        switch (parts.length) {
            case 1 -> {
                ip = "";
                hostPort = "";
                containerPort = parts[0];
            }
            case 2 -> {
                ip = "";
                hostPort = parts[0];
                containerPort = parts[1];
            }
            default -> {
                int n = parts.length;
                ip = String.join(":", List.of(parts).subList(0, n - 2));
                hostPort = parts[n - 2];
                containerPort = parts[n - 1];
            }
        }
        String proto = "tcp";
        int slash = containerPort.indexOf('/');
        if (slash >= 0) {
            proto = containerPort.substring(slash + 1);
            containerPort = containerPort.substring(0, slash);
            if (proto.isEmpty()) {
                proto = "tcp";
            }
        }
        if (containerPort.isEmpty()) {
            return "no container port";
        }
        proto = proto.toLowerCase(Locale.ROOT);
        if (!Set.of("tcp", "udp", "sctp").contains(proto)) {
            return "protocol '" + proto + "' is not tcp, udp or sctp";
        }
        if (ip.startsWith("[") && ip.endsWith("]")) {
            ip = ip.substring(1, ip.length() - 1);
        }
        if (!ip.isEmpty() && !isIpAddress(ip)) {
            return "'" + ip + "' is not an IP address";
        }
        int[] container = portRange(containerPort);
        if (container == null) {
            return "container port '" + containerPort + "' is not a port (0-65535) or a range of them";
        }
        if (!hostPort.isEmpty()) {
            int[] host = portRange(hostPort);
            if (host == null) {
                return "host port '" + hostPort + "' is not a port (0-65535) or a range of them";
            }
            if (container[1] - container[0] != host[1] - host[0] && container[0] != container[1]) {
                return "the ranges " + hostPort + " and " + containerPort + " are not the same length";
            }
        }
        return null;
    }

    /** {start, end} of {@code 80} or {@code 8000-8010}, or null: go-connections' {@code parsePortRange}. */
    private static int[] portRange(String ports) {
        int dash = ports.indexOf('-');
        String start = dash < 0 ? ports : ports.substring(0, dash);
        int s = portNumber(start);
        if (s < 0) {
            return null;
        }
        if (dash < 0 || start.equals(ports.substring(dash + 1))) {
            return new int[] {s, s};
        }
        int e = portNumber(ports.substring(dash + 1));
        return e < s ? null : new int[] {s, e};
    }

    /** 0-65535, or -1: Go's {@code strconv.ParseInt} takes an optional sign and decimal digits only. */
    private static int portNumber(String raw) {
        if (!raw.matches("[+-]?[0-9]{1,6}")) {
            return -1;
        }
        int port = Integer.parseInt(raw.startsWith("+") ? raw.substring(1) : raw);
        return port <= 65535 ? port : -1;
    }

    private static boolean isIpAddress(String ip) {
        if (ip.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            for (String octet : ip.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return true;
        }
        // IPv6: hex groups and colons (with at most one '::'), optionally ending in a dotted quad; no name lookup.
        return ip.contains(":") && ip.matches("[0-9a-fA-F:.]+") && ip.indexOf("::") == ip.lastIndexOf("::");
    }

    private static void longPort(String path, Map<?, ?> m, SourceMap sm, List<Problem> problems) {
        Object target = m.get("target");
        if (target != null && (target instanceof Integer || target instanceof Long || target instanceof String)
                && portNumber(String.valueOf(target)) < 0) {
            problems.add(sm.error(path + ".target", "port target '" + target + "' is not a port: use a whole number"
                    + " 0-65535 (the port inside the container)"));
        } else if (target instanceof Number n && !(target instanceof Integer || target instanceof Long)) {
            problems.add(sm.error(path + ".target", "port target '" + shown(n) + "' is not a whole port number"
                    + " 0-65535"));
        }
        Object published = m.get("published");
        if (published instanceof Integer || published instanceof Long
                || published instanceof String p && !p.isEmpty()) {
            if (portRange(String.valueOf(published)) == null) {
                problems.add(sm.error(path + ".published", "published port '" + published + "' is not a port: use"
                        + " a whole number 0-65535 or a range such as 8000-8010"));
            }
        }
    }

    // --- sizes -----------------------------------------------------------------------------------------------

    private static void bytes(String path, Object value, SourceMap sm, List<Problem> problems) {
        if (value == null || value instanceof Integer || value instanceof Long) {
            return;
        }
        boolean ok = value instanceof String s ? isSize(s)
                : value instanceof Number n && Double.isFinite(n.doubleValue());
        if (!ok) {
            problems.add(sm.error(path, "'" + shown(value) + "' is not a size docker compose can read: write a number"
                    + " of bytes or one with a unit, such as 512m, 1g or 1.5GiB (units b, k, m, g, t, p, optionally"
                    + " followed by b or ib)"));
        }
    }

    /** compose-go's {@code UnitBytes}: a Go integer, else go-units' {@code RAMInBytes}. */
    static boolean isSize(String s) {
        if (s.matches("[+-]?[0-9]+")) {
            return true;
        }
        String num;
        String sfx;
        int space = s.indexOf(' ');
        if (space >= 0) {
            num = s.substring(0, space);
            sfx = s.substring(space + 1);
        } else {
            int sep = -1;
            for (int i = s.length() - 1; i >= 0; i--) {
                char c = s.charAt(i);
                if (c == '.' || (c >= '0' && c <= '9')) {
                    sep = i;
                    break;
                }
            }
            if (sep < 0) {
                return false;
            }
            num = s.substring(0, sep + 1);
            sfx = s.substring(sep + 1);
        }
        // Go's strconv.ParseFloat on what ends in a digit or '.': a decimal number with an optional exponent
        if (!num.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
            return false;
        }
        if (num.startsWith("-")) {
            return false;
        }
        if (sfx.isEmpty()) {
            return true;
        }
        String x = sfx.toLowerCase(Locale.ROOT);
        if (x.length() > 3) {
            return false;
        }
        if (x.charAt(0) == 'b') {
            return x.length() == 1;
        }
        if ("kmgtp".indexOf(x.charAt(0)) < 0) {
            return false;
        }
        return x.length() == 1 || (x.length() == 2 && x.charAt(1) == 'b') || (x.length() == 3 && x.endsWith("ib"));
    }

    // --- durations -------------------------------------------------------------------------------------------

    private static void duration(String path, Object value, SourceMap sm, List<Problem> problems) {
        if (value == null) {
            return;
        }
        if (value instanceof String s ? !isDuration(s) : !(value instanceof Number n && n.doubleValue() == 0)) {
            problems.add(sm.error(path, "'" + shown(value) + "' is not a duration docker compose can read: write a"
                    + " number with a unit, such as 30s, 1m30s, 500ms or 2h (units ns, us, ms, s, m, h, d, w)"));
        }
    }

    /** go-str2duration's {@code ParseDuration}: {@code [-+]?(NUMBER UNIT)+} or {@code 0}, within 2^63-1 ns. */
    static boolean isDuration(String s) {
        String text = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
        if (text.equals("0")) {
            return true;
        }
        if (text.isEmpty()) {
            return false;
        }
        Matcher m = DURATION_PART.matcher(text);
        int at = 0;
        BigDecimal total = BigDecimal.ZERO;
        while (at < text.length() && m.find(at) && m.start() == at) {
            String whole = m.group(1);
            String frac = m.group(2);
            if (whole.isEmpty() && (frac == null || frac.isEmpty())) {
                return false;
            }
            long unit = switch (m.group(3)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                case "d" -> 86_400_000_000_000L;
                default -> 604_800_000_000_000L;
            };
            String number = (whole.isEmpty() ? "0" : whole) + (frac == null || frac.isEmpty() ? "" : "." + frac);
            total = total.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
            at = m.end();
        }
        return at == text.length() && total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0;
    }

    private static String shown(Object value) {
        if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            return d.isNaN() ? ".nan" : d > 0 ? ".inf" : "-.inf";
        }
        return String.valueOf(value);
    }
}
