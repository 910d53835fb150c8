package io.truenasgitops.truenas;

import static io.truenasgitops.truenas.TrueNasClientIT.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.Release;
import io.truenasgitops.emulator.Totp;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Login outcomes and certificate trust against the emulator. */
class TrueNasAuthAndTlsIT {

    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeLater.size() - 1; i >= 0; i--) {
            closeLater.get(i).close();
        }
    }

    TrueNasEmulator emulator(EmulatorOptions options) {
        TrueNasEmulator emulator = TrueNasEmulator.start(options);
        closeLater.add(emulator);
        return emulator;
    }

    TrueNasClient connect(ConnectionSettings settings) {
        TrueNasClient client = TrueNasClient.connect(settings);
        closeLater.add(client);
        return client;
    }

    static final String WRONG_KEY = "1-" + "x".repeat(64);

    /** A session token made as a person would: on a session logged in with the API key. */
    String sessionToken(TrueNasEmulator emulator, String url, Object... args) {
        try (TrueNasClient admin = TrueNasClient.connect(settings(emulator, url).build())) {
            return admin.call("auth.generate_token", args).asText();
        }
    }

    static ConnectionSettings.Builder withToken(TrueNasEmulator emulator, String url, String token) {
        return ConnectionSettings.builder(url).sessionToken(token).tlsFingerprint(emulator.tlsFingerprint());
    }

    @Test
    void aSessionTokenLogsInWithTokenPlainOn2504() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        String token = sessionToken(emulator, emulator.url(), 600, java.util.Map.of(), true, true);
        emulator.calls().reset();

        TrueNasClient client = connect(withToken(emulator, emulator.url(), token).build());

        assertThat(client.apps().list(false)).isEmpty();
        assertThat(emulator.calls().count("auth.login_ex")).isEqualTo(1);
        assertThat(emulator.calls().count("auth.login_with_api_key")).isZero();
    }

    @Test
    void aSessionTokenLogsInWithLoginWithTokenOn2410() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults().withRelease(Release.V24_10));
        String token = sessionToken(emulator, emulator.legacyUrl(), 600, java.util.Map.of(), true);
        emulator.calls().reset();

        TrueNasClient client = connect(withToken(emulator, emulator.legacyUrl(), token).build());

        assertThat(client.apps().list(false)).isEmpty();
        assertThat(emulator.calls().count("auth.login_with_token")).isEqualTo(1);
    }

    @Test
    void aUsedSingleUseTokenIsRefusedWithAMessageSayingWhyAndWhatToDo() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        String token = sessionToken(emulator, emulator.url(), 600, java.util.Map.of(), true, true);
        connect(withToken(emulator, emulator.url(), token).build()).close();

        assertThatThrownBy(() -> connect(withToken(emulator, emulator.url(), token).build()))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("failed (AUTH_ERR): the NAS refused the session token")
                .hasMessageContaining("expired").hasMessageContaining("single-use")
                .hasMessageContaining("auth.generate_token")
                .hasMessageNotContaining(token);
    }

    @Test
    void anExpiredTokenIsRefusedWithTheSameClearMessage() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        String token = sessionToken(emulator, emulator.url(), 600, java.util.Map.of(), true, true);
        emulator.ageSessionTokens(Duration.ofMinutes(11));

        assertThatThrownBy(() -> connect(withToken(emulator, emulator.url(), token).build()))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("the NAS refused the session token: it expired");
    }

    @Test
    void aClientLoggedInWithASessionTokenReconnectsWithTheSingleUseTokenItAskedFor() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        String token = sessionToken(emulator, emulator.url(), 600, java.util.Map.of(), true, true);
        TrueNasClient client = connect(withToken(emulator, emulator.url(), token)
                .pingInterval(Duration.ofHours(1)).reconnectInitialDelay(Duration.ofMillis(50)).build());
        long logins = emulator.calls().count("auth.login_ex");

        // nginx drops a connection the server sent nothing on: the token the client logged in with is gone
        emulator.faults().idleTimeout(Duration.ofMillis(300));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> emulator.calls().count("auth.login_ex") > logins);
        emulator.faults().idleTimeout(null);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(client::isConnected);
        assertThat(client.apps().list(false)).isEmpty();
        assertThat(emulator.calls().count("auth.generate_token")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aSessionTokenIsNeverSentOverPlainWebSocketToAnotherHost() {
        assertThatThrownBy(() -> TrueNasClient.connect(ConnectionSettings.builder("ws://192.0.2.10/api/current")
                .sessionToken("secret-token-value").build()))
                .isInstanceOf(InsecureTransportException.class)
                .hasMessageContaining("refusing to send the session token")
                .hasMessageNotContaining("secret-token-value");
    }

    @Test
    void settingsNeverShowTheSessionToken() {
        assertThat(ConnectionSettings.builder("wss://nas").sessionToken("secret-token-value").build().toString())
                .doesNotContain("secret-token-value").contains("sessionToken=***");
    }

    @Test
    void anApiKeyWithItsOwnerLogsInWithLoginEx() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        connect(settings(emulator, emulator.url()).build());
        assertThat(emulator.calls().count("auth.login_ex")).isEqualTo(1);
        assertThat(emulator.calls().count("auth.login_with_api_key")).isZero();
    }

    @Test
    void anApiKeyWithoutUsernameLogsInWithLoginWithApiKey() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        connect(settings(emulator, emulator.url()).username(null).build());
        assertThat(emulator.calls().count("auth.login_with_api_key")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"JSONRPC", "LEGACY"})
    void aWrongApiKeyIsAnAuthErrorThatNeverShowsTheKey(String protocol) {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        assertThatThrownBy(() -> connect(settings(emulator, TrueNasClientIT.urlFor(emulator, protocol))
                        .apiKey(WRONG_KEY).build()))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageNotContaining(WRONG_KEY)
                .satisfies(e -> {
                    assertThat(((AuthenticationException) e).reason()).isEqualTo(AuthenticationException.Reason.AUTH_ERR);
                    assertThat(((AuthenticationException) e).isConnectionOrAuthProblem()).isTrue();
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"JSONRPC", "LEGACY"})
    void aUsernameAndPasswordLogIn(String protocol) {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, TrueNasClientIT.urlFor(emulator, protocol)).apiKey(null)
                .password(emulator.password()).build());
        assertThat(client.apps().list(false)).isEmpty();
        assertThat(emulator.calls().count(protocol.equals("LEGACY") ? "auth.login" : "auth.login_ex")).isEqualTo(1);
    }

    @Test
    void aWrongPasswordIsAnAuthError() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        assertThatThrownBy(() -> connect(settings(emulator, emulator.url()).apiKey(null).password("wrong").build()))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("wrong username or password")
                .hasMessageNotContaining("wrong\"");
    }

    @Test
    void aSecondFactorIsSentWhenTheNasAsksForIt() {
        String secret = "JBSWY3DPEHPK3PXP";
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults().withOtpSecret(secret));
        assertThatThrownBy(() -> connect(settings(emulator, emulator.url()).apiKey(null)
                        .password(emulator.password()).build()))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("--otp")
                .extracting(e -> ((AuthenticationException) e).reason())
                .isEqualTo(AuthenticationException.Reason.OTP_REQUIRED);

        TrueNasClient client = connect(settings(emulator, emulator.url()).apiKey(null)
                .password(emulator.password()).otp(Totp.code(secret)).build());
        assertThat(client.isConnected()).isTrue();
        assertThat(emulator.calls().count("auth.login_ex_continue")).isEqualTo(1);
    }

    @Test
    void aRevokedApiKeyIsReportedAsExpiredWithWhatToDo() {
        // The plain listener makes connections look like they come from another host: the key gets revoked.
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults().withPlainListener(true, "192.168.1.50"));
        assertThatThrownBy(() -> connect(settings(emulator, emulator.plainUrl()).tlsFingerprint(null).build()))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("expired or revoked")
                .hasMessageContaining("reset the key in the TrueNAS UI")
                .extracting(e -> ((AuthenticationException) e).reason())
                .isEqualTo(AuthenticationException.Reason.EXPIRED);
        assertThat(emulator.apiKeyRevoked()).isTrue();
    }

    @Test
    void anApiKeyIsNeverSentOverWsToAnotherHost() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults().withPlainListener(true, null));
        int port = java.net.URI.create(emulator.plainUrl()).getPort();
        assertThatThrownBy(() -> connect(settings(emulator, "ws://nas.example:" + port + "/api/current")
                        .tlsFingerprint(null).build()))
                .isInstanceOf(InsecureTransportException.class)
                .hasMessageContaining("revokes an API key")
                .hasMessageNotContaining(emulator.apiKey());
        assertThat(emulator.calls().snapshot()).isEmpty();
        // Loopback is exempt, as on TrueNAS itself.
        assertThat(connect(settings(emulator, emulator.plainUrl()).tlsFingerprint(null).build()).isConnected())
                .isTrue();
    }

    @Test
    void loginsBeyondTheRateLimitAreReportedAsRateLimited() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults()
                .withRateLimit(2, Duration.ofSeconds(60), Duration.ZERO)
                .withFailedLoginDelay(Duration.ZERO));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> connect(settings(emulator, emulator.url()).apiKey(WRONG_KEY).build()))
                    .isInstanceOf(AuthenticationException.class);
        }
        assertThatThrownBy(() -> connect(settings(emulator, emulator.url()).apiKey(WRONG_KEY).build()))
                .isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("wait a minute")
                .matches(e -> ((TrueNasException) e).isRetryable());
    }

    @Test
    void thePinnedFingerprintIsTrusted() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        assertThat(connect(settings(emulator, emulator.url()).build()).isConnected()).isTrue();
    }

    @Test
    void aFingerprintMismatchShowsExpectedAndActual() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        String wrong = "AB:".repeat(31) + "AB";
        assertThatThrownBy(() -> connect(settings(emulator, "wss://localhost:" + emulator.port())
                        .tlsFingerprint(wrong).build()))
                .isInstanceOf(TlsTrustException.class)
                .hasMessageContaining("expected SHA-256 " + wrong + ", got " + emulator.tlsFingerprint());
        assertThat(emulator.calls().snapshot()).isEmpty();
    }

    @Test
    void aCaFileIsTrustedWithHostVerification() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, emulator.url()).tlsFingerprint(null)
                .caFile(emulator.caCertificatePem()).build());
        assertThat(client.isConnected()).isTrue();
    }

    @Test
    void theDefaultVerificationRefusesASelfSignedCertificateAndShowsItsFingerprint() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        assertThatThrownBy(() -> connect(settings(emulator, emulator.url()).tlsFingerprint(null).build()))
                .isInstanceOf(TlsTrustException.class)
                .hasMessageContaining("not trusted")
                .hasMessageContaining("--tls-fingerprint")
                .hasMessageContaining(emulator.tlsFingerprint())
                .matches(e -> ((TrueNasException) e).isConnectionOrAuthProblem());
        assertThat(emulator.calls().snapshot()).isEmpty();
    }

    @Test
    void aTlsHandshakeThatNeverFinishesIsARetryableConnectionProblemNotAnUntrustedCertificate() throws Exception {
        // A server that accepts the TCP connection and never answers the ClientHello: what a NAS under heavy load
        // or a stalled middlebox looks like. The certificate was never seen, so it must not be called untrusted.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            ConnectionSettings settings = ConnectionSettings.builder("wss://127.0.0.1:" + silent.getLocalPort() + "/api/current")
                    .apiKey(WRONG_KEY).username("gitops")
                    .connectTimeout(Duration.ofSeconds(1))
                    .build();
            assertThatThrownBy(() -> connect(settings))
                    .isInstanceOf(ConnectionLostException.class)
                    .isNotInstanceOf(TlsTrustException.class)
                    .hasMessageContaining("TLS handshake")
                    .hasMessageContaining("overloaded")
                    .hasMessageNotContaining(WRONG_KEY)
                    .matches(e -> ((TrueNasException) e).isRetryable());
            assertThat(accepted).isNotEmpty();
            for (java.net.Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void theInsecureSwitchSkipsVerification() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults());
        TrueNasClient client = connect(settings(emulator, emulator.url()).tlsFingerprint(null).insecure(true).build());
        assertThat(client.isConnected()).isTrue();
    }

    @Test
    void aUrlThe2410NasDoesNotServeSaysWhichPathToUse() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults().withRelease(Release.V24_10));
        assertThatThrownBy(() -> connect(settings(emulator, emulator.url()).build()))
                .isInstanceOf(ConnectionLostException.class)
                .hasMessageContaining("/websocket");
    }
}
