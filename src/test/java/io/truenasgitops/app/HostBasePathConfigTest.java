package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.truenasgitops.stacks.StacksOptions;
import io.truenasgitops.truenas.InvalidSettingsException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The daemon's host base paths: one for every target, one per target that wins, never a relative one. */
class HostBasePathConfigTest {

    static StacksOptions options(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .withMapping(TargetsConfig.class).withMapping(StacksConfig.class)
                .build();
        return Daemon.stacksOptions(config.getConfigMapping(StacksConfig.class),
                config.getConfigMapping(TargetsConfig.class));
    }

    @Test
    void aTargetsOwnHostBasePathWinsAndTheOthersUseTheGlobalOne() {
        StacksOptions options = options(Map.of("truenas-gitops.stacks.host-base-path", "/mnt/tank/apps",
                "truenas-gitops.targets.default.url", "wss://nas.local",
                "truenas-gitops.targets.backup.url", "wss://backup.local",
                "truenas-gitops.targets.backup.host-base-path", "/mnt/backup/apps"));

        assertThat(options.hostBasePathFor("backup")).isEqualTo(Path.of("/mnt/backup/apps"));
        assertThat(options.hostBasePathFor("default")).isEqualTo(Path.of("/mnt/tank/apps"));
    }

    @Test
    void aRelativeHostBasePathIsRefusedAtStartNamingTheSetting() {
        assertThatThrownBy(() -> options(Map.of("truenas-gitops.targets.backup.url", "wss://backup.local",
                "truenas-gitops.targets.backup.host-base-path", "apps")))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessage("truenas-gitops.targets.backup.host-base-path must be an absolute path on the NAS, such as"
                        + " /mnt/tank/apps, not 'apps'");
    }
}
