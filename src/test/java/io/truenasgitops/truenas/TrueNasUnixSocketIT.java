package io.truenasgitops.truenas;

import static io.truenasgitops.truenas.TrueNasClientIT.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.Release;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client over a unix socket ({@code ws+unix://}), as a container with the middleware's socket mounted talks
 * to the NAS: login by peer uid, API keys over the socket, jobs, reconnects, and what a broken mount looks like.
 */
class TrueNasUnixSocketIT {
    static final int ROOT = 0;
    static final int IMAGE_UID = 10001;

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeLater.size() - 1; i >= 0; i--) {
            closeLater.get(i).close();
        }
    }

    Path socket() {
        return dir.resolve("middlewared.sock");
    }

    TrueNasEmulator emulator(Integer peerUid) {
        return emulator(EmulatorOptions.defaults().withUnixSocket(socket(), peerUid));
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

    String url() {
        return "ws+unix://" + socket();
    }

    @ParameterizedTest
    @CsvSource({"0, root", "950, truenas_admin"})
    void aPeerUidTheMiddlewareKnowsIsLoggedInWithoutAnyCredentials(int uid, String user) {
        TrueNasEmulator emulator = emulator(uid);
        TrueNasClient client = connect(ConnectionSettings.builder(emulator.unixSocketUrl()).build());

        assertThat(client.protocol()).isEqualTo(Protocol.JSONRPC);
        assertThat(client.endpoint()).isEqualTo(url());
        assertThat(client.call("auth.me").path("pw_name").asText()).isEqualTo(user);
        assertThat(client.apps().list(false)).isEmpty();
        assertThat(emulator.calls().count("auth.login_ex")).isZero();
        assertThat(emulator.calls().count("auth.login_with_api_key")).isZero();
    }

    @Test
    void theEmulatorReadsTheRealPeerUidOfTheSocket() throws Exception {
        TrueNasEmulator emulator = emulator((Integer) null);
        // Whatever uid runs the tests, an API key logs it in; the emulator saw the kernel's peer uid.
        connect(ConnectionSettings.builder(url()).apiKey(emulator.apiKey()).username(emulator.username()).build());
        int ownUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assertThat(emulator.unixPeerUids()).containsExactly(ownUid);
    }

    @Test
    void anUnknownUidWithoutCredentialsIsToldHowToGetIn() {
        TrueNasEmulator emulator = emulator(IMAGE_UID);
        assertThatThrownBy(() -> connect(ConnectionSettings.builder(url()).build()))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("login to " + url() + " failed")
                .hasMessageContaining("did not log in this process")
                .hasMessageContaining("root (uid 0, full admin rights)")
                .hasMessageContaining("TRUENAS_API_KEY_FILE")
                .hasMessageContaining("docs/security.md");
        assertThat(emulator.calls().count("auth.me")).isEqualTo(1);
        assertThat(emulator.calls().count("app.query")).isZero();
    }

    @Test
    void anUnknownUidLogsInWithAnApiKeyOverTheSocketWithoutRevokingIt() {
        TrueNasEmulator emulator = emulator(IMAGE_UID);
        TrueNasClient client = connect(ConnectionSettings.builder(url())
                .apiKey(emulator.apiKey()).username(emulator.username()).build());

        assertThat(client.apps().list(false)).isEmpty();
        assertThat(emulator.calls().count("auth.login_ex")).isEqualTo(1);
        // A unix socket is a secure transport: the key is not revoked (it would be over ws:// from another host).
        assertThat(emulator.apiKeyRevoked()).isFalse();
    }

    @Test
    void loginsOnTheSocketAreNeverRateLimited() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults().withUnixSocket(socket(), IMAGE_UID)
                .withRateLimit(2, Duration.ofSeconds(60), Duration.ZERO).withFailedLoginDelay(Duration.ZERO));
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> connect(ConnectionSettings.builder(url())
                            .apiKey(TrueNasAuthAndTlsIT.WRONG_KEY).username(emulator.username()).build()))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessageNotContaining(TrueNasAuthAndTlsIT.WRONG_KEY);
        }
        assertThat(emulator.calls().count("auth.login_ex")).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"JSONRPC", "LEGACY"})
    void aJobRunsToItsEndOverTheSocket(Protocol protocol) {
        TrueNasEmulator emulator = emulator(ROOT);
        TrueNasClient client = connect(ConnectionSettings.builder(url()).protocol(protocol).build());
        List<Job> updates = new CopyOnWriteArrayList<>();

        App created = client.apps().create("web", WEB, updates::add);

        assertThat(client.protocol()).isEqualTo(protocol);
        assertThat(created.name()).isEqualTo("web");
        assertThat(updates).extracting(Job::state).last().isEqualTo("SUCCESS");
        assertThat(updates).extracting(Job::progressPercent).contains(100);
        assertThat(client.apps().list(false)).extracting(App::name).containsExactly("web");
        assertThat(emulator.calls().count("app.create")).isEqualTo(1);
    }

    @Test
    void aUrlWithoutProtocolProbesTheSocketAndSpeaksLegacyTo2410() {
        emulator(EmulatorOptions.defaults().withUnixSocket(socket(), ROOT).withRelease(Release.V24_10));
        TrueNasClient client = connect(ConnectionSettings.builder(url()).build());
        assertThat(client.protocol()).isEqualTo(Protocol.LEGACY);
        assertThat(client.apps().list(false)).isEmpty();
    }

    @Test
    void anAnswerOver64KiBArrivesWhole() {
        TrueNasEmulator emulator = emulator(ROOT);
        TrueNasClient client = connect(ConnectionSettings.builder(url()).build());
        for (int i = 0; i < 3; i++) {
            // Each request stays under the 64 KiB the middleware accepts; together the answer is ~150 KiB.
            emulator.apps().put("big" + i, Map.of("services", Map.of("web", Map.of("image", "nginx:1.27",
                    "environment", Map.of("PADDING", "x".repeat(50_000))))), "RUNNING");
        }
        List<App> apps = client.apps().list(true);
        assertThat(apps).hasSize(3);
        assertThat(apps).allSatisfy(a -> assertThat(a.config().toString()).contains("x".repeat(50_000)));
    }

    @Test
    void nginxsIdleTimeoutDoesNotApplyOnTheSocket() {
        TrueNasEmulator emulator = emulator(EmulatorOptions.defaults().withUnixSocket(socket(), ROOT)
                .withIdleTimeout(Duration.ofMillis(200)));
        TrueNasClient client = connect(ConnectionSettings.builder(url()).pingInterval(Duration.ofMinutes(5)).build());
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5)).until(client::isConnected);
        assertThat(client.apps().list(false)).isEmpty();
        assertThat(emulator.calls().count("auth.me")).isEqualTo(1);
    }

    @Test
    void theClientReconnectsWhenTheMiddlewareComesBackOnTheSameSocketPath() {
        TrueNasEmulator first = emulator(ROOT);
        TrueNasClient client = connect(ConnectionSettings.builder(url())
                .reconnectInitialDelay(Duration.ofMillis(50)).reconnectMaxDelay(Duration.ofMillis(200)).build());
        assertThat(client.apps().list(false)).isEmpty();

        first.close();
        await().until(() -> !client.isConnected());
        TrueNasEmulator second = emulator(ROOT);
        second.apps().put("web", WEB, "RUNNING");

        await().until(client::isConnected);
        assertThat(client.apps().list(false)).extracting(App::name).containsExactly("web");
        assertThat(second.calls().count("auth.me")).isEqualTo(1);
        assertThat(second.calls().count("core.subscribe")).isEqualTo(1);
    }

    @Test
    void aMissingSocketFileSaysToMountTheMiddlewareDirectory() {
        String missing = "ws+unix://" + dir.resolve("run/middleware/middlewared.sock");
        assertThatThrownBy(() -> connect(ConnectionSettings.builder(missing).build()))
                .isInstanceOf(ConnectionLostException.class)
                .hasMessageContaining("cannot connect to " + missing)
                .hasMessageContaining("neither the socket file nor its directory")
                .hasMessageContaining("/var/run/middleware:/var/run/middleware");
    }

    @Test
    void aSocketNobodyListensOnSaysTheMiddlewareIsDown() throws Exception {
        // Binding and closing leaves the socket file behind with nobody listening: a stopped middleware.
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket()));
        }
        assertThat(socket()).exists();
        assertThatThrownBy(() -> connect(ConnectionSettings.builder(url()).build()))
                .isInstanceOf(ConnectionLostException.class)
                .hasMessageContaining("nothing listens on the socket")
                .hasMessageContaining("systemctl status middlewared");
    }

    @Test
    void aFileThatIsNoSocketIsNamedAsSuch() throws Exception {
        Files.writeString(socket(), "not a socket");
        assertThatThrownBy(() -> connect(ConnectionSettings.builder(url()).build()))
                .isInstanceOf(ConnectionLostException.class)
                .hasMessageContaining(socket() + " is not a unix socket but a file");
    }

    @Test
    void aVertxWithoutTheNativeTransportIsRefusedBeforeConnecting() {
        io.vertx.core.Vertx plain = io.vertx.core.Vertx.vertx();
        closeLater.add(() -> plain.close().toCompletionStage().toCompletableFuture().get());
        assertThatThrownBy(() -> TrueNasClient.connect(ConnectionSettings.builder(url()).build(), plain))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("unix sockets need Netty's native epoll transport")
                .hasMessageContaining("setPreferNativeTransport(true)");
    }
}
