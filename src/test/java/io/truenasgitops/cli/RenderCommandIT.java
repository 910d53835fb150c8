package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

@QuarkusMainTest
class RenderCommandIT {

    static final String NEXTCLOUD = "stacks-example/stacks/nextcloud";
    static final String SECRETS = "stacks-example/secrets.example";

    @Test
    void renderPrintsTheStampedComposeWithItsHashAndMasksSecrets(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("render", NEXTCLOUD, "--secrets-dir", SECRETS);
        assertThat(result.exitCode()).as(result.getErrorOutput()).isZero();
        String out = String.join("\n", CliOutput.lines(result)) + "\n";
        assertThat(out).startsWith("# app: nextcloud\n# hash: ");
        assertThat(out).contains("POSTGRES_PASSWORD: '***'").doesNotContain("change-me-nextcloud-db");
        assertThat(out).contains("x-truenas-gitops:").contains("revision: local").contains("path: stacks/nextcloud")
                .contains("source: file:");
        // env_file inlined, interpolation done.
        assertThat(out).contains("PHP_UPLOAD_LIMIT: 10G").contains("image: nextcloud:30.0.2-apache")
                .doesNotContain("env_file");
    }

    @Test
    void anInvalidStackExitsOneWithItsProblemsOnStderr(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("render", "src/test/resources/repos/broken/stacks/builds");
        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(CliOutput.lines(result)).noneMatch(l -> l.contains("services"));
        assertThat(result.getErrorOutput()).contains("services.api.build");
    }

}
