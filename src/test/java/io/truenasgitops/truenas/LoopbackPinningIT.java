package io.truenasgitops.truenas;

import static io.truenasgitops.truenas.TrueNasClientIT.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The plain-{@code ws://} loopback rule against DNS rebinding: the addresses are looked up once, and the
 * connection goes to exactly those. Resolvers here are the test's own; nothing ever connects outside loopback
 * (a name answering elsewhere is refused before any connect).
 */
class LoopbackPinningIT {

    private final List<AutoCloseable> closeLater = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeLater.size() - 1; i >= 0; i--) {
            closeLater.get(i).close();
        }
    }

    /** Answers 127.0.0.1 the first time and 192.0.2.1 (TEST-NET-1) every time after: a rebinding name. */
    static final class Rebinding implements Endpoint.Resolver {
        final AtomicInteger lookups = new AtomicInteger();

        @Override
        public InetAddress[] resolve(String host) throws java.net.UnknownHostException {
            byte[] address = lookups.getAndIncrement() == 0 ? new byte[] {127, 0, 0, 1} : new byte[] {(byte) 192, 0, 2, 1};
            return new InetAddress[] {InetAddress.getByAddress(host, address)};
        }
    }

    TrueNasEmulator plainEmulator() {
        TrueNasEmulator emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withPlainListener(true, null));
        closeLater.add(emulator);
        return emulator;
    }

    static String rebindingUrl(TrueNasEmulator emulator) {
        return "ws://rebind.localhost:" + java.net.URI.create(emulator.plainUrl()).getPort() + "/api/current";
    }

    @Test
    void aNameThatRebindsAfterTheCheckStillGetsTheKeyOnlyAtTheAddressTheCheckSaw() {
        TrueNasEmulator emulator = plainEmulator();
        Rebinding resolver = new Rebinding();

        MiddlewareClient client = MiddlewareClient.connect(
                settings(emulator, rebindingUrl(emulator)).tlsFingerprint(null).build(), null, resolver);
        closeLater.add(client);

        assertThat(client.isConnected()).isTrue();
        assertThat(emulator.calls().count("auth.login_with_api_key") + emulator.calls().count("auth.login_ex"))
                .as("the key was sent to the emulator on 127.0.0.1").isEqualTo(1);
        assertThat(client.apps().list(false)).isEmpty();
        assertThat(resolver.lookups.get()).as("looked up once, never again for the connection").isEqualTo(1);
    }

    @Test
    void aReconnectGoesToTheSameAddressWithoutLookingTheNameUpAgain() {
        TrueNasEmulator emulator = plainEmulator();
        Rebinding resolver = new Rebinding();
        MiddlewareClient client = MiddlewareClient.connect(
                settings(emulator, rebindingUrl(emulator)).tlsFingerprint(null).build(), null, resolver);
        closeLater.add(client);
        emulator.calls().reset();

        emulator.restartMiddleware();

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(client.apps().list(false)).isEmpty());
        assertThat(emulator.calls().count("auth.login_with_api_key") + emulator.calls().count("auth.login_ex"))
                .isGreaterThanOrEqualTo(1);
        assertThat(resolver.lookups.get()).isEqualTo(1);
    }

    @Test
    void aNameAnsweringOnlyElsewhereIsRefusedBeforeAnyConnect() {
        TrueNasEmulator emulator = plainEmulator();
        AtomicInteger lookups = new AtomicInteger();
        Endpoint.Resolver elsewhere = host -> {
            lookups.incrementAndGet();
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {(byte) 192, 0, 2, 1})};
        };

        assertThatThrownBy(() -> closeLater.add(MiddlewareClient.connect(
                        settings(emulator, rebindingUrl(emulator)).tlsFingerprint(null).build(), null, elsewhere)))
                .isInstanceOf(InsecureTransportException.class)
                .hasMessageContaining("refusing to send the API key")
                .hasMessageNotContaining(emulator.apiKey());
        assertThat(lookups.get()).isEqualTo(1);
        assertThat(emulator.calls().snapshot()).isEmpty();
    }
}
