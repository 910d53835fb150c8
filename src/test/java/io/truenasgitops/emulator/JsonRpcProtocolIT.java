package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JSON-RPC 2.0 endpoint: message validation, error objects, limits, as 25.04's rpc.py shapes them. */
class JsonRpcProtocolIT {
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

    static HttpClient https(TrueNasEmulator emulator) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(emulator.caCertificatePem())) {
            trust.setCertificateEntry("emulator", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void apiVersionsListsThe2504VersionsWithoutV2410() throws Exception {
        HttpResponse<String> response = https(emulator).send(
                HttpRequest.newBuilder(URI.create(emulator.baseHttpsUrl() + "/api/versions")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(WireClient.JSON.readTree(response.body()))
                .isEqualTo(WireClient.JSON.readTree("[\"v25.04.0\",\"v25.04.1\",\"v25.04.2\"]"));
    }

    @Test
    void certificateFingerprintIsUppercaseSha256WithColons() {
        assertThat(emulator.tlsFingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(emulator.url()).isEqualTo("wss://localhost:" + emulator.port() + "/api/current");
    }

    @Test
    void pinnedVersionEndpointsSpeakJsonRpcToo() {
        for (String version : List.of("v25.04.0", "v25.04.1", "v25.04.2")) {
            try (WireClient c = WireClient.connect(emulator, "wss://localhost:" + emulator.port() + "/api/" + version)) {
                c.loginRpc(emulator);
                assertThat(c.result("core.ping").asText()).isEqualTo("pong");
            }
        }
    }

    @Test
    void invalidJsonIsAParseErrorWithNullIdAndTheConnectionStaysOpen() throws Exception {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            c.sendText("{not json");
            JsonNode error = c.await(m -> m.has("error"));
            assertThat(error.get("jsonrpc").asText()).isEqualTo("2.0");
            assertThat(error.get("id").isNull()).isTrue();
            assertThat(error.at("/error/code").asInt()).isEqualTo(-32700);
            assertThat(error.at("/error").has("data")).isFalse();
            c.sendText("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"core.ping\"}]");
            JsonNode batch = c.await(m -> m.has("error"));
            assertThat(batch.at("/error/code").asInt()).isEqualTo(-32700);
            assertThat(batch.at("/error/message").asText()).isEqualTo("Batch messages are not supported yet");
            assertThat(c.call("auth.login_with_api_key", emulator.apiKey()).get("result").asBoolean()).isTrue();
        }
    }

    @Test
    void paramsMustBeAnArray() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            c.sendText("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"core.ping\",\"params\":{\"a\":1}}");
            JsonNode error = c.await(m -> m.has("error"));
            assertThat(error.at("/error/code").asInt()).isEqualTo(-32600);
            assertThat(error.at("/error/message").asText()).isEqualTo("{'a': 1} is not of type 'array'");
            c.sendText("{\"jsonrpc\":\"1.0\",\"id\":8,\"method\":\"core.ping\"}");
            assertThat(c.await(m -> m.has("error")).at("/error/message").asText()).isEqualTo("'1.0' is not one of ['2.0']");
        }
    }

    @Test
    void notificationWithoutIdGetsNoResponse() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            c.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"auth.login_with_api_key\",\"params\":[\"" + emulator.apiKey() + "\"]}");
            // The middleware runs messages concurrently, as the real one does: the notification's login did run
            // once a later call is authenticated.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> !c.call("core.ping").has("error"));
            c.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"no.such_method\"}");
            c.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"core.ping\",\"params\":{}}");
            // Neither the failing nor the invalid notification was answered.
            assertThat(c.result("core.ping").asText()).isEqualTo("pong");
            assertThat(c.received()).isEmpty();
        }
    }

    @Test
    void unknownMethodIsMethodNotFound() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            JsonNode response = c.call("app.does_not_exist");
            assertThat(response.at("/error/code").asInt()).isEqualTo(-32601);
            assertThat(response.at("/error/message").asText()).isEqualTo("Method does not exist");
            assertThat(response.at("/error").has("data")).isFalse();
        }
    }

    @Test
    void callsBeforeLoginFailWithNotAuthenticated() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            JsonNode response = c.call("app.query");
            assertThat(response.at("/error/code").asInt()).isEqualTo(-32001);
            assertThat(response.at("/error/message").asText()).isEqualTo("Method call error");
            JsonNode data = response.at("/error/data");
            assertThat(data.get("error").asInt()).isEqualTo(207);
            assertThat(data.get("errname").asText()).isEqualTo("ENOTAUTHENTICATED");
            assertThat(data.get("reason").asText()).isEqualTo("[ENOTAUTHENTICATED] Not authenticated");
            assertThat(data.at("/trace/class").asText()).isEqualTo("CallError");
            assertThat(data.get("trace").has("frames")).isTrue();
            assertThat(data.get("trace").has("formatted")).isTrue();
            assertThat(data.get("extra").isNull()).isTrue();
            assertThat(c.call("core.ping").at("/error/data/error").asInt()).isEqualTo(207);
        }
    }

    @Test
    void loginWithApiKeyAnswersABoolean() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            assertThat(c.result("auth.login_with_api_key", "1-" + "x".repeat(64)).asBoolean()).isFalse();
            assertThat(c.result("auth.login_with_api_key", emulator.apiKey()).asBoolean()).isTrue();
            assertThat(c.result("core.ping").asText()).isEqualTo("pong");
        }
    }

    @Test
    void loginExApiKeyPlainNeedsTheOwnersUsername() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            JsonNode wrong = c.result("auth.login_ex", Map.of("mechanism", "API_KEY_PLAIN", "username", "root",
                    "api_key", emulator.apiKey()));
            assertThat(wrong).isEqualTo(WireClient.JSON.valueToTree(Map.of("response_type", "AUTH_ERR")));
            JsonNode ok = c.result("auth.login_ex", Map.of("mechanism", "API_KEY_PLAIN", "username", emulator.username(),
                    "api_key", emulator.apiKey(), "login_options", Map.of("user_info", false)));
            assertThat(ok.get("response_type").asText()).isEqualTo("SUCCESS");
            assertThat(ok.get("user_info").isNull()).isTrue();
            assertThat(ok.get("authenticator").asText()).isEqualTo("LEVEL_1");
            assertThat(c.result("auth.me").get("pw_name").asText()).isEqualTo("truenas_admin");
        }
    }

    @Test
    void setOptionsAnswersNullWithoutLogin() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            assertThat(c.result("core.set_options", Map.of("py_exceptions", false)).isNull()).isTrue();
        }
    }

    @Test
    void validationErrorOfANonJobMethodIsInvalidParamsWithEinvalAndTheTriples() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            c.loginRpc(emulator);
            JsonNode response = c.call("app.config", "foo");
            assertThat(response.at("/error/code").asInt()).isEqualTo(-32602);
            assertThat(response.at("/error/message").asText()).isEqualTo("Invalid params");
            JsonNode data = response.at("/error/data");
            assertThat(data.get("error").asInt()).isEqualTo(22);
            assertThat(data.get("errname").asText()).isEqualTo("EINVAL");
            assertThat(data.get("reason").asText()).isEqualTo("[ENOENT] None: App foo does not exist");
            assertThat(data.get("extra").toString()).isEqualTo("[[null,\"App foo does not exist\",2]]");
        }
    }

    @Test
    void anonymousMessagesOver8KiBCloseTheConnectionWithInvalidText() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            c.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"core.ping\",\"params\":[\"" + "a".repeat(8200) + "\"]}");
            assertThat(c.awaitClose()).isEqualTo(1007);
            assertThat(c.closeReason()).isEqualTo("Anonymous connection max message length is 8 kB");
        }
    }

    @Test
    void authenticatedMessagesOver64KiBCloseTheConnectionWithMessageTooBig() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            c.loginRpc(emulator);
            c.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"core.ping\",\"params\":[\"" + "a".repeat(60_000) + "\"]}");
            assertThat(c.await(m -> m.path("id").asInt() == 1).has("error")).isFalse();
            c.sendText("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"core.ping\",\"params\":[\"" + "a".repeat(66_000) + "\"]}");
            assertThat(c.awaitClose()).isEqualTo(1009);
            assertThat(c.closeReason()).isEqualTo("Max message length is 64 kB");
        }
    }

    @Test
    void moreThanTwentyCallsInFlightAreRejected() {
        emulator.faults().latency("core.ping", Duration.ofMillis(1500));
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            c.loginRpc(emulator);
            for (int i = 0; i < 21; i++) {
                c.request("core.ping");
            }
            JsonNode rejected = c.await(m -> m.has("error"));
            assertThat(rejected.at("/error/code").asInt()).isEqualTo(-32000);
            assertThat(rejected.at("/error/message").asText())
                    .isEqualTo("Maximum number of concurrent calls (20) has exceeded");
            for (int i = 0; i < 20; i++) {
                assertThat(c.await(m -> "pong".equals(m.path("result").asText()))).isNotNull();
            }
            assertThat(c.all(m -> m.has("error"))).isEmpty();
        }
    }

    @Test
    void unauthenticatedLoginsAreRateLimitedPerMethodAndAddress() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            for (int i = 0; i < 20; i++) {
                assertThat(c.result("auth.login_with_api_key", "1-" + "y".repeat(64)).asBoolean()).isFalse();
            }
            JsonNode limited = c.call("auth.login_with_api_key", emulator.apiKey());
            assertThat(limited.at("/error/code").asInt()).isEqualTo(-32001);
            assertThat(limited.at("/error/data/error").asInt()).isEqualTo(16);
            assertThat(limited.at("/error/data/errname").asText()).isEqualTo("EBUSY");
            assertThat(limited.at("/error/data/reason").asText()).isEqualTo("[EBUSY] Rate Limit Exceeded");
            // Another method has its own budget.
            assertThat(c.result("auth.login_ex", Map.of("mechanism", "API_KEY_PLAIN", "username", emulator.username(),
                    "api_key", emulator.apiKey())).get("response_type").asText()).isEqualTo("SUCCESS");
        }
    }

    @Test
    void subscribingNeedsAuthentication() {
        try (WireClient c = WireClient.connect(emulator, emulator.url())) {
            assertThat(c.call("core.subscribe", "core.get_jobs").at("/error/data/error").asInt()).isEqualTo(207);
            c.loginRpc(emulator);
            assertThat(c.result("core.subscribe", "core.get_jobs").asText()).matches("[0-9a-f-]{36}");
        }
    }
}
