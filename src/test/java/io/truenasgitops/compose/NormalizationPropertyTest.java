package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property test: a seeded generator draws a random stack model, writes it twice with independently chosen
 * spellings (list or map environment, short or long ports and volumes, string or list command, reordered keys,
 * other duration and byte spellings), and checks that both normalise to the same tree and hash, that
 * normalisation is idempotent, that a JSON round trip (what TrueNAS gives back) keeps the hash, and that a real
 * change to the model changes the hash.
 */
class NormalizationPropertyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Long> seeds() {
        return IntStream.range(0, 120).mapToObj(i -> 1_000L + i);
    }

    // --- the model -------------------------------------------------------------------------------------------

    record Port(int target, Integer published, String hostIp, String protocol) {}

    record Mount(String source, String target, boolean readOnly, boolean bind) {}

    record Service(String name, String image, Map<String, Object> env, List<Port> ports, List<Mount> mounts,
            List<String> command, Long intervalNanos, Long memBytes, List<String> dependsOn, String restart) {}

    static List<Service> model(Random r) {
        int n = 1 + r.nextInt(4);
        List<Service> services = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "svc" + i;
            Map<String, Object> env = new LinkedHashMap<>();
            for (int e = r.nextInt(5); e > 0; e--) {
                Object value = switch (r.nextInt(4)) {
                    case 0 -> (long) r.nextInt(10_000);
                    case 1 -> r.nextBoolean();
                    case 2 -> "text " + word(r);
                    default -> word(r) + "=" + word(r);
                };
                env.put("VAR_" + word(r).toUpperCase(), value);
            }
            List<Port> ports = new ArrayList<>();
            for (int p = r.nextInt(3); p > 0; p--) {
                int target = 1 + r.nextInt(9000);
                ports.add(new Port(target, r.nextBoolean() ? 10_000 + r.nextInt(50_000) : null,
                        r.nextInt(4) == 0 ? "127.0.0.1" : null, r.nextInt(3) == 0 ? "udp" : "tcp"));
            }
            List<Mount> mounts = new ArrayList<>();
            for (int m = r.nextInt(3); m > 0; m--) {
                boolean bind = r.nextBoolean();
                mounts.add(new Mount(bind ? "/mnt/tank/" + word(r) : "vol" + word(r), "/data/" + word(r) + m,
                        r.nextBoolean(), bind));
            }
            List<String> command = new ArrayList<>();
            for (int c = r.nextInt(4); c > 0; c--) {
                command.add(r.nextInt(4) == 0 ? word(r) + " " + word(r) : "--" + word(r));
            }
            List<String> deps = new ArrayList<>();
            for (int d = 0; d < i; d++) {
                if (r.nextBoolean()) {
                    deps.add("svc" + d);
                }
            }
            services.add(new Service(name, "repo/" + word(r) + ":" + r.nextInt(20), env, ports, mounts, command,
                    r.nextBoolean() ? (long) (1 + r.nextInt(300)) * 1_000_000_000L : null,
                    r.nextBoolean() ? (long) (1 + r.nextInt(8)) * 1024L * 1024L * 1024L : null, deps,
                    r.nextBoolean() ? "unless-stopped" : null));
        }
        return services;
    }

    static String word(Random r) {
        String letters = "abcdefghijklmnopqrstuvwxyz";
        StringBuilder b = new StringBuilder();
        for (int i = 3 + r.nextInt(5); i > 0; i--) {
            b.append(letters.charAt(r.nextInt(letters.length())));
        }
        return b.toString();
    }

    // --- writing the model with random spellings -------------------------------------------------------------

    static Map<String, Object> write(List<Service> model, Random r) {
        Map<String, Object> services = new LinkedHashMap<>();
        Map<String, Object> volumes = new LinkedHashMap<>();
        for (Service s : shuffled(model, r)) {
            List<Map.Entry<String, Object>> fields = new ArrayList<>();
            fields.add(Map.entry("image", s.image()));
            if (!s.env().isEmpty() || r.nextBoolean()) {
                fields.add(Map.entry("environment", env(s.env(), r)));
            }
            if (!s.ports().isEmpty()) {
                List<Object> ports = new ArrayList<>();
                s.ports().forEach(p -> ports.add(port(p, r)));
                Collections.shuffle(ports, r);
                fields.add(Map.entry("ports", ports));
            }
            if (!s.mounts().isEmpty()) {
                List<Object> mounts = new ArrayList<>();
                for (Mount m : s.mounts()) {
                    mounts.add(mount(m, r));
                    if (!m.bind()) {
                        volumes.put(m.source(), r.nextBoolean() ? null : new LinkedHashMap<>());
                    }
                }
                Collections.shuffle(mounts, r);
                fields.add(Map.entry("volumes", mounts));
            }
            if (!s.command().isEmpty()) {
                fields.add(Map.entry("command", r.nextBoolean() ? new ArrayList<>(s.command()) : commandString(s.command())));
            }
            if (s.intervalNanos() != null) {
                Map<String, Object> hc = new LinkedHashMap<>();
                hc.put("test", r.nextBoolean() ? "curl -f http://localhost" : List.of("CMD-SHELL", "curl -f http://localhost"));
                hc.put("interval", duration(s.intervalNanos(), r));
                fields.add(Map.entry("healthcheck", hc));
            }
            if (s.memBytes() != null) {
                fields.add(Map.entry("mem_limit", bytes(s.memBytes(), r)));
            }
            if (!s.dependsOn().isEmpty()) {
                if (r.nextBoolean()) {
                    fields.add(Map.entry("depends_on", new ArrayList<>(s.dependsOn())));
                } else {
                    Map<String, Object> deps = new LinkedHashMap<>();
                    s.dependsOn().forEach(d -> deps.put(d, r.nextBoolean() ? null : Map.of("condition", "service_started")));
                    fields.add(Map.entry("depends_on", deps));
                }
            }
            if (s.restart() != null) {
                fields.add(Map.entry("restart", s.restart()));
            }
            Collections.shuffle(fields, r);
            Map<String, Object> svc = new LinkedHashMap<>();
            fields.forEach(f -> svc.put(f.getKey(), f.getValue()));
            services.put(s.name(), svc);
        }
        Map<String, Object> compose = new LinkedHashMap<>();
        if (r.nextBoolean()) {
            compose.put("version", "3.8");
        }
        compose.put("services", services);
        if (!volumes.isEmpty()) {
            compose.put("volumes", volumes);
        }
        return compose;
    }

    static <T> List<T> shuffled(List<T> list, Random r) {
        List<T> copy = new ArrayList<>(list);
        Collections.shuffle(copy, r);
        return copy;
    }

    static Object env(Map<String, Object> env, Random r) {
        List<String> keys = shuffled(new ArrayList<>(env.keySet()), r);
        if (r.nextBoolean()) {
            List<Object> list = new ArrayList<>();
            keys.forEach(k -> list.add(k + "=" + env.get(k)));
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        keys.forEach(k -> map.put(k, r.nextBoolean() ? env.get(k) : String.valueOf(env.get(k))));
        return map;
    }

    static Object port(Port p, Random r) {
        if (r.nextBoolean()) {
            StringBuilder b = new StringBuilder();
            if (p.hostIp() != null) {
                b.append(p.hostIp()).append(':').append(p.published() == null ? "" : p.published()).append(':');
            } else if (p.published() != null) {
                b.append(p.published()).append(':');
            }
            b.append(p.target());
            if (!"tcp".equals(p.protocol()) || r.nextBoolean()) {
                b.append('/').append(p.protocol());
            }
            return b.toString();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", r.nextBoolean() ? (Object) (long) p.target() : String.valueOf(p.target()));
        if (p.published() != null) {
            m.put("published", r.nextBoolean() ? (Object) (long) p.published() : String.valueOf(p.published()));
        }
        if (p.hostIp() != null) {
            m.put("host_ip", p.hostIp());
        }
        if (!"tcp".equals(p.protocol()) || r.nextBoolean()) {
            m.put("protocol", p.protocol());
        }
        if (r.nextBoolean()) {
            m.put("mode", "ingress");
        }
        return m;
    }

    static Object mount(Mount m, Random r) {
        if (r.nextBoolean()) {
            return m.source() + ":" + m.target() + (m.readOnly() ? ":ro" : r.nextBoolean() ? ":rw" : "");
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("type", m.bind() ? "bind" : "volume");
        v.put("source", m.source());
        v.put("target", m.target());
        if (m.readOnly() || r.nextBoolean()) {
            v.put("read_only", m.readOnly());
        }
        return v;
    }

    static String commandString(List<String> words) {
        List<String> quoted = new ArrayList<>();
        for (String w : words) {
            quoted.add(w.contains(" ") ? "\"" + w + "\"" : w);
        }
        return String.join(" ", quoted);
    }

    static Object duration(long nanos, Random r) {
        long seconds = nanos / 1_000_000_000L;
        return switch (r.nextInt(3)) {
            case 0 -> seconds + "s";
            case 1 -> (seconds / 60 > 0 ? (seconds / 60) + "m" : "") + (seconds % 60 > 0 || seconds < 60 ? (seconds % 60) + "s" : "");
            default -> (seconds * 1000) + "ms";
        };
    }

    static Object bytes(long bytes, Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> bytes;
            case 1 -> (bytes / (1024L * 1024 * 1024)) + "g";
            case 2 -> (bytes / (1024L * 1024)) + "m";
            default -> (bytes / (1024L * 1024 * 1024)) + "GiB";
        };
    }

    // --- properties ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void equivalentRewritesNormaliseToTheSameTreeAndHash(long seed) {
        Random r = new Random(seed);
        List<Service> model = model(r);
        Map<String, Object> a = ComposeNormalizer.normalize(write(model, new Random(seed * 31 + 1)));
        Map<String, Object> b = ComposeNormalizer.normalize(write(model, new Random(seed * 31 + 2)));
        assertThat(a).isEqualTo(b);
        assertThat(ContentHash.of(a)).isEqualTo(ContentHash.of(b));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void normalisationIsIdempotentAndSurvivesAJsonRoundTrip(long seed) throws Exception {
        Random r = new Random(seed);
        Map<String, Object> once = ComposeNormalizer.normalize(write(model(r), r));
        assertThat(ComposeNormalizer.normalize(once)).isEqualTo(once);
        Map<String, Object> live = JSON.readValue(JSON.writeValueAsString(once), new TypeReference<>() {});
        assertThat(ContentHash.of(ComposeNormalizer.normalize(live))).isEqualTo(ContentHash.of(once));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aRealChangeChangesTheHash(long seed) {
        Random r = new Random(seed);
        List<Service> model = model(r);
        List<Service> changed = new ArrayList<>(model);
        int i = r.nextInt(model.size());
        Service s = model.get(i);
        Service mutated = switch (r.nextInt(3)) {
            case 0 -> new Service(s.name(), s.image() + "-next", s.env(), s.ports(), s.mounts(), s.command(),
                    s.intervalNanos(), s.memBytes(), s.dependsOn(), s.restart());
            case 1 -> {
                Map<String, Object> env = new LinkedHashMap<>(s.env());
                env.put("ADDED_VAR", "x");
                yield new Service(s.name(), s.image(), env, s.ports(), s.mounts(), s.command(), s.intervalNanos(),
                        s.memBytes(), s.dependsOn(), s.restart());
            }
            default -> {
                List<Port> ports = new ArrayList<>(s.ports());
                ports.add(new Port(65_000, 65_001, null, "tcp"));
                yield new Service(s.name(), s.image(), s.env(), ports, s.mounts(), s.command(), s.intervalNanos(),
                        s.memBytes(), s.dependsOn(), s.restart());
            }
        };
        changed.set(i, mutated);
        String before = ContentHash.of(ComposeNormalizer.normalize(write(model, new Random(seed + 7))));
        String after = ContentHash.of(ComposeNormalizer.normalize(write(changed, new Random(seed + 8))));
        assertThat(after).isNotEqualTo(before);
    }
}
