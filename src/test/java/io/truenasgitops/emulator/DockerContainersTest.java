package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of the Docker backend: container states and workloads from {@code docker inspect}, v1 ports. */
class DockerContainersTest {

    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void containerStatesFollowIxAppsQuery() throws Exception {
        assertThat(DockerContainers.state(json("{\"Status\":\"running\",\"ExitCode\":0}"))).isEqualTo("running");
        assertThat(DockerContainers.state(json("{\"Status\":\"running\",\"Health\":{\"Status\":\"starting\"}}")))
                .isEqualTo("starting");
        assertThat(DockerContainers.state(json("{\"Status\":\"running\",\"Health\":{\"Status\":\"healthy\"}}")))
                .isEqualTo("running");
        assertThat(DockerContainers.state(json("{\"Status\":\"created\"}"))).isEqualTo("created");
        assertThat(DockerContainers.state(json("{\"Status\":\"exited\",\"ExitCode\":3}"))).isEqualTo("crashed");
        assertThat(DockerContainers.state(json("{\"Status\":\"exited\",\"ExitCode\":0}"))).isEqualTo("exited");
        // A restart-policy loop between two runs is "exited" there, whatever its last exit code.
        assertThat(DockerContainers.state(json("{\"Status\":\"restarting\",\"ExitCode\":1}"))).isEqualTo("exited");
    }

    @Test
    void anInspectedContainerGivesItsServicePublishedPortsAndMounts() throws Exception {
        AppRecord.ContainerRecord c = DockerContainers.container(json("""
                {"Id":"abc123","Config":{"Image":"img:1","Labels":{"com.docker.compose.project":"ix-web",
                 "com.docker.compose.service":"web"}},
                 "State":{"Status":"running","ExitCode":0},
                 "NetworkSettings":{"Ports":{"8080/tcp":[{"HostIp":"127.0.0.1","HostPort":"18080"}],"9000/udp":null}},
                 "Mounts":[{"Type":"volume","Source":"/var/lib/docker/volumes/ix-web_data/_data","Destination":"/data","Mode":"z"},
                           {"Type":"bind","Source":"/srv","Destination":"/srv","Mode":"ro"}]}
                """));
        assertThat(c.id).isEqualTo("abc123");
        assertThat(c.service).isEqualTo("web");
        assertThat(c.image).isEqualTo("img:1");
        assertThat(c.state).isEqualTo("running");
        assertThat(c.ports).hasSize(1);
        assertThat(c.ports.get(0).toString())
                .isEqualTo("{\"container_port\":8080,\"protocol\":\"tcp\",\"host_ports\":[{\"host_port\":18080,\"host_ip\":\"127.0.0.1\"}]}");
        assertThat(c.mounts).extracting(m -> m.get("type").asText()).containsExactly("volume", "bind");
        assertThat(c.mounts.get(0).get("destination").asText()).isEqualTo("/data");
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeV1GetsTheShortSyntaxForPortsWithAHostIpAndEverythingElseAsStored() {
        Map<String, Object> stored = Map.of("services", Map.of("web", Map.of("image", "img",
                "ports", List.of(
                        Map.of("host_ip", "127.0.0.1", "published", 18080, "target", 8080, "protocol", "tcp"),
                        Map.of("host_ip", "::1", "published", "53", "target", 53, "protocol", "udp"),
                        Map.of("published", 9000, "target", 9000),
                        "8443:443"))),
                "x-truenas-gitops", Map.of("hash", "h"));

        Map<String, Object> v1 = DockerContainers.forComposeV1(stored);

        Map<String, Object> web = (Map<String, Object>) ((Map<String, Object>) v1.get("services")).get("web");
        assertThat((List<Object>) web.get("ports")).containsExactly("127.0.0.1:18080:8080/tcp", "[::1]:53:53/udp",
                Map.of("published", 9000, "target", 9000), "8443:443");
        assertThat(v1.get("x-truenas-gitops")).isEqualTo(Map.of("hash", "h"));
        assertThat(web.get("image")).isEqualTo("img");
    }
}
