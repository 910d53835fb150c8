package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void demoSettingsYieldToTheEnvironmentVariableOfTheirKey() {
        // The demo sets its configuration as system properties unless the person set the key: -D, or this name.
        assertThat(Main.envName("truenas-gitops.reconcile.interval")).isEqualTo("TRUENAS_GITOPS_RECONCILE_INTERVAL");
        assertThat(Main.envName("quarkus.http.port")).isEqualTo("QUARKUS_HTTP_PORT");
        assertThat(Main.envName("truenas-gitops.targets.default.api-key-file"))
                .isEqualTo("TRUENAS_GITOPS_TARGETS_DEFAULT_API_KEY_FILE");
    }

    @Test
    void onlyServeAndDemoWithoutAHelpOrVersionFlagRunTheDaemon() {
        assertThat(Main.isDaemonRun("serve")).isTrue();
        assertThat(Main.isDaemonRun("demo", "--once")).isTrue();
        assertThat(Main.isDaemonRun("serve", "--help")).isFalse();
        assertThat(Main.isDaemonRun("demo", "--keep", "-h")).isFalse();
        assertThat(Main.isDaemonRun("demo", "--version")).isFalse();
        assertThat(Main.isDaemonRun("help", "serve")).isFalse();
        assertThat(Main.isDaemonRun("plan", "--repo", "x")).isFalse();
        assertThat(Main.isDaemonRun()).isFalse();
    }
}
