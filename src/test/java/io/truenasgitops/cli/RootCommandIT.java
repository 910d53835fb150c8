package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

@QuarkusMainTest
class RootCommandIT {

    @Test
    @Launch("--help")
    void helpListsTheExitCodes(LaunchResult result) {
        assertThat(result.exitCode()).isZero();
        assertThat(result.getOutput()).contains("Exit codes:").contains("usage or configuration error");
    }

    @Test
    @Launch(value = "no-such-command", exitCode = 2)
    void anUnknownCommandIsAUsageError(LaunchResult result) {
        assertThat(result.getErrorOutput()).contains("no-such-command");
    }
}
