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

    @Test
    void demoDockerWithNoEngineSaysSoInOneLineWhateverWrapsTheError() throws Exception {
        var ctor = io.truenasgitops.emulator.DockerUnavailableException.class.getDeclaredConstructor(String.class);
        ctor.setAccessible(true);
        var missing = ctor.newInstance("no Docker Engine answers at unix:///x.sock; start one or point"
                + " --docker-host/DOCKER_HOST at it: Cannot connect to the Docker daemon\n  at unix:///x.sock");
        RuntimeException wrapped = new IllegalStateException("could not prepare the demo: boom", missing);

        assertThat(Main.dockerCause(wrapped)).isSameAs(missing);
        assertThat(Main.dockerCause(new IllegalStateException("other"))).isNull();
        assertThat(Main.dockerUnavailable(missing)).startsWith("error: demo --docker: no Docker Engine answers at"
                + " unix:///x.sock").doesNotContain("\n").contains("without --docker");
    }
}
