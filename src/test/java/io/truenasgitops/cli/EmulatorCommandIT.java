package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

@QuarkusMainTest
class EmulatorCommandIT {

    @Test
    @Launch(value = {"emulator", "--host", "192.0.2.1"}, exitCode = 2)
    void refusesANonLoopbackHostWithoutTheExplicitFlag(LaunchResult result) {
        assertThat(result.getErrorOutput()).contains("refusing to bind non-loopback address '192.0.2.1'")
                .contains("--allow-non-loopback");
    }

    @Test
    @Launch({"emulator", "--help"})
    void helpDescribesTheReadyFileAndTheUnixSocket(LaunchResult result) {
        assertThat(result.getOutput()).contains("--ready-file").contains("--release")
                .contains("--unix-socket").contains("--unix-peer-uid").contains("--docker").contains("--docker-host")
                .contains("--ix-apps-dir").contains("V25_10");
    }

    @Test
    @Launch(value = {"emulator", "--ix-apps-dir", "/tmp/nowhere"}, exitCode = 2)
    void anAppsFolderWithoutDockerIsAUsageError(LaunchResult result) {
        assertThat(result.getErrorOutput()).contains("--ix-apps-dir needs --docker");
    }

    @Test
    @Launch(value = {"emulator", "--docker-host", "unix:///nonexistent/tge2e-docker.sock"}, exitCode = 1)
    void dockerWithoutAnEngineSaysWhereItLookedAndWhatToDo(LaunchResult result) {
        assertThat(result.getErrorOutput()).contains("no Docker Engine answers at unix:///nonexistent/tge2e-docker.sock")
                .contains("--docker-host/DOCKER_HOST");
    }

    @Test
    @Launch(value = {"emulator", "--unix-peer-uid", "10001"}, exitCode = 2)
    void aPeerUidWithoutAUnixSocketIsAUsageError(LaunchResult result) {
        assertThat(result.getErrorOutput()).contains("--unix-peer-uid needs --unix-socket");
    }
}
