package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ComposeNormalizerTest {

    /** A compose with one service {@code s} whose body is {@code serviceYaml} (indented by the caller's style). */
    static Map<String, Object> service(String serviceYaml) {
        String indented = serviceYaml.lines().map(l -> "    " + l).reduce("", (a, b) -> a + b + "\n");
        return load("services:\n  s:\n" + indented);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(String yaml) {
        YamlLoader.Result r = YamlLoader.load(yaml, "t.yaml");
        assertThat(r.problems()).as("fixture loads").isEmpty();
        return (Map<String, Object>) r.root();
    }

    static Stream<Arguments> equivalent() {
        return Stream.of(
                Arguments.of("environment list vs map", "environment: [A=1, B=x]", "environment: {B: x, A: '1'}"),
                Arguments.of("environment numbers and booleans are strings", "environment: {A: 1, B: true, C: 1.5}",
                        "environment: [A=1, B=true, C=1.5]"),
                Arguments.of("environment name without value", "environment: [FOO]", "environment: {FOO: null}"),
                Arguments.of("environment value with '='", "environment: [URL=a=b]", "environment: {URL: a=b}"),
                Arguments.of("labels list vs map", "labels: [a=1, b]", "labels: {a: '1', b: null}"),
                Arguments.of("ports short vs long", "ports: ['8080:80']",
                        "ports: [{target: 80, published: 8080, protocol: tcp, mode: ingress}]"),
                Arguments.of("ports protocol default", "ports: ['53:53/tcp']", "ports: ['53:53']"),
                Arguments.of("ports host ip", "ports: ['127.0.0.1:8080:80/udp']",
                        "ports: [{target: 80, published: '8080', host_ip: 127.0.0.1, protocol: udp}]"),
                Arguments.of("ports int vs string", "ports: [80]", "ports: ['80']"),
                Arguments.of("ports range expanded", "ports: ['8000-8001:9000-9001']",
                        "ports: ['8000:9000', '8001:9001']"),
                Arguments.of("ports order", "ports: ['1:1', '2:2']", "ports: ['2:2', '1:1']"),
                Arguments.of("volumes short vs long", "volumes: ['/mnt/a:/a:ro', 'data:/d']",
                        "volumes: [{type: volume, source: data, target: /d}, {type: bind, source: /mnt/a, target: /a,"
                        + " read_only: true}]"),
                Arguments.of("volumes rw and create_host_path defaults", "volumes: ['/mnt/a:/a:rw']",
                        "volumes: [{type: bind, source: /mnt/a, target: /a, read_only: false,"
                        + " bind: {create_host_path: true}}]"),
                Arguments.of("depends_on list vs map", "depends_on: [db]",
                        "depends_on: {db: {condition: service_started, required: true, restart: false}}"),
                Arguments.of("depends_on null entry", "depends_on: {db: null}", "depends_on: [db]"),
                Arguments.of("extra_hosts list vs map", "extra_hosts: ['a:1.2.3.4', 'b=::1']",
                        "extra_hosts: {b: '::1', a: 1.2.3.4}"),
                Arguments.of("ulimits int vs soft/hard", "ulimits: {nproc: 65535}",
                        "ulimits: {nproc: {soft: 65535, hard: 65535}}"),
                Arguments.of("durations", "healthcheck: {interval: 90s, timeout: 1m}",
                        "healthcheck: {interval: 1m30s, timeout: 60s}"),
                Arguments.of("durations in ms", "stop_grace_period: 1500ms", "stop_grace_period: 1.5s"),
                Arguments.of("byte units", "mem_limit: 1g", "mem_limit: 1024m"),
                Arguments.of("byte units spelled out", "shm_size: 1gb", "shm_size: 1073741824"),
                Arguments.of("deploy memory", "deploy: {resources: {limits: {memory: 512M, cpus: '0.5'}}}",
                        "deploy: {resources: {limits: {memory: 536870912, cpus: 0.5}}}"),
                Arguments.of("healthcheck test string", "healthcheck: {test: curl -f http://x}",
                        "healthcheck: {test: [CMD-SHELL, curl -f http://x]}"),
                Arguments.of("command string vs list", "command: server /data --console-address \":9001\"",
                        "command: [server, /data, --console-address, ':9001']"),
                Arguments.of("entrypoint quoting", "entrypoint: sh -c 'echo a; echo b'",
                        "entrypoint: [sh, -c, 'echo a; echo b']"),
                Arguments.of("command backslash escape", "command: echo a\\ b", "command: [echo, 'a b']"),
                Arguments.of("cap_add is a set", "cap_add: [NET_ADMIN, SYS_TIME]", "cap_add: [CAP_SYS_TIME, net_admin]"),
                Arguments.of("expose set of strings", "expose: [3000, '80']", "expose: ['80', '3000']"),
                Arguments.of("networks list vs map", "networks: [front, back]", "networks: {back: {}, front: null}"),
                Arguments.of("secrets short vs long", "secrets: [a]", "secrets: [{source: a}]"),
                Arguments.of("secrets long with the default target", "secrets: [db_pass]",
                        "secrets: [{source: db_pass, target: /run/secrets/db_pass}]"),
                Arguments.of("secrets target as a bare name", "secrets: [{source: db_pass, target: db_pass}]",
                        "secrets: [db_pass]"),
                Arguments.of("configs long with the default target", "configs: [app]",
                        "configs: [{source: app, target: /app}]"),
                Arguments.of("devices short vs long", "devices: ['/dev/dri:/dev/dri']",
                        "devices: [{source: /dev/dri, target: /dev/dri, permissions: rwm}]"),
                Arguments.of("devices target defaults to the source", "devices: [/dev/dri]",
                        "devices: [{source: /dev/dri}]"),
                Arguments.of("devices permissions", "devices: ['/dev/sda:/dev/xvda:r']",
                        "devices: [{source: /dev/sda, target: /dev/xvda, permissions: r}]"),
                Arguments.of("environment true quoted vs not", "environment: {A: 'true', B: 'false'}",
                        "environment: {A: true, B: False}"),
                Arguments.of("environment octal as compose reads it", "environment: {UMASK: 0755}",
                        "environment: {UMASK: '493'}"),
                Arguments.of("environment float as Go prints it", "environment: {E: 1000000.0, Z: 012345678}",
                        "environment: {E: '1e+06', Z: '1.2345678e+07'}"),
                Arguments.of("user number vs string", "user: 568", "user: '568'"),
                Arguments.of("booleans from interpolated strings", "privileged: 'true'", "privileged: true"),
                Arguments.of("integers from interpolated strings", "pids_limit: '100'", "pids_limit: 100"),
                Arguments.of("key order", "image: a\nrestart: always", "restart: always\nimage: a"),
                Arguments.of("empty collections dropped", "image: a\nports: []\nenvironment: {}\nlabels: null",
                        "image: a"),
                Arguments.of("dns single string", "dns: 1.1.1.1", "dns: [1.1.1.1]"),
                Arguments.of("tmpfs single string", "tmpfs: /tmp", "tmpfs: [/tmp]"),
                Arguments.of("sysctls list vs map", "sysctls: ['net.core.somaxconn=1024']",
                        "sysctls: {net.core.somaxconn: 1024}"),
                Arguments.of("logging options are strings", "logging: {options: {max-file: 3}}",
                        "logging: {options: {max-file: '3'}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("equivalent")
    void equivalentSpellingsNormaliseAndHashTheSame(String name, String a, String b) {
        Map<String, Object> na = ComposeNormalizer.normalize(service(a));
        Map<String, Object> nb = ComposeNormalizer.normalize(service(b));
        assertThat(na).isEqualTo(nb);
        assertThat(ContentHash.of(na)).isEqualTo(ContentHash.of(nb));
    }

    static Stream<Arguments> different() {
        return Stream.of(
                Arguments.of("image tag", "image: nginx:1.25", "image: nginx:1.27"),
                Arguments.of("port published", "ports: ['8080:80']", "ports: ['8081:80']"),
                Arguments.of("port protocol", "ports: ['53:53']", "ports: ['53:53/udp']"),
                Arguments.of("read only mount", "volumes: ['/a:/a']", "volumes: ['/a:/a:ro']"),
                Arguments.of("environment value", "environment: [A=1]", "environment: [A=2]"),
                Arguments.of("empty vs unset environment value", "environment: [A=]", "environment: [A]"),
                Arguments.of("command order", "command: [a, b]", "command: [b, a]"),
                Arguments.of("device permissions", "devices: ['/dev/sda:/dev/sda']", "devices: ['/dev/sda:/dev/sda:r']"),
                Arguments.of("device order matters", "devices: [/dev/a, /dev/b]", "devices: [/dev/b, /dev/a]"),
                Arguments.of("secret target not the default", "secrets: [a]", "secrets: [{source: a, target: /x}]"),
                Arguments.of("dns order matters", "dns: [1.1.1.1, 9.9.9.9]", "dns: [9.9.9.9, 1.1.1.1]"),
                Arguments.of("depends_on condition", "depends_on: [db]",
                        "depends_on: {db: {condition: service_healthy}}"),
                Arguments.of("duration", "stop_grace_period: 10s", "stop_grace_period: 11s"),
                Arguments.of("bytes", "mem_limit: 1g", "mem_limit: 1000m"),
                Arguments.of("healthcheck CMD vs CMD-SHELL", "healthcheck: {test: [CMD, true]}",
                        "healthcheck: {test: 'true'}"),
                Arguments.of("entrypoint empty list vs absent", "entrypoint: []\nimage: a", "image: a"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("different")
    void realChangesChangeTheHash(String name, String a, String b) {
        assertThat(ContentHash.of(ComposeNormalizer.normalize(service(a))))
                .isNotEqualTo(ContentHash.of(ComposeNormalizer.normalize(service(b))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("equivalent")
    void normalisationIsIdempotent(String name, String a, String b) {
        Map<String, Object> once = ComposeNormalizer.normalize(service(a));
        assertThat(ComposeNormalizer.normalize(once)).isEqualTo(once);
    }

    @Test
    void theCanonicalFormIsLongSyntaxWithSortedKeys() {
        Map<String, Object> n = ComposeNormalizer.normalize(service("ports: ['8080:80']\nvolumes: ['./d:/d:ro,z']"));
        Map<?, ?> s = (Map<?, ?>) ((Map<?, ?>) n.get("services")).get("s");
        assertThat(s.get("ports")).isEqualTo(List.of(Map.of("target", 80L, "published", "8080", "protocol", "tcp")));
        assertThat(s.get("volumes")).isEqualTo(List.of(Map.of("type", "bind", "source", "./d", "target", "/d",
                "read_only", true, "bind", Map.of("selinux", "z"))));
    }

    @Test
    void obsoleteVersionAndEmptyTopLevelSectionsAreDropped() {
        Map<String, Object> n = ComposeNormalizer.normalize(load(
                "version: '3.8'\nservices:\n  s: {image: a}\nvolumes: {}\nnetworks:\n  front:\nx-note: kept\n"));
        assertThat(n.keySet()).containsExactly("networks", "services", "x-note");
        assertThat(n.get("networks")).isEqualTo(Map.of("front", Map.of()));
    }

    @Test
    void aLiveConfigAsTrueNasStoresItNormalisesToTheSameAsTheDesiredCompose() {
        // What app.config returns: the dict we sent, key-sorted, numbers as JSON numbers (Integer), stamp included.
        Map<String, Object> desired = ComposeNormalizer.normalize(service(
                "image: nginx\nports: ['80:80']\nenvironment: [A=1]\nhealthcheck: {test: curl x, interval: 90s}"));
        Map<String, Object> live = Map.of(
                "services", Map.of("s", Map.of(
                        "environment", Map.of("A", "1"),
                        "healthcheck", Map.of("interval", "1m30s", "test", List.of("CMD-SHELL", "curl x")),
                        "image", "nginx",
                        "ports", List.of(Map.of("protocol", "tcp", "published", "80", "target", 80))
                )),
                Stamp.KEY, Map.of("hash", "h", "path", "p", "revision", "r", "source", "s"));
        assertThat(ComposeNormalizer.normalize(Stamps.strip(live))).isEqualTo(desired);
        assertThat(ContentHash.of(ComposeNormalizer.normalize(live))).isEqualTo(ContentHash.of(desired));
    }

    @Test
    void oddInputIsKeptNotThrown() {
        Map<String, Object> n = ComposeNormalizer.normalize(service(
                "ports: ['not-a-port', {target: x}]\nvolumes: ['a:b:c:d']\nulimits: 5\ncommand: \"unclosed 'quote\""));
        assertThat(n).containsKey("services");
        assertThat(ComposeNormalizer.normalize(n)).isEqualTo(n);
    }
}
