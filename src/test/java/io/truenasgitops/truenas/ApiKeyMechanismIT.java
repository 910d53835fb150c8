package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.Release;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How an API key logs in per release: SCRAM-SHA-512 (channel-bound over wss://) where the NAS offers it,
 * API_KEY_PLAIN before 26.0, {@code auth.login_with_api_key} only on 24.10's legacy endpoint; the key's owner
 * configured or looked up; a configured mechanism the NAS refuses is an error; no silent downgrade.
 */
class ApiKeyMechanismIT {
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeLater.size() - 1; i >= 0; i--) {
            closeLater.get(i).close();
        }
    }

    TrueNasEmulator emulator(Release release) {
        return emulator(EmulatorOptions.defaults().withRelease(release));
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

    static ConnectionSettings.Builder settings(TrueNasEmulator emulator, String url) {
        return ConnectionSettings.builder(url).apiKey(emulator.apiKey()).tlsFingerprint(emulator.tlsFingerprint());
    }

    @ParameterizedTest
    @EnumSource(value = Release.class, names = {"V26_0", "V27_0"})
    void theKeyLogsInWithScramBoundToTheTlsCertificateWhereTheNasOffersIt(Release release) {
        TrueNasEmulator emulator = emulator(release);

        TrueNasClient client = connect(settings(emulator, emulator.url()).username(emulator.username()).build());

        assertThat(client.call("auth.me").path("pw_name").asText()).isEqualTo(emulator.username());
        assertThat(emulator.calls().scramLogins()).containsExactly("p=tls-server-end-point,,");
        assertThat(emulator.calls().count("auth.login_ex")).isEqualTo(2);
        assertThat(emulator.calls().count("auth.login_with_api_key")).isZero();
        assertThat(emulator.apiKeyRevoked()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Release.class, names = {"V25_04", "V25_10"})
    void beforeTwentySixTheKeyLogsInWithApiKeyPlain(Release release) {
        TrueNasEmulator emulator = emulator(release);

        TrueNasClient client = connect(settings(emulator, emulator.url()).username(emulator.username()).build());

        assertThat(client.call("auth.me").path("pw_name").asText()).isEqualTo(emulator.username());
        assertThat(emulator.calls().scramLogins()).isEmpty();
        assertThat(emulator.calls().count("auth.login_ex")).isEqualTo(1);
        assertThat(emulator.calls().count("auth.login_with_api_key")).isZero();
    }

    @Test
    void twentyFourTenLogsTheKeyInWithLoginWithApiKeyOnItsLegacyEndpoint() {
        TrueNasEmulator emulator = emulator(Release.V24_10);

        connect(settings(emulator, "wss://localhost:" + emulator.port()).build());

        assertThat(emulator.calls().count("auth.login_with_api_key", "legacy")).isEqualTo(1);
        assertThat(emulator.calls().count("auth.login_ex")).isZero();
    }

    /**
     * The guarantee: whatever the release, with or without a username, on reconnects too, no
     * {@code auth.login_with_api_key} frame goes to a JSON-RPC endpoint (the v27 API made it private).
     */
    @ParameterizedTest
    @EnumSource(value = Release.class, names = {"V25_04", "V25_10", "V26_0", "V27_0"})
    void noLoginWithApiKeyFrameIsEverSentOnJsonRpc(Release release) {
        TrueNasEmulator emulator = emulator(release);
        TrueNasClient named = connect(settings(emulator, emulator.url()).username(emulator.username()).build());
        emulator.restartMiddleware();
        await().atMost(Duration.ofSeconds(20)).until(named::isConnected);
        named.call("auth.me");
        if (!release.scram()) {
            TrueNasClient unnamed = connect(settings(emulator, "wss://localhost:" + emulator.port()).build());
            assertThat(unnamed.call("auth.me").path("pw_name").asText()).isEqualTo(emulator.username());
        }

        assertThat(emulator.calls().count("auth.login_with_api_key", "jsonrpc")).isZero();
        assertThat(emulator.calls().warnings()).isEmpty();
    }

    @Test
    void withoutAUsernameANasWithoutScramHasTheOwnerLookedUpOverVerifiedTls() {
        TrueNasEmulator emulator = emulator(Release.V25_10);

        TrueNasClient client = connect(settings(emulator, emulator.url()).build());

        assertThat(client.call("auth.me").path("pw_name").asText()).isEqualTo(emulator.username());
        assertThat(emulator.calls().count("auth.login_with_api_key", "legacy")).isEqualTo(1);
        assertThat(emulator.calls().count("auth.login_ex", "jsonrpc")).isEqualTo(1);
        assertThat(emulator.calls().count("auth.login_with_api_key", "jsonrpc")).isZero();
    }

    @Test
    void withoutAUsernameAnUnverifiedCertificateGetsNoLookupButAnErrorSayingWhatToSet() {
        TrueNasEmulator emulator = emulator(Release.V25_10);

        assertThatThrownBy(() -> connect(ConnectionSettings.builder(emulator.url()).apiKey(emulator.apiKey())
                .insecure(true).build()))
                .isInstanceOfSatisfying(AuthenticationException.class,
                        e -> assertThat(e.reason()).isEqualTo(AuthenticationException.Reason.USERNAME_NEEDED))
                .hasMessageContaining("set TRUENAS_USERNAME").hasMessageContaining("not verified")
                .hasMessageNotContaining(emulator.apiKey());
        assertThat(emulator.calls().count("auth.login_with_api_key")).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = Release.class, names = {"V26_0", "V27_0"})
    void withScramAMissingUsernameIsAnErrorSayingWhatToSetAndNothingIsSent(Release release) {
        TrueNasEmulator emulator = emulator(release);

        assertThatThrownBy(() -> connect(settings(emulator, emulator.url()).build()))
                .isInstanceOfSatisfying(AuthenticationException.class,
                        e -> assertThat(e.reason()).isEqualTo(AuthenticationException.Reason.USERNAME_NEEDED))
                .hasMessageContaining("set TRUENAS_USERNAME").hasMessageContaining("SCRAM");
        assertThat(emulator.calls().count("auth.login_with_api_key")).isZero();
        assertThat(emulator.calls().count("auth.login_ex")).isZero();
    }

    @Test
    void scramConfiguredOnANasWithoutScramIsAnErrorThatSaysSo() {
        TrueNasEmulator emulator = emulator(Release.V25_10);

        assertThatThrownBy(() -> connect(settings(emulator, emulator.url()).username(emulator.username())
                .apiKeyMechanism(ApiKeyMechanism.SCRAM).build()))
                .isInstanceOfSatisfying(AuthenticationException.class,
                        e -> assertThat(e.reason()).isEqualTo(AuthenticationException.Reason.MECHANISM))
                .hasMessageContaining("does not offer SCRAM").hasMessageContaining("TRUENAS_API_KEY_MECHANISM=plain");
        assertThat(emulator.calls().count("auth.login_ex")).isZero();
    }

    @Test
    void plainConfiguredOnTwentySixSendsTheKeyWithApiKeyPlain() {
        TrueNasEmulator emulator = emulator(Release.V26_0);

        connect(settings(emulator, emulator.url()).username(emulator.username())
                .apiKeyMechanism(ApiKeyMechanism.PLAIN).build());

        assertThat(emulator.calls().scramLogins()).isEmpty();
        assertThat(emulator.calls().count("auth.login_ex")).isEqualTo(1);
    }

    @Test
    void aNasThatOfferedScramAndNoLongerDoesIsNotSentTheKey() {
        TrueNasEmulator emulator = emulator(Release.V26_0);
        TrueNasClient client = connect(settings(emulator, emulator.url()).username(emulator.username()).build());
        emulator.calls().reset();

        emulator.upgradeTo(Release.V25_10); // as a proxy stripping SCRAM from the unauthenticated list would look

        await().atMost(Duration.ofSeconds(20)).until(() -> emulator.calls().count("auth.mechanism_choices") >= 1);
        assertThat(client.isConnected()).isFalse();
        assertThat(emulator.calls().count("auth.login_ex")).isZero();
        assertThat(emulator.calls().count("auth.login_with_api_key")).isZero();
    }

    @Test
    void aWrongKeyIsRefusedWithScramWithoutRevokingIt() {
        TrueNasEmulator emulator = emulator(Release.V26_0);
        String wrong = emulator.apiKey().substring(0, emulator.apiKey().indexOf('-') + 1) + "x".repeat(64);

        assertThatThrownBy(() -> connect(ConnectionSettings.builder(emulator.url()).apiKey(wrong)
                .username(emulator.username()).tlsFingerprint(emulator.tlsFingerprint()).build()))
                .isInstanceOfSatisfying(AuthenticationException.class,
                        e -> assertThat(e.reason()).isEqualTo(AuthenticationException.Reason.AUTH_ERR))
                .hasMessageContaining("(SCRAM, AUTH_ERR)").hasMessageNotContaining("x".repeat(64));
        assertThat(emulator.apiKeyRevoked()).isFalse();
    }

    @Test
    void onTheUnixSocketTwentySixRefusesTheKeyAndTheMessageSaysToUseThePeerCredentials() throws Exception {
        Path dir = Files.createTempDirectory("tg-scram-sock");
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults().withRelease(Release.V26_0)
                .withUnixSocket(dir.resolve("middlewared.sock"), 1234));

        assertThatThrownBy(() -> connect(ConnectionSettings.builder(emulator.unixSocketUrl())
                .apiKey(emulator.apiKey()).username(emulator.username()).build()))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("TrueNAS 26.0 takes API keys over TCP only")
                .hasMessageContaining("peer credentials");
    }
}
