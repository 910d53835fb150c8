package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.truenas.ConnectionSettings;
import io.truenasgitops.truenas.TrueNasClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --session-token-file}: a token made on a logged-in session instead of an API key. */
@QuarkusMainTest
class SessionTokenCliIT {

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;
    Path tokenFile;
    String token;

    @BeforeEach
    void setUp() throws Exception {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        try (TrueNasClient admin = TrueNasClient.connect(ConnectionSettings.builder(emulator.url())
                .apiKey(emulator.apiKey()).username(emulator.username()).tlsFingerprint(emulator.tlsFingerprint())
                .build())) {
            token = admin.call("auth.generate_token", 600, Map.of(), true, true).asText();
        }
        tokenFile = tmp.resolve("session-token");
        Files.writeString(tokenFile, token + "\n");
    }

    @AfterEach
    void tearDown() {
        emulator.close();
    }

    LaunchResult appsList(QuarkusMainLauncher launcher) {
        return launcher.launch("apps", "list", "--url", emulator.url(), "--session-token-file", tokenFile.toString(),
                "--tls-fingerprint", emulator.tlsFingerprint());
    }

    @Test
    void aSessionTokenFileLogsTheCommandIn(QuarkusMainLauncher launcher) {
        emulator.calls().reset();

        LaunchResult r = appsList(launcher);

        assertThat(r.exitCode()).as(r.getErrorOutput()).isZero();
        assertThat(emulator.calls().count("auth.login_ex")).isEqualTo(1);
        assertThat(emulator.calls().count("app.query")).isEqualTo(1);
        assertThat(r.getOutput() + r.getErrorOutput()).doesNotContain(token);
    }

    @Test
    void aTokenUsedUpByAnEarlierRunIsRefusedWithWhatToDoAndExitThree(QuarkusMainLauncher launcher) {
        assertThat(appsList(launcher).exitCode()).isZero();

        LaunchResult again = appsList(launcher);

        assertThat(again.exitCode()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(again.getErrorOutput()).contains("error: login to ", "the NAS refused the session token",
                "single-use", "auth.generate_token").doesNotContain(token);
    }

    @Test
    void anExpiredTokenSaysItMayHaveExpired(QuarkusMainLauncher launcher) {
        emulator.ageSessionTokens(Duration.ofMinutes(11));

        LaunchResult r = appsList(launcher);

        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(r.getErrorOutput()).contains("it expired");
    }
}
