package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A connect failure becomes the error a caller acts on: retry (connection lost) or fix the trust. */
class ConnectFailuresTest {

    private static final Endpoint JSONRPC = Endpoint.parse("wss://127.0.0.1:8443/api/current", Protocol.AUTO);
    private static final Endpoint LEGACY = Endpoint.parse("wss://127.0.0.1:8443/websocket", Protocol.AUTO);

    record Row(String name, Throwable failure, Endpoint endpoint, String pinMismatch, Class<?> type, String says) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("a refused connection", new ConnectException("Connection refused"), JSONRPC, null,
                        ConnectionLostException.class, "check the URL and that the NAS is up"),
                new Row("a pinned fingerprint that differs", new SSLHandshakeException("bad"), JSONRPC,
                        "expected AA, got BB", TlsTrustException.class, "does not match the pinned fingerprint"),
                new Row("an untrusted certificate", new SSLHandshakeException("PKIX path building failed"), JSONRPC,
                        null, TlsTrustException.class, "pin it with --tls-fingerprint"),
                new Row("a middleware restarting (503)", rejected(503), JSONRPC, null,
                        ConnectionLostException.class, "it is retried"),
                new Row("24.10 redirecting /api/current (302)", rejected(302), JSONRPC, null,
                        ConnectionLostException.class, "TrueNAS 24.10 has no /api/current"),
                new Row("a legacy path not found (404)", rejected(404), LEGACY, null,
                        ConnectionLostException.class, "refused the WebSocket upgrade (HTTP 404)"),
                new Row("an error already translated", new CallTimeoutException("call timed out"), JSONRPC, null,
                        CallTimeoutException.class, "call timed out"));
    }

    private static UpgradeRejectedException rejected(int status) {
        return new UpgradeRejectedException("rejected", status, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer());
    }

    @org.junit.jupiter.api.Test
    void aWssUrlWhosePortAnswersPlainHttpSaysSoInsteadOfBlamingTheCertificate() {
        // what netty reports when an HTTP server answers the ClientHello: a hex dump of "HTTP/1.1 400 ..."
        SSLHandshakeException handshake = new SSLHandshakeException("handshake failed");
        handshake.initCause(new io.netty.handler.ssl.NotSslRecordException("not an SSL/TLS record: 485454502f312e31"
                + "20343030"));

        TrueNasException error = ConnectFailures.translate(handshake, JSONRPC, null, null, Duration.ofSeconds(10));

        assertThat(error).isInstanceOf(InvalidSettingsException.class);
        assertThat(error.getMessage()).startsWith("cannot connect to ")
                .contains("the port answers plain HTTP, not TLS: is it the NAS's HTTPS port?")
                .doesNotContain("not trusted", "485454", "SSL/TLS record");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void aConnectFailureSaysWhatToDo(Row row) {
        TrueNasException error = ConnectFailures.translate(row.failure(), row.endpoint(), row.pinMismatch(), null,
                Duration.ofSeconds(10));
        assertThat(error).isInstanceOf(row.type());
        assertThat(error.getMessage()).contains(row.says());
    }
}
