package io.truenasgitops.reconcile;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.ConnectionSettings;
import io.truenasgitops.truenas.TrueNasClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The contract through the real client against the emulator (the reference the fake must follow). */
class EmulatorContractIT extends AppsApiContract {

    static TrueNasEmulator emulator;
    static TrueNasClient client;

    @BeforeAll
    static void start() {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withDeployDelay(Duration.ZERO));
        client = TrueNasClient.connect(ConnectionSettings.builder(emulator.url()).apiKey(emulator.apiKey())
                .tlsFingerprint(emulator.tlsFingerprint()).build());
    }

    @BeforeEach
    void emptyNas() {
        emulator.apps().list().forEach(a -> emulator.apps().remove(a.name()));
    }

    @AfterAll
    static void stop() {
        client.close();
        emulator.close();
    }

    @Override
    AppsApi api() {
        return client.apps();
    }
}
