package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Values docker compose refuses while reading them (compose-go, go-connections, go-units, go-str2duration). */
class ComposeValuesTest {

    @TempDir
    Path dir;

    ComposeRenderer.Result render(String yaml) {
        return ComposeRenderer.render(new ComposeRenderer.Request("app", yaml, "stacks/app/compose.yaml", dir,
                "stacks/app", Variables.none(), null));
    }

    static String web(String extra) {
        return "services:\n  web:\n    image: nginx:1.27\n" + extra;
    }

    /** what, compose, path, line, message fragment. */
    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("host port too high", web("    ports: [\"99999:80\"]\n"), "services.web.ports[0]", 4,
                        "host port '99999' is not a port (0-65535)"),
                Arguments.of("container port too high", web("    ports: [\"8080:70000\"]\n"), "services.web.ports[0]",
                        4, "container port '70000'"),
                Arguments.of("ports that are words", web("    ports: [\"abc:def\"]\n"), "services.web.ports[0]", 4,
                        "container port 'def'"),
                Arguments.of("a negative port number", web("    ports:\n      - -1\n"), "services.web.ports[0]", 5,
                        "container port '-1'"),
                Arguments.of("a NaN port", web("    ports:\n      - .nan\n"), "services.web.ports[0]", 5,
                        "'.nan' is not a whole port number"),
                Arguments.of("a fractional port", web("    ports:\n      - 80.5\n"), "services.web.ports[0]", 5,
                        "not a whole port number"),
                Arguments.of("an unknown protocol", web("    ports: [\"80/icmp\"]\n"), "services.web.ports[0]", 4,
                        "protocol 'icmp'"),
                Arguments.of("a host IP that is none", web("    ports: [\"localhost:80:80\"]\n"),
                        "services.web.ports[0]", 4, "'localhost' is not an IP address"),
                Arguments.of("ranges of other lengths", web("    ports: [\"8000-8002:80-81\"]\n"),
                        "services.web.ports[0]", 4, "not the same length"),
                Arguments.of("a long-syntax target too high", web("    ports:\n      - target: 99999\n"),
                        "services.web.ports[0].target", 5, "port target '99999'"),
                Arguments.of("a long-syntax published word", web("    ports:\n      - target: 80\n"
                        + "        published: web\n"), "services.web.ports[0].published", 6, "published port 'web'"),
                Arguments.of("mem_limit lots", web("    mem_limit: lots\n"), "services.web.mem_limit", 4,
                        "'lots' is not a size"),
                Arguments.of("mem_limit with a bad suffix", web("    mem_limit: 1gb2\n"), "services.web.mem_limit", 4,
                        "not a size"),
                Arguments.of("shm_size NaN", web("    shm_size: .nan\n"), "services.web.shm_size", 4, "not a size"),
                Arguments.of("deploy memory", web("    deploy:\n      resources:\n        limits:\n"
                        + "          memory: much\n"), "services.web.deploy.resources.limits.memory", 7, "not a size"),
                Arguments.of("healthcheck interval abc", web("    healthcheck:\n      test: [CMD, \"true\"]\n"
                        + "      interval: abc\n"), "services.web.healthcheck.interval", 6, "'abc' is not a duration"),
                Arguments.of("a duration with no unit", web("    healthcheck:\n      test: [CMD, \"true\"]\n"
                        + "      timeout: '10'\n"), "services.web.healthcheck.timeout", 6, "not a duration"),
                Arguments.of("a duration that overflows", web("    stop_grace_period: 9999999999999h\n"),
                        "services.web.stop_grace_period", 4, "not a duration"),
                Arguments.of("a restart delay", web("    deploy:\n      restart_policy:\n        delay: soon\n"),
                        "services.web.deploy.restart_policy.delay", 6, "not a duration"),
                Arguments.of("a service named ~", "services:\n  ~:\n    image: nginx:1.27\n", "services.", 2,
                        "a service has no name"),
                Arguments.of("a service named null", "services:\n  null:\n    image: nginx:1.27\n", "services.", 2,
                        "a service has no name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void whatDockerComposeRefusesIsALocatedErrorAndNothingIsRendered(String what, String yaml, String path, int line,
            String fragment) {
        ComposeRenderer.Result r = render(yaml);

        assertThat(r.ok()).as("rendered despite %s", what).isFalse();
        assertThat(r.problems()).filteredOn(Problem::isError).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo(path);
            assertThat(p.file()).isEqualTo("stacks/app/compose.yaml");
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.message()).contains(fragment);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"    ports: [\"8080:80\", \"127.0.0.1:8443:443/tcp\", \"53:53/udp\", \"9000-9001:9000-9001\","
            + " \"[::1]:81:81\", \"3000\", \"127.0.0.1::82\", \"8000-8010:80\"]\n",
            "    ports:\n      - 80\n      - target: 80\n        published: \"8080\"\n      - target: 81\n"
                    + "        published: 9000-9010\n",
            "    mem_limit: 512m\n    memswap_limit: -1\n    shm_size: 1.5GiB\n    mem_reservation: 1024 kb\n",
            "    mem_limit: 1073741824\n",
            "    stop_grace_period: 1m30s\n    healthcheck:\n      test: [CMD, \"true\"]\n      interval: 1.5s\n"
                    + "      timeout: 500ms\n      start_period: '0'\n      start_interval: 1d\n"})
    void whatDockerComposeReadsIsAccepted(String extra) {
        ComposeRenderer.Result r = render(web(extra));

        assertThat(r.problems()).filteredOn(Problem::isError).isEmpty();
        assertThat(r.ok()).isTrue();
    }
}
