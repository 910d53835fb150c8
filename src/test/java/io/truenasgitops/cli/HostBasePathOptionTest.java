package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @TempDir
    Path repo;

    @Test
    void validateListsTheDataFoldersASyncCreatesWithTheirOwners() throws Exception {
        Path dir = Files.createDirectories(repo.resolve("stacks/db"));
        Files.writeString(dir.resolve("compose.yaml"), "services:\n  db:\n    image: postgres:16\n"
                + "    user: \"999:999\"\n    volumes:\n      - ./data:/var/lib/postgresql/data\n");

        StackCommandsTest.Run r = StackCommandsTest.run("validate", repo.toString(), "--host-base-path",
                "/mnt/tank/apps");

        assertThat(r.exitCode()).as(r.out()).isZero();
        assertThat(r.lines()).containsExactly("stacks/db: data folder /mnt/tank/apps/db/data (owner 999:999, service"
                + " db) is created on the NAS if missing", "ok: 1 stack checked, 1 valid, 0 invalid; 0 errors, 0"
                + " warnings");
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
