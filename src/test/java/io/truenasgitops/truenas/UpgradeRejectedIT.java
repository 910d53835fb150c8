package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A refused WebSocket upgrade says what the HTTP status means: 5xx is a middleware restarting, not a 24.10. */
class UpgradeRejectedIT {

    TrueNasEmulator emulator;

    @BeforeEach
    void start() {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void aServiceUnavailableDuringAMiddlewareRestartIsRetryableAndNotBlamedOnTheRelease() {
        emulator.faults().rejectUpgrades(503);

        ConnectionLostException e = catchThrowableOfType(ConnectionLostException.class, () -> TrueNasClient.connect(
                ConnectionSettings.builder(emulator.url()).apiKey(emulator.apiKey())
                        .tlsFingerprint(emulator.tlsFingerprint()).build()));

        assertThat(e.getMessage()).contains("refused the WebSocket upgrade (HTTP 503)")
                .contains("starting, restarting or overloaded").doesNotContain("24.10");
        assertThat(e.isRetryable()).isTrue();
    }
}
