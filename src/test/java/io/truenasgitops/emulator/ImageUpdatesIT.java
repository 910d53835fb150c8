package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code image_updates_available}, {@code app.outdated_docker_images} and {@code app.pull_images} as
 * {@code ix_apps/query.py}, {@code pull_images.py} and {@code app.image.op} have them in every emulated release.
 */
class ImageUpdatesIT {

    static final Map<String, Object> TWO_IMAGES = Map.of("services", Map.of(
            "web", Map.of("image", "nginx:1.25"),
            "db", Map.of("image", "docker.io/library/postgres:16")));
    static final Map<String, Object> PINNED = Map.of("services", Map.of(
            "web", Map.of("image", "nginx:1.25@sha256:" + "a".repeat(64))));

    TrueNasEmulator emulator;
    WireClient c;

    void start(Release release) {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withRelease(release)
                .withDeployDelay(Duration.ofMillis(50)));
        c = WireClient.connect(emulator, release.jsonRpc() ? emulator.url() : emulator.legacyUrl());
        if (release.jsonRpc()) {
            c.loginRpc(emulator);
        } else {
            c.legacyConnect();
            assertThat(c.legacyCall("auth.login_with_api_key", emulator.apiKey()).path("result").asBoolean()).isTrue();
        }
    }

    @AfterEach
    void stop() {
        if (c != null) {
            c.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    JsonNode call(Release release, String method, Object... params) {
        JsonNode response = release.jsonRpc() ? c.call(method, params) : c.legacyCall(method, params);
        assertThat(response.has("error")).as("%s answered %s", method, response).isFalse();
        return response.get("result");
    }

    JsonNode app(Release release, String name) {
        return call(release, "app.query", List.of(List.of("name", "=", name))).get(0);
    }

    @ParameterizedTest
    @EnumSource(Release.class)
    void theFlagAppearsOnlyOnceTheControlMarksAnImageAndMakesACustomAppUpgradable(Release release) {
        start(release);
        emulator.apps().put("web", TWO_IMAGES, "RUNNING");
        assertThat(app(release, "web").path("image_updates_available").asBoolean()).isFalse();
        assertThat(app(release, "web").path("upgrade_available").asBoolean()).isFalse();

        assertThat(emulator.imageUpdates().markUpdated("postgres:16")).isTrue();

        JsonNode web = app(release, "web");
        assertThat(web.path("image_updates_available").asBoolean()).isTrue();
        assertThat(web.path("upgrade_available").asBoolean()).as("a custom app with image updates").isTrue();
        assertThat(call(release, "app.outdated_docker_images", "web")).extracting(JsonNode::asText)
                .containsExactly("docker.io/library/postgres:16");
        assertThat(call(release, "app.get_instance", "web").path("image_updates_available").asBoolean()).isTrue();
        assertThat(call(release, "app.query", List.of(List.of("image_updates_available", "=", true)),
                Map.of("select", List.of("name")))).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Release.class)
    void aDigestReferenceIsNeverReportedAndAStoppedAppReportsNothing(Release release) {
        start(release);
        emulator.apps().put("pinned", PINNED, "RUNNING");
        emulator.apps().put("idle", TWO_IMAGES, "STOPPED");

        assertThat(emulator.imageUpdates().markUpdated("nginx:1.25@sha256:" + "a".repeat(64))).isFalse();
        assertThat(emulator.imageUpdates().markAppUpdated("pinned")).isEmpty();
        emulator.imageUpdates().markUpdated("nginx:1.25");

        assertThat(app(release, "pinned").path("image_updates_available").asBoolean()).isFalse();
        assertThat(app(release, "idle").path("image_updates_available").asBoolean()).isFalse();
        assertThat(call(release, "app.outdated_docker_images", "idle")).isEmpty();
        assertThatThrownBy(() -> emulator.imageUpdates().markAppUpdated("idle"))
                .hasMessageContaining("app 'idle' runs no container");
    }

    @ParameterizedTest
    @EnumSource(Release.class)
    void pullImagesIsAJobThatClearsTheFlagThenRedeploysWithTheRealProgress(Release release) {
        start(release);
        emulator.apps().put("web", TWO_IMAGES, "RUNNING");
        assertThat(emulator.imageUpdates().markAppUpdated("web")).containsExactlyInAnyOrder("nginx:1.25",
                "docker.io/library/postgres:16");
        String before = emulator.apps().get("web").orElseThrow().containerIds().get(0);
        int writes = emulator.calls().writes();

        long id = call(release, "app.pull_images", "web", Map.of("redeploy", true)).asLong();
        JsonNode job = awaitJob(release, id);

        assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("SUCCESS");
        assertThat(job.at("/progress/description").asText()).isEqualTo("App redeployed successfully");
        assertThat(app(release, "web").path("image_updates_available").asBoolean()).isFalse();
        assertThat(emulator.apps().get("web").orElseThrow().containerIds()).doesNotContain(before);
        assertThat(emulator.calls().count("app.pull_images")).isEqualTo(1);
        assertThat(emulator.calls().writes()).isEqualTo(writes + 1);
    }

    @ParameterizedTest
    @EnumSource(value = Release.class, names = {"V25_04", "V25_10"})
    void pullImagesWithoutRedeployKeepsTheContainersAndRejectsUnknownOptions(Release release) {
        start(release);
        emulator.apps().put("web", TWO_IMAGES, "RUNNING");
        emulator.imageUpdates().markAppUpdated("web");
        List<String> before = emulator.apps().get("web").orElseThrow().containerIds();

        JsonNode job = awaitJob(release, call(release, "app.pull_images", "web", Map.of("redeploy", false)).asLong());
        assertThat(job.path("state").asText()).isEqualTo("SUCCESS");
        assertThat(job.at("/progress/description").asText()).isEqualTo("Images pulled successfully");
        assertThat(emulator.apps().get("web").orElseThrow().containerIds()).isEqualTo(before);
        assertThat(app(release, "web").path("image_updates_available").asBoolean()).isFalse();

        JsonNode bad = awaitJob(release, call(release, "app.pull_images", "web", Map.of("pull", true)).asLong());
        assertThat(bad.at("/exc_info/extra").toString())
                .isEqualTo("[[\"options.pull\",\"Extra inputs are not permitted\",22]]");
    }

    @ParameterizedTest
    @EnumSource(value = Release.class, names = "V25_04")
    void aFailedPullKeepsTheFlagAndResetForgetsIt(Release release) {
        start(release);
        emulator.apps().put("web", TWO_IMAGES, "RUNNING");
        emulator.imageUpdates().markUpdated("nginx:1.25");
        emulator.faults().failNextJobWithComposeError("app.pull_images", "web");

        JsonNode job = awaitJob(release, call(release, "app.pull_images", "web").asLong());
        assertThat(job.path("state").asText()).isEqualTo("FAILED");
        assertThat(app(release, "web").path("image_updates_available").asBoolean()).isTrue();

        emulator.reset();
        assertThat(emulator.imageUpdates().isOutdated("nginx:1.25")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Release.class, names = "V25_04")
    void referencesAreComparedAsTheNasNormalisesThem(Release release) {
        List<String> same = new ArrayList<>();
        for (String ref : List.of("nginx", "nginx:latest", "docker.io/nginx:latest", "library/nginx",
                "registry-1.docker.io/library/nginx:latest")) {
            same.add(ImageUpdates.completeTag(ref));
        }
        assertThat(same).containsOnly("registry-1.docker.io/library/nginx:latest");
        assertThat(ImageUpdates.completeTag("ghcr.io/home-assistant/home-assistant:2024.6"))
                .isEqualTo("ghcr.io/home-assistant/home-assistant:2024.6");
        assertThat(ImageUpdates.completeTag("localhost:5000/app")).isEqualTo("localhost:5000/library/app:latest");
        assertThat(ImageUpdates.completeTag("nginx:1.25@sha256:" + "b".repeat(64)))
                .isEqualTo("registry-1.docker.io/library/nginx@sha256:" + "b".repeat(64));
    }

    JsonNode awaitJob(Release release, long id) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> call(release, "core.get_jobs", List.of(List.of("id", "=", id))).get(0),
                        j -> j.path("state").asText().matches("SUCCESS|FAILED|ABORTED"));
    }
}
