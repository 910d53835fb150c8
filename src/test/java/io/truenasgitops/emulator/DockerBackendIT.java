package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator's Docker backend over the wire, call by call, as middlewared runs custom apps: stop is a compose
 * down, start an up, delete takes the named volumes, log follow streams {@code docker logs}. Skipped without a
 * Docker Engine ({@code DOCKER_HOST}), failed instead under {@code CI=true}.
 */
class DockerBackendIT {

    static final String SUFFIX = HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(),
            (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
    static final String IMAGE = "tge2e-backend-" + SUFFIX + ":1";
    static final String APP = "tge2e-app-" + SUFFIX;
    static final String PROJECT = "ix-" + APP;
    static Path imageDir;

    @TempDir
    Path tmp;

    TrueNasEmulator nas;
    WireClient c;

    @BeforeAll
    static void buildImage() throws Exception {
        if (DockerTestEngine.unavailableReason() != null) {
            return; // every test is skipped (or failed under CI=true) by requireEngine(), with the reason
        }
        imageDir = Files.createTempDirectory("tge2e-image");
        DockerTestEngine.buildBusyboxImage(IMAGE, imageDir);
    }

    @AfterAll
    static void removeImage() throws Exception {
        if (imageDir != null) {
            DockerTestEngine.removeProjectsAndImage(List.of(), IMAGE);
            Files.deleteIfExists(imageDir);
        }
    }

    @BeforeEach
    void start() {
        DockerTestEngine.requireEngine();
        nas = TrueNasEmulator.start(EmulatorOptions.defaults().withDocker(new DockerOptions(null, tmp.resolve("ix-apps"))));
        c = WireClient.connect(nas, nas.url());
        c.loginRpc(nas);
    }

    @AfterEach
    void stop() {
        if (nas == null) {
            return; // skipped: no engine
        }
        try {
            c.close();
            nas.close();
        } finally {
            DockerTestEngine.removeProjectsAndImage(List.of(PROJECT), null);
            DockerTestEngine.run(List.of("docker", "volume", "rm", PROJECT + "_data"), null);
        }
    }

    static Map<String, Object> compose(String command) {
        return Map.of("services", Map.of("app", Map.of("image", IMAGE,
                "command", List.of("/bin/sh", "-c", command),
                "volumes", List.of("data:/data"))), "volumes", Map.of("data", Map.of()));
    }

    static final String SERVE = "echo up and serving; trap 'exit 0' TERM; /bin/busybox httpd -f -p 8080 -h /www & wait";

    /** Waits (real containers take seconds) until the job ends; returns its final state. */
    JsonNode job(long id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = c.result("core.get_jobs", List.of(List.of("id", "=", id))).get(0);
            return List.of("SUCCESS", "FAILED").contains(last[0].get("state").asText());
        });
        return last[0];
    }

    JsonNode create(String command) {
        long id = c.result("app.create", Map.of("app_name", APP, "custom_app", true,
                "custom_compose_config", compose(command))).asLong();
        return job(id);
    }

    JsonNode instance() {
        return c.result("app.get_instance", APP);
    }

    @Test
    void stopIsAComposeDownAndStartBringsNewContainersUp() {
        assertThat(create(SERVE).get("state").asText()).isEqualTo("SUCCESS");
        List<String> first = DockerTestEngine.containersOf(PROJECT);
        assertThat(first).hasSize(1);
        JsonNode running = instance();
        assertThat(running.get("state").asText()).isEqualTo("RUNNING");
        assertThat(running.at("/active_workloads/container_details/0/id").asText()).isEqualTo(first.get(0));
        assertThat(running.at("/active_workloads/images/0").asText()).isEqualTo(IMAGE);
        assertThat(running.at("/active_workloads/volumes/0/destination").asText()).isEqualTo("/data");

        assertThat(job(c.result("app.stop", APP).asLong()).get("state").asText()).isEqualTo("SUCCESS");
        assertThat(DockerTestEngine.containersOf(PROJECT)).isEmpty();
        JsonNode stopped = instance();
        assertThat(stopped.get("state").asText()).isEqualTo("STOPPED");
        assertThat(stopped.at("/active_workloads/containers").asInt()).isZero();
        assertThat(DockerTestEngine.docker("volume", "ls", "-q")).as("stop keeps the volumes").contains(PROJECT + "_data");

        assertThat(job(c.result("app.start", APP).asLong()).get("state").asText()).isEqualTo("SUCCESS");
        assertThat(DockerTestEngine.containersOf(PROJECT)).hasSize(1).doesNotContainAnyElementsOf(first);
        assertThat(instance().get("state").asText()).isEqualTo("RUNNING");
    }

    @Test
    void logFollowStreamsTheContainersOutputAndEndsWhenItStops() {
        create("echo first line; echo second line; " + SERVE);
        String container = DockerTestEngine.containersOf(PROJECT).get(0);
        String name = LogFollowIT.follow(APP, container, null);
        c.result("core.subscribe", name);

        JsonNode line = c.await(m -> LogFollowIT.isUpdate(m, name));
        assertThat(line.at("/params/fields/data").asText()).isEqualTo("first line\n");
        assertThat(line.at("/params/fields/timestamp").asText())
                .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");
        assertThat(c.await(m -> LogFollowIT.isUpdate(m, name)).at("/params/fields/data").asText()).isEqualTo("second line\n");

        c.result("app.stop", APP);
        JsonNode end = c.await(m -> "notify_unsubscribed".equals(m.path("method").asText()));
        assertThat(end.at("/params/collection").asText()).isEqualTo(name);
        assertThat(end.at("/params/error").isNull()).isTrue();
    }

    @Test
    void deleteRemovesTheProjectItsVolumesAndTheAppFolderButKeepsImagesWhenAsked() {
        create(SERVE);
        Path appDir = tmp.resolve("ix-apps/app_configs/" + APP);
        assertThat(appDir.resolve("versions/1.0.0/templates/rendered/docker-compose.yaml")).exists();

        long id = c.result("app.delete", APP, Map.of("remove_images", false)).asLong();

        assertThat(job(id).get("state").asText()).isEqualTo("SUCCESS");
        assertThat(DockerTestEngine.containersOf(PROJECT)).isEmpty();
        assertThat(DockerTestEngine.docker("volume", "ls", "-q")).doesNotContain(PROJECT + "_data");
        assertThat(appDir).doesNotExist();
        assertThat(DockerTestEngine.run(List.of("docker", "image", "inspect", IMAGE), null).exit()).isZero();
        assertThat(c.result("app.query").size()).isZero();
    }

    @Test
    void aContainerThatExitsWithAnErrorMakesTheAppCrashed() {
        create("echo giving up; exit 7");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(instance().get("state").asText()).isEqualTo("CRASHED"));
        assertThat(instance().at("/active_workloads/container_details/0/state").asText()).isEqualTo("crashed");
        assertThat(nas.apps().state(APP)).isEqualTo("CRASHED");
    }
}
