package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The CLI's host base path: --host-base-path, else $TRUENAS_HOST_BASE_PATH; never a relative one. */
class HostBasePathOptionTest {

    @Test
    void theEnvironmentVariableIsUsedWhenTheOptionIsNotGiven() {
        assertThat(StackOptionsMixin.hostBasePath(null, "/mnt/tank/apps")).isEqualTo(Path.of("/mnt/tank/apps"));
    }

    @Test
    void theOptionWinsOverTheEnvironmentVariable() {
        assertThat(StackOptionsMixin.hostBasePath(Path.of("/mnt/fast/apps"), "/mnt/tank/apps"))
                .isEqualTo(Path.of("/mnt/fast/apps"));
        assertThat(StackOptionsMixin.hostBasePath(null, " ")).isNull();
    }

    @Test
    void aRelativeValueIsAUsageErrorNamingWhereItCameFrom() {
        assertThatThrownBy(() -> StackOptionsMixin.hostBasePath(null, "apps"))
                .isInstanceOf(UsageException.class)
                .hasMessage("TRUENAS_HOST_BASE_PATH must be an absolute path on the NAS, such as /mnt/tank/apps, not"
                        + " 'apps'");
        assertThatThrownBy(() -> StackOptionsMixin.hostBasePath(Path.of("apps"), null))
                .hasMessageStartingWith("--host-base-path must be an absolute path");
    }
}
