package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.truenas.ConnectionSettings;
import io.truenasgitops.truenas.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConnectionOptionsTest {

    @TempDir
    Path dir;

    private final Function<String, String> original = ConnectionOptions.environment;

    @AfterEach
    void restore() {
        ConnectionOptions.environment = original;
    }

    static ConnectionOptions parse(String... args) {
        ConnectionOptions options = new ConnectionOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void theEnvironmentFillsWhatNoFlagGives() {
        ConnectionOptions.environment = Map.of(
                "TRUENAS_URL", "wss://nas.local",
                "TRUENAS_API_KEY", "1-envkey",
                "TRUENAS_USERNAME", "admin",
                "TRUENAS_TLS_FINGERPRINT", "AB",
                "TRUENAS_PROTOCOL", "legacy")::get;
        ConnectionSettings s = parse().settings();
        assertThat(s.url()).isEqualTo("wss://nas.local");
        assertThat(s.apiKey()).isEqualTo("1-envkey");
        assertThat(s.username()).isEqualTo("admin");
        assertThat(s.protocol()).isEqualTo(Protocol.LEGACY);
    }

    @Test
    void flagsWinOverTheEnvironmentAndKeysComeFromFiles() throws Exception {
        ConnectionOptions.environment = Map.of("TRUENAS_URL", "wss://env", "TRUENAS_API_KEY", "1-envkey")::get;
        Path key = dir.resolve("key");
        Files.writeString(key, "  1-filekey\n");
        ConnectionSettings s = parse("--url", "wss://flag", "--api-key-file", key.toString(), "--insecure").settings();
        assertThat(s.url()).isEqualTo("wss://flag");
        assertThat(s.apiKey()).isEqualTo("1-filekey");
        assertThat(s.insecure()).isTrue();
    }

    @Test
    void aMissingUrlOrUnreadableKeyFileIsAUsageError() {
        ConnectionOptions.environment = Map.<String, String>of()::get;
        assertThatThrownBy(() -> parse().settings()).isInstanceOf(UsageException.class)
                .hasMessageContaining("TRUENAS_URL");
        assertThatThrownBy(() -> parse("--url", "wss://x", "--api-key-file", dir.resolve("none").toString())
                        .settings())
                .isInstanceOf(UsageException.class).hasMessageContaining("cannot read the API key file");
    }
}
