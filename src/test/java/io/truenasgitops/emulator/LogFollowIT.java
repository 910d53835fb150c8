package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code app.container_log_follow:{...}} event sources over both protocols. */
class LogFollowIT {
    static TrueNasEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withDeployDelay(Duration.ZERO)
                .withLogLineInterval(Duration.ofMillis(50)));
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
        emulator.apps().put("web", Map.of("services", Map.of("web", Map.of("image", "nginx"))), "RUNNING");
    }

    static String follow(String app, String container, Object tail) {
        return "app.container_log_follow:" + WireClient.JSON.valueToTree(
                tail == null ? Map.of("app_name", app, "container_id", container)
                        : Map.of("app_name", app, "container_id", container, "tail_lines", tail));
    }

    static boolean isUpdate(JsonNode m, String collection) {
        return "collection_update".equals(m.path("method").asText())
                && collection.equals(m.at("/params/collection").asText());
    }

    @Test
    void linesArriveUntilTheAppStopsThenTheSubscriptionEnds() {
        String container = emulator.apps().get("web").orElseThrow().containerIds().get(0);
        String name = follow("web", container, 2);
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            c.loginRpc(emulator);
            c.result("core.subscribe", name);
            JsonNode first = c.await(m -> isUpdate(m, name));
            assertThat(first.at("/params/msg").asText()).isEqualTo("added");
            assertThat(first.at("/params").has("id")).isFalse();
            assertThat(first.at("/params/fields/data").asText()).endsWith("\n");
            assertThat(first.at("/params/fields/timestamp").asText())
                    .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");
            c.await(m -> isUpdate(m, name));
            c.await(m -> isUpdate(m, name));
            emulator.apps().setState("web", "STOPPED");
            JsonNode end = c.await(m -> "notify_unsubscribed".equals(m.path("method").asText()));
            assertThat(end.get("params").toString()).isEqualTo("{\"collection\":\"" + name.replace("\"", "\\\"") + "\",\"error\":null}");
        }
    }

    @Test
    void followingAStoppedAppEndsWithAnErrorAfterTheSubscribeAnswer() {
        String container = emulator.apps().get("web").orElseThrow().containerIds().get(0);
        emulator.apps().setState("web", "STOPPED");
        String name = follow("web", container, null);
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            c.loginRpc(emulator);
            int id = c.request("core.subscribe", name);
            c.await(m -> m.path("id").asInt() == id);
            JsonNode end = c.await(m -> "notify_unsubscribed".equals(m.path("method").asText()));
            assertThat(end.at("/params/error/error").asInt()).isEqualTo(14);
            assertThat(end.at("/params/error/reason").asText()).isEqualTo("[EFAULT] Unable to retrieve logs of stopped 'web' app");
        }
    }

    @Test
    void unknownContainerEndsWithEnoent() {
        String name = follow("web", "f".repeat(64), 10);
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            c.loginRpc(emulator);
            c.result("core.subscribe", name);
            JsonNode end = c.await(m -> "notify_unsubscribed".equals(m.path("method").asText()));
            assertThat(end.at("/params/error/errname").asText()).isEqualTo("ENOENT");
            assertThat(end.at("/params/error/reason").asText())
                    .isEqualTo("[ENOENT] Container \"" + "f".repeat(64) + "\" not found in app \"web\"");
        }
    }

    @Test
    void badArgumentsAreReportedBeforeTheSubscribeAnswer() {
        String name = "app.container_log_follow:{\"app_name\":\"web\",\"tail_lines\":0}";
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            c.loginRpc(emulator);
            int id = c.request("core.subscribe", name);
            JsonNode first = c.await(m -> m.path("id").asInt() == id || "notify_unsubscribed".equals(m.path("method").asText()));
            assertThat(first.path("method").asText()).isEqualTo("notify_unsubscribed");
            assertThat(first.at("/params/collection").asText()).isEqualTo(name);
            assertThat(first.at("/params/error/error").asInt()).isEqualTo(22);
            assertThat(first.at("/params/error/extra").toString()).isEqualTo(
                    "[[\"app.container_log_follow.container_id\",\"Field required\",22],"
                            + "[\"app.container_log_follow.tail_lines\",\"Input should be greater than or equal to 1\",22]]");
        }
    }

    @Test
    void legacyFollowEndsWithNosub() {
        String container = emulator.apps().get("web").orElseThrow().containerIds().get(0);
        String name = follow("web", container, 1);
        try (WireClient c = WireClient.connect(emulator, emulator.legacyUrl())) {
            c.legacyConnect();
            c.legacyCall("auth.login_with_api_key", emulator.apiKey());
            c.sendText(WireClient.obj().put("msg", "sub").put("id", "logs").put("name", name).toString());
            c.await(m -> "ready".equals(m.path("msg").asText()));
            JsonNode line = c.await(m -> "added".equals(m.path("msg").asText()));
            assertThat(line.get("collection").asText()).isEqualTo(name);
            emulator.apps().crash("web");
            JsonNode nosub = c.await(m -> "nosub".equals(m.path("msg").asText()));
            assertThat(nosub.toString()).isEqualTo(WireClient.obj().put("msg", "nosub").put("collection", name).toString());
        }
        await().atMost(Duration.ofSeconds(1)).until(() -> true);
    }
}
