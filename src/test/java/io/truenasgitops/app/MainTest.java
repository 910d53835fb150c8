package io.truenasgitops.app;

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
}
