package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A 24.10 box: only the legacy endpoint, ping answered, no login_ex/core.subscribe/set_options. */
class Release2410IT {
    static TrueNasEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withRelease(Release.V24_10)
                .withPlainListener(true, "192.0.2.10"));
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void apiVersionsAndApiCurrentRedirectToTheUi() throws Exception {
        var http = JsonRpcProtocolIT.https(emulator);
        for (String path : new String[] {"/api/versions", "/api/current"}) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(emulator.baseHttpsUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).contains("/ui/");
        }
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> WireClient.connect(emulator, emulator.url())))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void legacyPingIsAnsweredWithPong() {
        try (WireClient c = WireClient.connect(emulator, emulator.legacyUrl())) {
            c.legacyConnect();
            c.sendText("{\"msg\":\"ping\",\"id\":\"x\"}");
            assertThat(c.await(m -> "pong".equals(m.path("msg").asText())).toString()).isEqualTo("{\"msg\":\"pong\",\"id\":\"x\"}");
        }
    }

    @Test
    void newerMethodsDoNotExist() {
        try (WireClient c = WireClient.connect(emulator, emulator.legacyUrl())) {
            c.legacyConnect();
            assertThat(c.legacyCall("auth.login_ex", Map.of("mechanism", "API_KEY_PLAIN")).at("/error/error").asInt())
                    .isEqualTo(201);
            assertThat(c.legacyCall("auth.login_with_api_key", emulator.apiKey()).get("result").asBoolean()).isTrue();
            assertThat(c.legacyCall("core.subscribe", "core.get_jobs").at("/error/errname").asText()).isEqualTo("ENOMETHOD");
            assertThat(c.legacyCall("core.set_options", Map.of()).at("/error/errname").asText()).isEqualTo("ENOMETHOD");
            JsonNode me = c.legacyCall("auth.me");
            assertThat(me.at("/error/reason").asText()).isEqualTo("[EFAULT] You are logged in using API_KEY");
        }
    }

    @Test
    void appsHaveNoNetworksAndApiKeysAreNotRevokedOverPlainConnections() {
        try (WireClient plain = WireClient.connect(emulator, emulator.plainLegacyUrl())) {
            plain.legacyConnect();
            assertThat(plain.legacyCall("auth.login_with_api_key", emulator.apiKey()).get("result").asBoolean()).isTrue();
            assertThat(emulator.apiKeyRevoked()).isFalse();
            emulator.apps().put("web", Map.of("services", Map.of("web", Map.of("image", "nginx"))), "RUNNING");
            JsonNode entry = plain.legacyCall("app.get_instance", "web").get("result");
            assertThat(entry.get("active_workloads").has("networks")).isFalse();
        }
    }
}
