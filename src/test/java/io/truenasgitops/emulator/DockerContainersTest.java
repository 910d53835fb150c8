package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pure parts of the Docker backend: container states and workloads from {@code docker inspect}, v1 ports, image
 * references as docker-py splits them, docker-py's {@code APIError} text.
 */
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

    @Test
    void imageReferencesSplitAsDockerPyDoesAndOnlyLoopbackRegistriesAreReached() {
        assertThat(DockerContainers.ImageReference.parse("nginx"))
                .isEqualTo(new DockerContainers.ImageReference("nginx", "latest", "docker.io"));
        assertThat(DockerContainers.ImageReference.parse("127.0.0.1:5000/web:2"))
                .isEqualTo(new DockerContainers.ImageReference("127.0.0.1:5000/web", "2", "127.0.0.1:5000"));
        assertThat(DockerContainers.ImageReference.parse("localhost:5000/a/b"))
                .isEqualTo(new DockerContainers.ImageReference("localhost:5000/a/b", "latest", "localhost:5000"));
        assertThat(DockerContainers.ImageReference.parse("ghcr.io/org/app@sha256:ab").tag()).isEqualTo("sha256:ab");
        assertThat(DockerContainers.ImageReference.parse("127.0.0.1:5000/web:2").onLoopback()).isTrue();
        assertThat(DockerContainers.ImageReference.parse("localhost/web").onLoopback()).isTrue();
        assertThat(DockerContainers.ImageReference.parse("[::1]:5000/web").onLoopback()).isTrue();
        assertThat(DockerContainers.ImageReference.parse("nginx:1.27").onLoopback()).isFalse();
        assertThat(DockerContainers.ImageReference.parse("127.0.0.1.example.com/web").onLoopback()).isFalse();
        assertThat(DockerContainers.ImageReference.parse("ghcr.io/org/app:1").onLoopback()).isFalse();
    }

    @Test
    void aRefusedPullReadsAsDockerPysApiError() {
        String url = "http+docker://localhost/v1.41/images/create?tag=2&fromImage=127.0.0.1%3A5000%2Fweb";
        assertThat(DockerContainers.apiError(new EngineApi.Response(404, "Not Found",
                "{\"message\":\"manifest for 127.0.0.1:5000/web:2 not found: manifest unknown: manifest unknown\"}"), url))
                .isEqualTo("404 Client Error for " + url + ": Not Found (\"manifest for 127.0.0.1:5000/web:2 not found:"
                        + " manifest unknown: manifest unknown\")");
        assertThat(DockerContainers.apiError(new EngineApi.Response(500, "Internal Server Error", "boom\n"), url))
                .isEqualTo("500 Server Error for " + url + ": Internal Server Error (\"boom\")");
    }
}
