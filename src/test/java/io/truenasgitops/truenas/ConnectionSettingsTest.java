package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionSettingsTest {

    @Test
    void defaultsFillWhatIsNotGiven() {
        ConnectionSettings s = ConnectionSettings.builder("wss://nas").apiKey("1-k").build();
        assertThat(s.protocol()).isEqualTo(Protocol.AUTO);
        assertThat(s.maxInFlight()).isEqualTo(8);
        assertThat(s.pingInterval()).isEqualTo(Duration.ofSeconds(25));
        assertThat(s.callTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void toStringNeverShowsSecrets() {
        ConnectionSettings s = ConnectionSettings.builder("wss://nas").apiKey("1-topsecretkey").username("admin")
                .password("hunter2").otp("123456").build();
        assertThat(s.toString()).doesNotContain("topsecretkey").doesNotContain("hunter2").doesNotContain("123456")
                .contains("***");
    }

    @Test
    void aMissingUrlSaysHowToGiveOne() {
        assertThatThrownBy(() -> ConnectionSettings.builder(" ").build())
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("TRUENAS_URL");
    }

    @Test
    void fingerprintsAreNormalisedFromTheCommonNotations() {
        String hex = "ab".repeat(32);
        String expected = String.join(":", java.util.Collections.nCopies(32, "AB"));
        assertThat(TlsTrust.normalize(hex)).isEqualTo(expected);
        assertThat(TlsTrust.normalize("SHA256:" + expected.toLowerCase())).isEqualTo(expected);
        assertThat(TlsTrust.normalize("sha256 Fingerprint=" + expected)).isEqualTo(expected);
        assertThatThrownBy(() -> TlsTrust.normalize("abc")).isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("64 hex digits");
    }

    @Test
    void theProbeChoosesJsonRpcOnlyForAJsonArray() {
        assertThat(MiddlewareClient.decideProtocol(200, Buffer.buffer("[\"v25.04.2\",\"current\"]")))
                .isEqualTo(Protocol.JSONRPC);
        assertThat(MiddlewareClient.decideProtocol(302, Buffer.buffer(""))).isEqualTo(Protocol.LEGACY);
        assertThat(MiddlewareClient.decideProtocol(404, Buffer.buffer("[]"))).isEqualTo(Protocol.LEGACY);
        assertThat(MiddlewareClient.decideProtocol(200, Buffer.buffer("<html>TrueNAS</html>")))
                .isEqualTo(Protocol.LEGACY);
        assertThat(MiddlewareClient.decideProtocol(200, Buffer.buffer("{\"a\":1}"))).isEqualTo(Protocol.LEGACY);
    }

    @Test
    void theJobsAppNameIsItsFirstStringArgumentOrTheAppNameOfItsFirstObject() throws Exception {
        assertThat(JobWatcher.firstArgOf(Json.MAPPER.readTree("[\"media\",{}]"))).isEqualTo("media");
        assertThat(JobWatcher.firstArgOf(Json.MAPPER.readTree("[{\"app_name\":\"web\"}]"))).isEqualTo("web");
        assertThat(JobWatcher.firstArgOf(Json.MAPPER.readTree("[]"))).isNull();
    }
}
