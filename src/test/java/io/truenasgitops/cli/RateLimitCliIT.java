package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A script that runs commands faster than the NAS allows logins (the middleware: 20 a minute from one address)
 * gets its command done all the same: the CLI says why it waits, and tries again.
 */
@QuarkusMainTest
class RateLimitCliIT {

    static TrueNasEmulator emulator;
    static Path keyFile;

    @BeforeAll
    static void startEmulator() throws Exception {
        if (java.security.Security.getProvider("BC") == null) {
            java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
        // the refusal is a fault the test arms (refuseForRateLimit), not a window on the clock: a slow machine
        // that takes longer than the window between two commands once saw no refusal at all
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withRateLimit(20, Duration.ofSeconds(60),
                Duration.ZERO));
        keyFile = Files.createTempFile("truenas-key", ".txt");
        Files.writeString(keyFile, emulator.apiKey() + "\n");
    }

    @AfterAll
    static void stopEmulator() throws Exception {
        emulator.close();
        Files.deleteIfExists(keyFile);
    }

    static String[] list() {
        return new String[] {"apps", "list", "--url", "wss://localhost:" + emulator.port(), "--api-key-file",
            keyFile.toString(), "--username", emulator.username(), "--tls-fingerprint", emulator.tlsFingerprint()};
    }

    @Test
    void aLoginRefusedForTheRateLimitIsTriedAgainAfterSayingWhy(QuarkusMainLauncher launcher) {
        LaunchResult first = launcher.launch(list());
        assertThat(first.exitCode()).isZero();
        emulator.faults().refuseForRateLimit(1);

        LaunchResult second = launcher.launch(list());

        assertThat(second.exitCode()).as(second.getErrorOutput()).isZero();
        assertThat(second.getErrorOutput()).contains("it allows 20 logins a minute from one address")
                .contains("trying again in 10 s (try 2 of 4)");
        assertThat(second.getErrorOutput()).doesNotContain(emulator.apiKey());
        assertThat(second.getErrorOutput()).doesNotContain("try 3 of 4");
    }
}
