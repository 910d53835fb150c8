package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusMainTest
class ValidateCommandIT {

    static final String BROKEN = "src/test/resources/repos/broken";
    static final String EXAMPLE = "stacks-example";
    static final String EXAMPLE_SECRETS = "stacks-example/secrets.example";

    @Test
    void aFolderOfBrokenStacksListsEachProblemOnceWithItsLocationAndExitsOne(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("validate", BROKEN);
        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        List<String> lines = CliOutput.lines(result);
        assertThat(lines).doesNotHaveDuplicates();
        assertThat(lines).contains(
                "stacks/dup-keys/compose.yaml:6:5: error: services.web.image: duplicate key 'image': YAML allows each"
                        + " key once per mapping; remove or rename one of them",
                "stacks/bad-settings/stack.yaml:4:13: error: dependsOn[0]: depends on stack 'nope', which is not in the"
                        + " repository");
        assertThat(lines).anyMatch(l -> l.startsWith("stacks/builds/compose.yaml:5:5: error: services.api.build:"));
        assertThat(lines).anyMatch(l -> l.startsWith("stacks/missing-var/compose.yaml:3:5: error: services.web.image:"
                + " variable TAG is not set"));
        assertThat(lines).anyMatch(l -> l.startsWith("stacks/syntax/compose.yaml:4:1: error: invalid YAML"));
        assertThat(lines).filteredOn(l -> l.contains(": error: ")).hasSize(16);
        assertThat(lines).filteredOn(l -> l.contains(": warning: ")).hasSize(2);
        assertThat(lines.get(lines.size() - 1))
                .isEqualTo("failed: 8 stacks checked, 1 valid, 7 invalid; 16 errors, 2 warnings");
    }

    @Test
    void theExampleRepositoryIsValidForTrueNas(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("validate", EXAMPLE, "--secrets-dir", EXAMPLE_SECRETS);
        assertThat(result.exitCode()).as(result.getOutput()).isZero();
        assertThat(CliOutput.lines(result)).containsExactly("ok: 4 stacks checked, 4 valid, 0 invalid; 0 errors, 0 warnings");
    }

    @Test
    void theExampleRepositoryIsValidWithoutSecretsAsInCi(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("validate", EXAMPLE);
        assertThat(result.exitCode()).as(result.getOutput()).isZero();
        assertThat(CliOutput.lines(result)).containsExactly("ok: 4 stacks checked, 4 valid, 0 invalid; 0 errors, 0 warnings");
    }

    @Test
    void aDeclaredSecretMissingFromTheGivenSecretsDirectoryFailsValidate(QuarkusMainLauncher launcher,
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path emptySecrets) {
        LaunchResult result = launcher.launch("validate", EXAMPLE, "--secrets-dir", emptySecrets.toString());
        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(CliOutput.lines(result)).contains(
                "stacks/monitoring/stack.yaml:6:11: error: secrets[0]: secret GRAFANA_ADMIN_PASSWORD is declared but"
                        + " the secrets directory has no file named GRAFANA_ADMIN_PASSWORD: add it (its content is the"
                        + " value)");
        assertThat(CliOutput.lines(result)).filteredOn(l -> l.contains(": error: ")).hasSize(2);
    }

    @Test
    void aMissingDirectoryIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("validate", "does/not/exist");
        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.getErrorOutput()).contains("is not a directory");
    }

}
