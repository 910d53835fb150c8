package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.truenasgitops.truenas.ConnectionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetsConfigTest {

    static TargetsConfig config(Map<String, String> properties, Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .withSources(new EnvConfigSource(env, 300))
                .withMapping(TargetsConfig.class)
                .build();
        return config.getConfigMapping(TargetsConfig.class);
    }

    @Test
    void aSecondTargetCanBeAddedWithEnvironmentVariablesOnly(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("key"), "1-abc\n");
        TargetsConfig targets = config(Map.of("truenas-gitops.targets.default.url", "wss://nas.local"),
                Map.of("TRUENAS_GITOPS_TARGETS_BACKUP_URL", "wss://backup.local",
                        "TRUENAS_GITOPS_TARGETS_BACKUP_API_KEY_FILE", key.toString()));

        Map<String, ConnectionSettings> settings = Daemon.settingsFromConfig(targets);

        assertThat(settings).containsOnlyKeys("default", "backup");
        assertThat(settings.get("backup").url()).isEqualTo("wss://backup.local");
        assertThat(settings.get("backup").apiKey()).isEqualTo("1-abc");
    }

    @Test
    void aTargetLogsInWithTheSessionTokenOfItsFileWhichItsSettingsNeverShow(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("session-token"), "tok-3f9a\n");
        TargetsConfig targets = config(Map.of("truenas-gitops.targets.default.url", "wss://nas.local"),
                Map.of("TRUENAS_GITOPS_TARGETS_DEFAULT_SESSION_TOKEN_FILE", token.toString()));

        ConnectionSettings settings = Daemon.settingsFromConfig(targets).get("default");

        assertThat(settings.sessionToken()).isEqualTo("tok-3f9a");
        assertThat(settings.apiKey()).isNull();
        assertThat(settings.toString()).doesNotContain("tok-3f9a");
    }

    @Test
    void aTargetWithoutUrlIsNotConfigured() {
        TargetsConfig targets = config(Map.of("truenas-gitops.targets.default.url", "",
                "truenas-gitops.targets.default.username", "admin"), Map.of());
        assertThat(Daemon.settingsFromConfig(targets)).isEmpty();
    }

    @Test
    void aMissingKeyFileNamesTheKeyToFix(@TempDir Path dir) {
        TargetsConfig targets = config(Map.of("truenas-gitops.targets.default.url", "wss://nas.local",
                "truenas-gitops.targets.default.api-key-file", dir.resolve("nope").toString()), Map.of());
        assertThatThrownBy(() -> Daemon.settingsFromConfig(targets))
                .hasMessageContaining("truenas-gitops.targets.default.api-key-file");
    }
}
