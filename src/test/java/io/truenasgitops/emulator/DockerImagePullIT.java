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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code app.image.pull} with {@code --docker} goes through the real engine, over the wire: an image the engine has
 * is pulled, one from a registry on 127.0.0.1 is downloaded with the middleware's progress, and a tag the registry
 * lacks fails with the middleware's {@code Failed to pull '<image>' image: <str(APIError)>} and the engine's own
 * words. Skipped without a Docker Engine ({@code DOCKER_HOST}), failed instead under {@code CI=true}.
 */
class DockerImagePullIT {

    static final String SUFFIX = HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(),
            (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
    static final String LOCAL = "tge2e-pull-" + SUFFIX + ":1";

    @TempDir
    Path tmp;

    TrueNasEmulator nas;
    WireClient c;
    LoopbackRegistry registry;
    String pushed;

    @BeforeEach
    void start() {
        DockerTestEngine.requireEngine();
        nas = TrueNasEmulator.start(EmulatorOptions.defaults().withDocker(new DockerOptions(null, tmp.resolve("ix-apps"))));
        // The JVM's first TLS handshake can outlast the client's 10 s on a loaded machine: a new connection then.
        c = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> WireClient.connect(nas, nas.url()), java.util.Objects::nonNull);
        c.loginRpc(nas);
        c.subscribeRpc("core.get_jobs");
    }

    @AfterEach
    void stop() {
        if (nas == null) {
            return; // skipped: no engine
        }
        try {
            if (c != null) {
                c.close();
            }
            nas.close();
        } finally {
            if (registry != null) {
                registry.close();
            }
            DockerTestEngine.run(List.of("docker", "image", "rm", "-f", LOCAL), null);
            if (pushed != null) {
                DockerTestEngine.run(List.of("docker", "image", "rm", "-f", pushed), null);
            }
        }
    }

    JsonNode pull(String image) {
        long id = c.result("app.image.pull", Map.of("image", image)).asLong();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = c.result("core.get_jobs", List.of(List.of("id", "=", id))).get(0);
            return List.of("SUCCESS", "FAILED").contains(last[0].get("state").asText());
        });
        return last[0];
    }

    /** The (percent, description) steps of a job's CHANGED events, in order. */
    List<String> progressOf(long id) {
        return c.all(m -> WireClient.isJobEvent(m, id)).stream()
                .map(m -> WireClient.params(m).path("fields").path("progress"))
                .filter(p -> p.path("description").isTextual())
                .map(p -> p.path("percent").asInt() + " " + p.path("description").asText())
                .distinct().toList();
    }

    @Test
    void anImageTheEngineHasIsPulledWithoutAskingAnyRegistry() throws Exception {
        DockerTestEngine.buildBusyboxImage(LOCAL, Files.createDirectories(tmp.resolve("image")));

        JsonNode job = pull(LOCAL);

        assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("SUCCESS");
        assertThat(job.at("/progress/percent").asInt()).isEqualTo(100);
        assertThat(job.at("/progress/description").asText()).isEqualTo("'" + LOCAL + "' image pulled successfully");
    }

    @Test
    void anImageTheEngineLacksFromARegistryOffLoopbackFailsAsAnUnknownTagWithoutAPull() {
        String image = "tge2e-never-built-" + SUFFIX + ":2";

        JsonNode job = pull(image);

        assertThat(job.get("state").asText()).isEqualTo("FAILED");
        assertThat(job.get("error").asText()).isEqualTo("[EFAULT] Failed to pull '" + image + "' image: 404 Client"
                + " Error for http+docker://localhost/v" + apiVersion() + "/images/create?tag=2&fromImage=tge2e-never-built-"
                + SUFFIX + ": Not Found (\"manifest for " + image + " not found: manifest unknown: manifest unknown\")");
        assertThat(DockerTestEngine.run(List.of("docker", "image", "inspect", image), null).exit()).isNotZero();
    }

    @Test
    void anImageOnALoopbackRegistryIsDownloadedWithTheMiddlewaresProgress() throws Exception {
        registry = LoopbackRegistry.start(tmp.resolve("registry"));
        pushed = registry.reference("tge2e-pull-" + SUFFIX, "1");
        DockerTestEngine.buildBusyboxImage(pushed, Files.createDirectories(tmp.resolve("image")));
        registry.push(pushed);
        assertThat(DockerTestEngine.run(List.of("docker", "image", "inspect", pushed), null).exit()).isNotZero();

        long id = c.result("app.image.pull", Map.of("image", pushed)).asLong();
        JsonNode end = c.awaitJobEnd(id);

        assertThat(end.get("state").asText()).as(end.toString()).isEqualTo("SUCCESS");
        assertThat(DockerTestEngine.run(List.of("docker", "image", "inspect", pushed), null).exit()).isZero();
        List<String> steps = progressOf(id);
        // the engine reports a layer's download in as many steps as it likes (the last one need not be at its
        // total), so the middleware's "Pulling image" percent (downloaded / total x 90) rises to at most 90
        assertThat(steps).anySatisfy(step -> assertThat(step).matches("([1-9]|[1-8][0-9]|90) Pulling image"))
                .contains("95 Image downloaded, doing post processing", "100 '" + pushed + "' image pulled successfully");
        assertThat(steps.stream().map(step -> Integer.parseInt(step.substring(0, step.indexOf(' ')))).toList())
                .isSorted();
        assertThat(steps.get(steps.size() - 1)).isEqualTo("100 '" + pushed + "' image pulled successfully");
    }

    @Test
    void aTagTheLoopbackRegistryLacksFailsWithTheRegistrysOwnWords() throws Exception {
        registry = LoopbackRegistry.start(tmp.resolve("registry"));
        String missing = registry.reference("tge2e-pull-" + SUFFIX, "missing");

        JsonNode job = pull(missing);

        assertThat(job.get("state").asText()).isEqualTo("FAILED");
        assertThat(job.get("error").asText()).isEqualTo("[EFAULT] Failed to pull '" + missing + "' image: 404 Client"
                + " Error for http+docker://localhost/v" + apiVersion() + "/images/create?tag=missing&fromImage=127.0.0.1%3A"
                + registry.host().substring("127.0.0.1:".length()) + "%2Ftge2e-pull-" + SUFFIX + ": Not Found (\"manifest"
                + " for " + missing + " not found: manifest unknown: manifest unknown\")");
    }

    @Test
    void aPullTheControlApiFailsStillFailsOnTheEngine() throws Exception {
        DockerTestEngine.buildBusyboxImage(LOCAL, Files.createDirectories(tmp.resolve("image")));
        nas.registryImages().failPulls(LOCAL, RegistryImages.PullFailure.RATE_LIMITED);

        JsonNode job = pull(LOCAL);

        assertThat(job.get("state").asText()).isEqualTo("FAILED");
        assertThat(job.get("error").asText()).contains("toomanyrequests");
    }

    static String apiVersion() {
        return DockerTestEngine.docker("version", "--format", "{{.Server.APIVersion}}").strip();
    }
}
