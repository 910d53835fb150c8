package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/container-test.sh} without a Docker Engine: a contributor's machine skips it with a clear message,
 * CI must not. (With an engine, .ci/run runs the whole script.)
 */
class ContainerTestScriptTest {

    record Run(int exitCode, List<String> lines) {}

    static Run runWithoutEngine(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "deploy/container-test.sh").redirectErrorStream(true);
        pb.environment().remove("CI");
        // A socket that does not exist: no engine answers, whatever runs on this machine.
        pb.environment().put("DOCKER_HOST", "unix:///nonexistent/truenas-gitops-container-test.sock");
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), output.lines().toList());
    }

    @Test
    void withoutAnEngineAContributorsRunSkipsAndSaysHowToGetOne() throws Exception {
        Run run = runWithoutEngine(Map.of());

        assertThat(run.exitCode()).isZero();
        assertThat(String.join("\n", run.lines())).contains("SKIPPED: no Docker Engine answers")
                .contains(".ci/docker-engine.sh");
        assertThat(run.lines()).last().isEqualTo("0 passed, 0 failed");
    }

    @Test
    void withoutAnEngineCiFailsInsteadOfSkipping() throws Exception {
        Run run = runWithoutEngine(Map.of("CI", "true"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(String.join("\n", run.lines())).contains("FAILED: no Docker Engine answers")
                .contains("CI must run").doesNotContain("SKIPPED");
        assertThat(run.lines()).last().isEqualTo("0 passed, 1 failed");
    }
}
