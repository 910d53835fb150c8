package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.truenasgitops.cli.ExitCodes;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code serve} with a target but no Git URL: a setting that cannot work, so exit 2 (as its help promises) with the
 * one line saying which setting to give, not exit 1 and not a trace.
 */
@QuarkusMainTest
@TestProfile(ServeWithoutGitUrlIT.NoGitUrl.class)
class ServeWithoutGitUrlIT {

    /** A usable target, no {@code truenas-gitops.git.url}. */
    public static class NoGitUrl implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "truenas-gitops.targets.default.url", "wss://127.0.0.1:1",
                    "truenas-gitops.targets.default.api-key-file", StartupCheckIT.DIR.resolve("not-a-key").toString(),
                    "truenas-gitops.state-dir", StartupCheckIT.DIR.resolve("state-no-git").toString(),
                    "quarkus.http.test-port", "0");
        }
    }

    @Test
    void serveWithoutAGitUrlSaysWhichSettingToGiveAndExitsTwo(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("serve");

        assertThat(r.exitCode()).as(r.getOutput() + r.getErrorOutput()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.getErrorOutput().lines().filter(l -> l.startsWith("error: ")).toList())
                .containsExactly("error: no git source configured: set truenas-gitops.git.url (env"
                        + " TRUENAS_GITOPS_GIT_URL)");
        assertThat(r.getErrorOutput()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
