package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void aUrlWithoutPathLeavesTheProtocolToTheProbe() {
        Endpoint e = Endpoint.parse("wss://nas.local", Protocol.AUTO);
        assertThat(e.protocol()).isEqualTo(Protocol.AUTO);
        assertThat(e.port()).isEqualTo(443);
        assertThat(e.resolved(Protocol.JSONRPC).path()).isEqualTo("/api/current");
        assertThat(e.resolved(Protocol.LEGACY).path()).isEqualTo("/websocket");
    }

    @Test
    void thePathPinsTheProtocol() {
        assertThat(Endpoint.parse("wss://nas:8443/api/current", Protocol.AUTO).protocol()).isEqualTo(Protocol.JSONRPC);
        Endpoint pinned = Endpoint.parse("wss://nas/api/v25.04.2", Protocol.AUTO);
        assertThat(pinned.protocol()).isEqualTo(Protocol.JSONRPC);
        assertThat(pinned.path()).isEqualTo("/api/v25.04.2");
        assertThat(Endpoint.parse("wss://nas/websocket", Protocol.AUTO).protocol()).isEqualTo(Protocol.LEGACY);
        assertThat(Endpoint.parse("wss://nas", Protocol.LEGACY).path()).isEqualTo("/websocket");
    }

    @Test
    void aProtocolSettingThatContradictsThePathIsRefused() {
        assertThatThrownBy(() -> Endpoint.parse("wss://nas/websocket", Protocol.JSONRPC))
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("drop one of them");
    }

    @Test
    void unknownPathsAndSchemesAreRefusedWithTheAcceptedForms() {
        assertThatThrownBy(() -> Endpoint.parse("wss://nas/ui/", Protocol.AUTO))
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("/api/current");
        assertThatThrownBy(() -> Endpoint.parse("ftp://nas", Protocol.AUTO))
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("wss://");
    }

    @Test
    void aUnixSocketUrlNamesTheSocketFileAndLeavesTheProtocolToTheProbe() {
        Endpoint e = Endpoint.parse("ws+unix:///var/run/middleware/middlewared.sock", Protocol.AUTO);
        assertThat(e.isUnixSocket()).isTrue();
        assertThat(e.socketPath()).isEqualTo("/var/run/middleware/middlewared.sock");
        assertThat(e.protocol()).isEqualTo(Protocol.AUTO);
        assertThat(e.path()).isNull();
        assertThat(e.resolved(Protocol.JSONRPC).path()).isEqualTo("/api/current");
        assertThat(e.resolved(Protocol.LEGACY).path()).isEqualTo("/websocket");
        assertThat(e.isLoopback()).isTrue();
        assertThat(e.describe()).isEqualTo("ws+unix:///var/run/middleware/middlewared.sock");
    }

    @Test
    void aUnixSocketUrlKeepsAForcedProtocol() {
        Endpoint e = Endpoint.parse("ws+unix:///run/middleware/middlewared.sock", Protocol.LEGACY);
        assertThat(e.protocol()).isEqualTo(Protocol.LEGACY);
        assertThat(e.path()).isEqualTo("/websocket");
    }

    @Test
    void localhostIsLoopbackOnlyWhenEveryAddressItResolvesToIsLoopback() throws Exception {
        java.net.InetAddress elsewhere = java.net.InetAddress.getByAddress("localhost", new byte[] {10, 0, 0, 5});
        java.net.InetAddress loop = java.net.InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        Endpoint local = Endpoint.parse("ws://localhost", Protocol.AUTO);
        Endpoint sub = Endpoint.parse("ws://nas.localhost", Protocol.AUTO);

        assertThat(local.isLoopback(h -> new java.net.InetAddress[] {loop})).isTrue();
        assertThat(local.isLoopback(h -> new java.net.InetAddress[] {elsewhere})).isFalse();
        assertThat(sub.isLoopback(h -> new java.net.InetAddress[] {loop, elsewhere})).isFalse();
        assertThat(sub.isLoopback(h -> {
            throw new java.net.UnknownHostException(h);
        })).isFalse();
        assertThat(Endpoint.parse("ws://nas.local", Protocol.AUTO).isLoopback(h -> {
            throw new AssertionError("other names are never looked up");
        })).isFalse();
    }

    @Test
    void aPasswordOverWsToAnotherHostIsRefusedBeforeConnecting() {
        ConnectionSettings settings = ConnectionSettings.builder("ws://nas.local").username("admin")
                .password("pa55word").build();
        assertThatThrownBy(() -> MiddlewareClient.checkTransport(Endpoint.parse(settings.url(), Protocol.AUTO), settings))
                .isInstanceOf(InsecureTransportException.class)
                .hasMessageContaining("refusing to send the password")
                .hasMessageNotContaining("pa55word");
    }

    @Test
    void insecureTogetherWithAPinnedFingerprintIsRefused() {
        ConnectionSettings settings = ConnectionSettings.builder("wss://nas.local").apiKey("1-k").insecure(true)
                .tlsFingerprint("AB:CD").build();
        assertThatThrownBy(() -> new TlsTrust(settings)).isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("--insecure would ignore the pinned certificate");
    }

    @Test
    void literalLoopbackAddressesAreLoopbackAndOtherNamesAreNot() {
        assertThat(Endpoint.parse("ws://127.0.0.1:6000", Protocol.AUTO).isLoopback()).isTrue();
        assertThat(Endpoint.parse("ws://[::1]:6000", Protocol.AUTO).isLoopback()).isTrue();
        assertThat(Endpoint.parse("ws://nas.local", Protocol.AUTO).isLoopback()).isFalse();
        assertThat(Endpoint.parse("ws://10.0.0.2", Protocol.AUTO).isLoopback()).isFalse();
        assertThat(Endpoint.parse("ws://127.0.0.1.example.com", Protocol.AUTO).isLoopback()).isFalse();
    }

    @Test
    void anApiKeyOverWsToAnotherHostIsRefusedBeforeConnecting() {
        ConnectionSettings settings = ConnectionSettings.builder("ws://nas.local").apiKey("1-secret").build();
        assertThatThrownBy(() -> MiddlewareClient.checkTransport(Endpoint.parse(settings.url(), Protocol.AUTO), settings))
                .isInstanceOf(InsecureTransportException.class)
                .hasMessageContaining("revokes an API key")
                .hasMessageContaining("wss://nas.local")
                .hasMessageNotContaining("1-secret");
    }

    @Test
    void anApiKeyOverWsToLoopbackOrOverWssIsAllowed() {
        ConnectionSettings loop = ConnectionSettings.builder("ws://127.0.0.1:6000").apiKey("1-k").build();
        MiddlewareClient.checkTransport(Endpoint.parse(loop.url(), Protocol.AUTO), loop);
        ConnectionSettings tls = ConnectionSettings.builder("wss://nas.local").apiKey("1-k").build();
        MiddlewareClient.checkTransport(Endpoint.parse(tls.url(), Protocol.AUTO), tls);
    }
}
