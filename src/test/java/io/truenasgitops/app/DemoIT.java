package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

/**
 * The README's first command runs {@code demo}: the example stacks in {@code stacks-example/}, pushed into a
 * local Git repository, reconciled into the emulated TrueNAS. One pass of it must apply every stack cleanly.
 */
@QuarkusMainTest
class DemoIT {

    @Test
    @Launch({"demo", "--once"})
    void oneDemoPassAppliesEveryExampleStackCleanly(LaunchResult result) {
        assertThat(result.exitCode()).as(result.getOutput() + result.getErrorOutput()).isZero();
        String out = result.getOutput();
        assertThat(out).contains("create   traefik").contains("create   nextcloud").contains("create   monitoring")
                .contains("create   jellyfin");
        // jellyfin says state: stopped (status stopped, not suspended); every other stack must be up and healthy after the pass.
        assertThat(out).containsPattern("(?m)^traefik\\s+healthy$").containsPattern("(?m)^nextcloud\\s+healthy$")
                .containsPattern("(?m)^monitoring\\s+healthy$").containsPattern("(?m)^jellyfin\\s+stopped$");
        assertThat(result.getErrorOutput()).doesNotContain("ERROR");
    }
}
