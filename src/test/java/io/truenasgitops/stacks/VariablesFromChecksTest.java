package io.truenasgitops.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.compose.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The names of a {@code variablesFrom} file pass the same checks as {@code variables:}, located in that file. */
class VariablesFromChecksTest {

    static final String COMPOSE = "services:\n  web:\n    image: nginx:1.27\n    environment:\n      A: ${GOOD}\n";

    @TempDir
    Path repo;

    LoadedStack load(String stackYaml, String varsName, String vars) throws Exception {
        Path dir = Files.createDirectories(repo.resolve("stacks/web"));
        Files.writeString(dir.resolve("compose.yaml"), COMPOSE);
        Files.writeString(dir.resolve("stack.yaml"), stackYaml);
        Files.writeString(dir.resolve(varsName), vars);
        return StackRepository.load(repo, dir, new StacksOptions("stacks", null, null,
                StacksOptions.MissingSecrets.PLACEHOLDER, Decryption.none()), Map.of("DB_PASSWORD", "pw-from-dir-77"));
    }

    static java.util.List<String> errors(LoadedStack s) {
        return s.problems().stream().filter(Problem::isError).map(Problem::format).toList();
    }

    @Test
    void aNameWithASpaceInAVariablesFromFileIsAnErrorAtItsLine() throws Exception {
        LoadedStack yaml = load("variablesFrom: vars.yaml\n", "vars.yaml", "GOOD: 1\n\"MY VAR\": x\n");
        LoadedStack json = load("variablesFrom: vars.json\n", "vars.json", "{\n  \"GOOD\": \"1\",\n  \"MY VAR\": \"x\"\n}\n");

        assertThat(yaml.isValid()).isFalse();
        assertThat(errors(yaml)).containsExactly(
                "stacks/web/vars.yaml:2: error: MY VAR: variable name 'MY VAR' must be letters, digits and '_'");
        assertThat(errors(json)).containsExactly(
                "stacks/web/vars.json:3: error: MY VAR: variable name 'MY VAR' must be letters, digits and '_'");
    }

    @Test
    void aNameDeclaredInSecretsAndGivenAValueInTheVariablesFromFileIsAnErrorAtItsLine() throws Exception {
        LoadedStack s = load("secrets: [DB_PASSWORD]\nvariablesFrom: vars.env\n", "vars.env",
                "GOOD=1\nDB_PASSWORD=in-the-file-99\n");

        assertThat(s.isValid()).isFalse();
        assertThat(errors(s)).containsExactly("stacks/web/vars.env:2: error: DB_PASSWORD: secret DB_PASSWORD also has"
                + " a value in stacks/web/vars.env: a secret comes from the secrets directory only; remove one of the two");
        assertThat(s.problems().toString()).doesNotContain("in-the-file-99").doesNotContain("pw-from-dir-77");
    }
}
