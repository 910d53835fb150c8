package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ComposeMergeTest {

    static ComposeMerge.Layer layer(String yaml, String file) {
        YamlLoader.Result r = YamlLoader.load(yaml, file);
        assertThat(r.problems()).isEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = (Map<String, Object>) r.root();
        return new ComposeMerge.Layer(tree, r.sourceMap());
    }

    static Object merged(String base, String override, String path) {
        ComposeMerge.Layer m = ComposeMerge.merge(layer(base, "a.yaml"), layer(override, "b.yaml"));
        return at(m.tree(), path);
    }

    @SuppressWarnings("unchecked")
    static Object at(Object tree, String path) {
        Object v = tree;
        for (String p : path.split("\\.")) {
            v = ((Map<String, Object>) v).get(p);
        }
        return v;
    }

    static String svc(String body) {
        return "services:\n  web:\n    image: a\n" + body;
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                // rule, base, override, path, expected
                Arguments.of("a scalar is replaced", svc(""), "services:\n  web:\n    image: b\n",
                        "services.web.image", "b"),
                Arguments.of("mappings merge key by key", svc("    deploy:\n      mode: global\n"),
                        svc("    deploy:\n      replicas: 2\n"), "services.web.deploy",
                        Map.of("mode", "global", "replicas", 2L)),
                Arguments.of("a plain sequence appends", svc("    cap_add: [NET_ADMIN]\n"),
                        svc("    cap_add: [SYS_TIME, NET_ADMIN]\n"), "services.web.cap_add",
                        List.of("NET_ADMIN", "SYS_TIME")),
                Arguments.of("a sequence without a unique key appends", svc("    group_add: [a]\n"),
                        svc("    group_add: [a]\n"), "services.web.group_add", List.of("a", "a")),
                Arguments.of("command is replaced", svc("    command: [echo, foo]\n"),
                        svc("    command: [echo, bar]\n"), "services.web.command", List.of("echo", "bar")),
                Arguments.of("entrypoint is replaced", svc("    entrypoint: [a, b]\n"), svc("    entrypoint: c\n"),
                        "services.web.entrypoint", "c"),
                Arguments.of("healthcheck test is replaced, the rest merged",
                        svc("    healthcheck:\n      test: [CMD, a]\n      interval: 5s\n"),
                        svc("    healthcheck:\n      test: [CMD, b]\n"), "services.web.healthcheck",
                        Map.of("test", List.of("CMD", "b"), "interval", "5s")),
                Arguments.of("environment mappings merge by key", svc("    environment:\n      A: 1\n      B: 2\n"),
                        svc("    environment:\n      B: 3\n"), "services.web.environment",
                        Map.of("A", 1L, "B", 3L)),
                Arguments.of("environment lists merge by key in the first one's place",
                        svc("    environment: [A=1, B=2]\n"), svc("    environment:\n      A: 9\n      C: 3\n"),
                        "services.web.environment", List.of("A=9", "B=2", "C=3")),
                Arguments.of("labels merge by key", svc("    labels: [x=1]\n"), svc("    labels: [x=2, y]\n"),
                        "services.web.labels", List.of("x=2", "y")),
                Arguments.of("volumes are unique by target", svc("    volumes: [foo:/work, /a:/b:ro]\n"),
                        svc("    volumes:\n      - type: volume\n        source: bar\n        target: /work\n"),
                        "services.web.volumes", List.of(Map.of("type", "volume", "source", "bar", "target", "/work"),
                                "/a:/b:ro")),
                Arguments.of("ports are unique by their whole short form", svc("    ports: ['8080:80']\n"),
                        svc("    ports: ['8080:80', '8443:443']\n"), "services.web.ports",
                        List.of("8080:80", "8443:443")),
                Arguments.of("secrets are unique by target", svc("    secrets: [a]\n"),
                        svc("    secrets:\n      - source: b\n        target: /run/secrets/a\n"),
                        "services.web.secrets", List.of(Map.of("source", "b", "target", "/run/secrets/a"))),
                Arguments.of("dns values are unique", svc("    dns: 1.1.1.1\n"), svc("    dns: [8.8.8.8, 1.1.1.1]\n"),
                        "services.web.dns", List.of("1.1.1.1", "8.8.8.8")),
                Arguments.of("extra_hosts drop equal entries", svc("    extra_hosts: ['a=1.2.3.4']\n"),
                        svc("    extra_hosts: ['a=1.2.3.4', 'b=5.6.7.8']\n"), "services.web.extra_hosts",
                        List.of("a=1.2.3.4", "b=5.6.7.8")),
                Arguments.of("depends_on lists become mappings and merge", svc("    depends_on: [db]\n"),
                        svc("    depends_on:\n      cache:\n        condition: service_healthy\n"),
                        "services.web.depends_on", Map.of("db", Map.of("condition", "service_started", "required", true),
                                "cache", Map.of("condition", "service_healthy"))),
                Arguments.of("a logging driver change replaces the options",
                        svc("    logging:\n      driver: json-file\n      options:\n        max-size: 1m\n"),
                        svc("    logging:\n      driver: syslog\n"), "services.web.logging", Map.of("driver", "syslog")),
                Arguments.of("!reset removes the value", svc("    ports: ['8080:80']\n    environment:\n      A: 1\n"),
                        svc("    ports: !reset []\n    environment:\n      A: !reset null\n"), "services.web",
                        Map.of("image", "a", "environment", Map.of())),
                Arguments.of("!override replaces a sequence whole", svc("    ports: ['8080:80']\n"),
                        svc("    ports: !override ['8443:443']\n"), "services.web.ports", List.of("8443:443")),
                Arguments.of("!override replaces a mapping whole", svc("    deploy:\n      mode: global\n"),
                        svc("    deploy: !override\n      replicas: 2\n"), "services.web.deploy",
                        Map.of("replicas", 2L)),
                Arguments.of("a new service is added", svc(""), "services:\n  db:\n    image: b\n", "services",
                        Map.of("web", Map.of("image", "a"), "db", Map.of("image", "b"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void mergesByTheComposeSpecificationRules(String rule, String base, String override, String path,
            Object expected) {
        assertThat(merged(base, override, path)).isEqualTo(expected);
    }

    @Test
    void everyMergedValueKeepsTheFileAndLineItWasWrittenOn() {
        ComposeMerge.Layer m = ComposeMerge.merge(
                layer(svc("    environment:\n      A: 1\n    ports: ['80:80']\n"), "stacks/a/compose.yaml"),
                layer("services:\n  web:\n    ports: ['81:81']\n    user: '1000'\n",
                        "stacks/a/compose.override.yaml"));
        SourceMap sm = m.sourceMap();
        assertThat(sm.error("services.web.environment.A", "x").format())
                .startsWith("stacks/a/compose.yaml:5:7:");
        assertThat(sm.error("services.web.ports[1]", "x").format())
                .startsWith("stacks/a/compose.override.yaml:3:");
        assertThat(sm.error("services.web.user", "x").format())
                .startsWith("stacks/a/compose.override.yaml:4:5:");
        assertThat(sm.error("services.web.ports[0]", "x").format()).startsWith("stacks/a/compose.yaml:6:");
    }

    @Test
    void resetInASingleFileRemovesTheValue() {
        ComposeMerge.Layer one = ComposeMerge.single(layer(svc("    ports: !reset ['80:80']\n"), "a.yaml"));
        assertThat(at(one.tree(), "services.web")).isEqualTo(Map.of("image", "a"));
    }

    @Test
    void extendingAServiceMergesTheLocalOneOntoIt() {
        ComposeMerge.Layer base = layer("services:\n  common:\n    image: a\n    environment: [A=1]\n", "base.yaml");
        ComposeMerge.Layer local = layer("services:\n  web:\n    environment: [B=2]\n", "compose.yaml");
        SourceMap out = local.sourceMap().copy();
        @SuppressWarnings("unchecked")
        Map<String, Object> web = ComposeMerge.extend((Map<String, Object>) at(base.tree(), "services.common"),
                base.sourceMap(), "services.common", (Map<String, Object>) at(local.tree(), "services.web"),
                local.sourceMap(), "services.web", out);
        assertThat(web).isEqualTo(Map.of("image", "a", "environment", List.of("A=1", "B=2")));
        assertThat(out.error("services.web.image", "x").format()).startsWith("base.yaml:3:5:");
    }
}
