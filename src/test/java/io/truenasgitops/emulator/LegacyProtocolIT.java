package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The legacy DDP-style endpoint {@code /websocket} of a 25.04 box. */
class LegacyProtocolIT {
    static TrueNasEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
    }

    @Test
    void handshakeAnswersConnectedWithASessionAndRejectsOtherVersions() {
        try (WireClient c = WireClient.connect(emulator, emulator.legacyUrl())) {
            c.sendText("{\"msg\":\"method\",\"id\":\"1\",\"method\":\"core.ping\"}");
            assertThat(c.await(m -> true).toString()).isEqualTo("{\"msg\":\"failed\",\"version\":\"1\"}");
            c.sendText("{\"msg\":\"connect\",\"version\":\"2\",\"support\":[\"2\"]}");
            assertThat(c.await(m -> true).toString()).isEqualTo("{\"msg\":\"failed\",\"version\":\"1\"}");
            c.sendText("{\"msg\":\"connect\",\"version\":\"1\",\"support\":[\"1\"],\"features\":[]}");
            JsonNode connected = c.await(m -> true);
            assertThat(connected.get("msg").asText()).isEqualTo("connected");
            assertThat(connected.get("session").asText()).matches("[0-9a-f-]{36}");
        }
    }

    @Test
    void methodResultsAndErrorsHaveTheLegacyShape() {
        try (WireClient c = WireClient.connect(emulator, emulator.legacyUrl())) {
            c.legacyConnect();
            JsonNode unauth = c.legacyCall("app.query");
            assertThat(unauth.at("/error/error").asInt()).isEqualTo(207);
            assertThat(unauth.at("/error/errname").asText()).isEqualTo("ENOTAUTHENTICATED");
            assertThat(unauth.at("/error/type").isNull()).isTrue();
            assertThat(unauth.at("/error/reason").asText()).isEqualTo("[ENOTAUTHENTICATED] Not authenticated");
            assertThat(unauth.at("/error/trace/class").asText()).isEqualTo("CallError");

            JsonNode login = c.legacyCall("auth.login_with_api_key", emulator.apiKey());
            assertThat(login.toString()).isEqualTo("{\"id\":\"" + login.get("id").asText() + "\",\"msg\":\"result\",\"result\":true}");

            JsonNode missing = c.legacyCall("app.config", "foo");
            assertThat(missing.at("/error/error").asInt()).isEqualTo(2);
            assertThat(missing.at("/error/errname").asText()).isEqualTo("ENOENT");
            assertThat(missing.at("/error/type").asText()).isEqualTo("VALIDATION");
            assertThat(missing.at("/error/extra").toString()).isEqualTo("[[null,\"App foo does not exist\",2]]");

            JsonNode many = c.legacyCall("app.query", "not-a-list");
            assertThat(many.at("/error/error").asInt()).isEqualTo(11);
            assertThat(many.at("/error/errname").asText()).isEqualTo("EAGAIN");
            assertThat(many.at("/error/type").asText()).isEqualTo("VALIDATION");
            assertThat(many.at("/error/extra/0/0").asText()).isEqualTo("filters");

            JsonNode nomethod = c.legacyCall("app.nope");
            assertThat(nomethod.at("/error/error").asInt()).isEqualTo(201);
            assertThat(nomethod.at("/error/errname").asText()).isEqualTo("ENOMETHOD");
            assertThat(nomethod.at("/error/reason").asText()).isEqualTo("[ENOMETHOD] Method 'nope' not found in 'app'");

            c.sendText("{\"msg\":\"method\",\"id\":\"p\",\"method\":\"core.ping\",\"params\":{\"a\":1}}");
            JsonNode params = c.await(m -> "p".equals(m.path("id").asText()));
            assertThat(params.at("/error/error").asInt()).isEqualTo(22);
            assertThat(params.at("/error/reason").asText()).isEqualTo("`params` must be a list.");
        }
    }

    @Test
    void subscriptionsNeedAuthenticationAndDeliverJobEvents() {
        try (WireClient c = WireClient.connect(emulator, emulator.legacyUrl())) {
            c.legacyConnect();
            c.sendText("{\"msg\":\"sub\",\"id\":\"s1\",\"name\":\"core.get_jobs\"}");
            JsonNode denied = c.await(m -> "s1".equals(m.path("id").asText()));
            assertThat(denied.get("msg").asText()).isEqualTo("result");
            assertThat(denied.at("/error/error").asInt()).isEqualTo(13);
            assertThat(denied.at("/error/errname").asText()).isEqualTo("EACCES");
            assertThat(denied.at("/error/reason").asText()).isEqualTo("Not authorized");

            c.legacyCall("auth.login_with_api_key", emulator.apiKey());
            c.sendText("{\"msg\":\"sub\",\"id\":\"s2\",\"name\":\"core.get_jobs\"}");
            assertThat(c.await(m -> "ready".equals(m.path("msg").asText())).toString())
                    .isEqualTo("{\"msg\":\"ready\",\"subs\":[\"s2\"]}");
            long id = c.legacyCall("app.create", Map.of("app_name", "web", "custom_app", true,
                    "custom_compose_config", Map.of("services", Map.of("web", Map.of("image", "nginx"))))).get("result").asLong();
            JsonNode added = c.await(m -> "added".equals(m.path("msg").asText()) && m.path("id").asLong() == id);
            assertThat(added.get("collection").asText()).isEqualTo("core.get_jobs");
            assertThat(added.at("/fields/method").asText()).isEqualTo("app.create");
            JsonNode end = c.awaitJobEnd(id);
            assertThat(end.get("state").asText()).isEqualTo("SUCCESS");
            c.sendText("{\"msg\":\"unsub\",\"id\":\"s2\"}");
            long second = c.legacyCall("app.stop", "web").get("result").asLong();
            assertThat(c.legacyCall("core.get_jobs", List.of(List.of("id", "=", second))).get("result").size()).isEqualTo(1);
            assertThat(c.all(m -> "added".equals(m.path("msg").asText()) && m.path("id").asLong() == second)).isEmpty();
        }
    }

    @Test
    void pingGetsNoAnswerOn2504() {
        try (WireClient c = WireClient.connect(emulator, emulator.legacyUrl())) {
            c.legacyConnect();
            c.sendText("{\"msg\":\"ping\",\"id\":\"x\"}");
            c.legacyCall("auth.login_with_api_key", emulator.apiKey());
            assertThat(c.legacyCall("core.ping").get("result").asText()).isEqualTo("pong");
            assertThat(c.all(m -> "pong".equals(m.path("msg").asText()))).isEmpty();
        }
    }

    @Test
    void invalidJsonClosesTheLegacyConnection() {
        try (WireClient c = WireClient.connect(emulator, emulator.legacyUrl())) {
            c.sendText("{oops");
            assertThat(c.awaitClose()).isEqualTo(1007);
        }
    }

    @Test
    void moreThanTwentyCallsInFlightAreRejectedWithEtoomanyrefs() {
        emulator.faults().latency("core.ping", Duration.ofMillis(1500));
        try (WireClient c = WireClient.connect(emulator, emulator.legacyUrl())) {
            c.legacyConnect();
            c.legacyCall("auth.login_with_api_key", emulator.apiKey());
            for (int i = 0; i < 21; i++) {
                c.sendText("{\"msg\":\"method\",\"id\":\"p" + i + "\",\"method\":\"core.ping\",\"params\":[]}");
            }
            JsonNode rejected = c.await(m -> m.has("error"));
            assertThat(rejected.at("/error/error").asInt()).isEqualTo(109);
            assertThat(rejected.at("/error/errname").asText()).isEqualTo("ETOOMANYREFS");
            assertThat(rejected.at("/error/reason").asText()).isEqualTo("Maximum number of concurrent calls (20) has exceeded.");
        }
    }
}
