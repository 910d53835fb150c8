package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every fault of the control API, seen from a client on the wire. */
class FaultsIT {
    static TrueNasEmulator emulator;
    static final Map<String, Object> COMPOSE = Map.of("services", Map.of("web", Map.of("image", "nginx:1.27")));

    @BeforeAll
    static void start() {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withDeployDelay(Duration.ofMillis(150)));
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
    }

    static WireClient client() {
        WireClient c = WireClient.connect(emulator, emulator.url());
        c.loginRpc(emulator);
        c.subscribeRpc("core.get_jobs", "app.query");
        return c;
    }

    static Map<String, Object> create(String name) {
        return Map.of("app_name", name, "custom_app", true, "custom_compose_config", COMPOSE);
    }

    @Test
    void droppedConnectionLeavesTheJobRunningToTheEnd() {
        emulator.faults().dropConnectionDuringNextJob("app.create");
        try (WireClient c = client()) {
            c.request("app.create", create("web"));
            c.awaitDrop();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> "RUNNING".equals(emulator.apps().state("web")));
        try (WireClient c = client()) {
            JsonNode job = c.result("core.get_jobs", List.of(List.of("method", "=", "app.create")), Map.of("get", true));
            assertThat(job.get("state").asText()).isEqualTo("SUCCESS");
        }
    }

    @Test
    void failNextJobFailsItWithTheGivenCallError() {
        try (WireClient c = client()) {
            c.awaitJobEnd(c.result("app.create", create("web")).asLong());
            emulator.faults().failNextJobWithComposeError("app.update", "web");
            JsonNode failed = c.awaitJobEnd(c.result("app.update", "web", Map.of("custom_compose_config", COMPOSE)).asLong());
            assertThat(failed.get("state").asText()).isEqualTo("FAILED");
            assertThat(failed.get("error").asText()).isEqualTo(
                    "[EFAULT] Failed 'up' action for 'web' app. Please check /var/log/app_lifecycle.log for more details");
            assertThat(failed.at("/exc_info/type").asText()).isEqualTo("CallError");
            assertThat(failed.at("/exc_info/errno").asInt()).isEqualTo(14);
            assertThat(emulator.apps().state("web")).isEqualTo("STOPPED");
            JsonNode next = c.awaitJobEnd(c.result("app.update", "web", Map.of("custom_compose_config", COMPOSE)).asLong());
            assertThat(next.get("state").asText()).isEqualTo("SUCCESS");

            emulator.faults().failNextJobWithComposeError("app.create", null);
            JsonNode create = c.awaitJobEnd(c.result("app.create", create("other")).asLong());
            assertThat(create.get("error").asText()).contains("Failed 'up' action for 'other' app");
            assertThat(emulator.apps().get("other")).isEmpty();
        }
    }

    @Test
    void latencySlowsOnlyTheChosenMethod() {
        emulator.faults().latency("app.query", Duration.ofMillis(800));
        try (WireClient c = client()) {
            int slow = c.request("app.query");
            int fast = c.request("core.ping");
            JsonNode first = c.await(m -> m.has("result") || m.has("error"));
            assertThat(first.get("id").asInt()).isEqualTo(fast);
            assertThat(c.await(m -> m.path("id").asInt() == slow).has("result")).isTrue();
        }
    }

    @Test
    void crashAndCrashLoop() {
        try (WireClient c = client()) {
            c.awaitJobEnd(c.result("app.create", create("web")).asLong());
            await().atMost(Duration.ofSeconds(10)).until(() -> "RUNNING".equals(emulator.apps().state("web")));
            emulator.apps().crash("web");
            JsonNode entry = c.result("app.get_instance", "web");
            assertThat(entry.get("state").asText()).isEqualTo("CRASHED");
            assertThat(entry.at("/active_workloads/container_details/0/state").asText()).isEqualTo("crashed");

            emulator.faults().crashAfterEveryStart("web", true);
            c.awaitJobEnd(c.result("app.start", "web").asLong());
            await().atMost(Duration.ofSeconds(10)).until(() -> "CRASHED".equals(emulator.apps().state("web")));
            emulator.faults().crashAfterEveryStart("web", false);
            c.awaitJobEnd(c.result("app.start", "web").asLong());
            await().atMost(Duration.ofSeconds(10)).until(() -> "RUNNING".equals(emulator.apps().state("web")));
        }
    }

    @Test
    void middlewareRestartDropsConnectionsForgetsJobsAndKeepsApps() {
        try (WireClient c = client()) {
            c.awaitJobEnd(c.result("app.create", create("web")).asLong());
            c.awaitJobEnd(c.result("app.stop", "web").asLong());
            emulator.restartMiddleware();
            c.awaitDrop();
        }
        try (WireClient c = client()) {
            assertThat(c.result("core.get_jobs").size()).isZero();
            assertThat(c.result("app.query").get(0).get("name").asText()).isEqualTo("web");
            assertThat(c.result("app.start", "web").asLong()).isEqualTo(1);
        }
    }

    @Test
    void idleConnectionsAreDroppedWhenTheServerSentNothing() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        emulator.faults().idleClock(now::get).idleTimeout(Duration.ofSeconds(60));
        try (WireClient quiet = client(); WireClient busy = client()) {
            now.addAndGet(Duration.ofSeconds(40).toNanos());
            busy.result("core.ping");
            // quiet has heard nothing for 80 s, busy for 40 s: only quiet is past nginx's 60 s
            now.addAndGet(Duration.ofSeconds(40).toNanos());
            quiet.awaitDrop();
            assertThat(busy.isClosed()).isFalse();
            assertThat(busy.result("core.ping").asText()).isEqualTo("pong");
        }
    }

    @Test
    void dockerDownEmptiesQueriesAndFailsAppJobs() {
        try (WireClient c = client()) {
            c.awaitJobEnd(c.result("app.create", create("web")).asLong());
            emulator.faults().dockerRunning(false);
            assertThat(c.result("app.query").size()).isZero();
            assertThat(c.result("docker.status").get("status").asText()).isEqualTo("STOPPED");
            JsonNode failed = c.awaitJobEnd(c.result("app.create", create("other")).asLong());
            assertThat(failed.get("error").asText()).isEqualTo("[EFAULT] Docker service is not running");
            // app.update/delete/start/stop look the app up first (get_instance), and the query is empty
            JsonNode update = c.awaitJobEnd(c.result("app.update", "web", Map.of("custom_compose_config", COMPOSE)).asLong());
            assertThat(update.get("error").asText()).isEqualTo("[ENOENT] None: App web does not exist");
            JsonNode delete = c.awaitJobEnd(c.result("app.delete", "web").asLong());
            assertThat(delete.get("error").asText()).isEqualTo("[ENOENT] None: App web does not exist");
            emulator.faults().dockerRunning(true);
            assertThat(c.result("app.query").size()).isEqualTo(1);
            assertThat(c.result("docker.status").get("status").asText()).isEqualTo("RUNNING");
            assertThat(c.result("docker.status").get("description").asText()).isEqualTo("Application(s) are currently running");
        }
    }

    @Test
    void everyDockerStateButRunningHidesTheAppsAndAnUnconfiguredOneHasNoPool() {
        try (WireClient c = client()) {
            c.awaitJobEnd(c.result("app.create", create("web")).asLong());
            for (DockerState state : DockerState.values()) {
                emulator.faults().dockerState(state);
                JsonNode status = c.result("docker.status");
                assertThat(status.get("status").asText()).isEqualTo(state.name());
                assertThat(status.get("description").asText()).isEqualTo(state.description());
                assertThat(c.result("app.query").size()).as(state.name()).isEqualTo(state == DockerState.RUNNING ? 1 : 0);
            }
            emulator.faults().dockerState(DockerState.UNCONFIGURED);
            assertThat(c.result("docker.config").get("pool").isNull()).isTrue();
            JsonNode failed = c.awaitJobEnd(c.result("app.create", create("other")).asLong());
            assertThat(failed.get("error").asText()).isEqualTo("[EFAULT] No pool configured for Docker");

            emulator.faults().dockerState(DockerState.FAILED, "'tank/ix-apps' dataset is not mounted on '/mnt/.ix-apps'");
            assertThat(c.result("docker.status").get("description").asText()).isEqualTo(
                    "Application(s) have failed to start:\n'tank/ix-apps' dataset is not mounted on '/mnt/.ix-apps'");
            emulator.faults().clear();
            assertThat(c.result("docker.status").get("status").asText()).isEqualTo("RUNNING");
            assertThat(c.result("docker.config").get("pool").asText()).isEqualTo("tank");
        }
    }
}
