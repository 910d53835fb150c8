package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code validate} and {@code render} driven through picocli without booting Quarkus (they need no beans);
 * {@link ValidateCommandIT} and {@link RenderCommandIT} cover the real jar entry point.
 */
class StackCommandsTest {

    static final String BROKEN = "src/test/resources/repos/broken";
    static final String EXAMPLE = "stacks-example";
    static final String SECRETS = "stacks-example/secrets.example";
    static final String NEXTCLOUD = "stacks-example/stacks/nextcloud";

    record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Run run(String... args) {
        CommandLine cli = RootCommand.commandLine(CommandLine.defaultFactory(),
                List.of(new ValidateCommand(), new RenderCommand()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void withoutItsSecretsTheExampleValidatesAsInCiWithItsDeclaredSecretsAsPlaceholders() {
        Run r = run("validate", EXAMPLE);
        assertThat(r.exitCode()).as(r.out()).isZero();
        assertThat(r.lines()).containsExactly("ok: 4 stacks checked, 4 valid, 0 invalid; 0 errors, 0 warnings");
        Run alone = run("validate", EXAMPLE + "/stacks/nextcloud");
        assertThat(alone.exitCode()).as(alone.out()).isZero();
    }

    @Test
    void renderStillNeedsTheDeclaredSecrets() {
        Run r = run("render", EXAMPLE + "/stacks/monitoring");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.out() + r.err()).contains("stacks/monitoring/stack.yaml:6:11: error: secrets[0]: secret"
                + " GRAFANA_ADMIN_PASSWORD is declared but no secrets directory is set");
    }

    @Test
    void aSingleStackFolderIsNamedAsInItsRepository() {
        Run r = run("validate", BROKEN + "/stacks/good");
        assertThat(r.exitCode()).isZero();
        assertThat(r.lines()).containsExactly(
                "stacks/good/compose.yaml:4:5: warning: services.web.container_name: 'container_name' is global on"
                        + " the NAS: two apps (or two replicas) with the same name clash; prefer the default"
                        + " ix-<app>-<service>-N names",
                "ok: 1 stack checked, 1 valid, 0 invalid; 0 errors, 1 warning");
    }

    @Test
    void jsonOutputCarriesEveryProblemWithItsPosition() throws Exception {
        Run r = run("validate", BROKEN, "-o", "json");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("valid").asBoolean()).isFalse();
        assertThat(json.get("stacks")).hasSize(8);
        JsonNode dup = null;
        for (JsonNode s : json.get("stacks")) {
            if (s.get("name").asText().equals("dup-keys")) {
                dup = s;
            }
        }
        assertThat(dup).isNotNull();
        assertThat(dup.get("valid").asBoolean()).isFalse();
        assertThat(dup.get("problems").get(0).get("line").asInt()).isEqualTo(6);
        assertThat(dup.get("problems").get(0).get("column").asInt()).isEqualTo(5);
        assertThat(dup.get("problems").get(0).get("path").asText()).isEqualTo("services.web.image");
        assertThat(json.get("problems").get(0).get("severity").asText()).isEqualTo("warning");
    }

    @Test
    void theHostBasePathOptionRewritesRelativeBindMounts() {
        assertThat(run("validate", "src/test/resources/corpus/awesome-compose/stacks/prometheus-grafana").exitCode())
                .isEqualTo(ExitCodes.FAILED);
        Run r = run("validate", "src/test/resources/corpus/awesome-compose/stacks/prometheus-grafana",
                "--host-base-path", "/mnt/tank/apps");
        assertThat(r.exitCode()).as(r.out()).isZero();
        assertThat(run("validate", EXAMPLE, "--host-base-path", "relative/path").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("validate", "src/main").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("validate", EXAMPLE, "-o", "xml").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("validate", EXAMPLE, "--secrets-dir", "no/such/dir").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("render", BROKEN + "/stacks/no-compose").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("render").exitCode()).isEqualTo(ExitCodes.USAGE);
        Run r = run("validate", "src/main");
        assertThat(r.err()).contains("has no 'stacks' folder");
    }

    @Test
    void showSecretsPrintsTheRealValues() {
        Run masked = run("render", NEXTCLOUD, "--secrets-dir", SECRETS);
        Run shown = run("render", NEXTCLOUD, "--secrets-dir", SECRETS, "--show-secrets");
        assertThat(masked.out()).contains("POSTGRES_PASSWORD: '***'").doesNotContain("change-me-nextcloud-db");
        assertThat(shown.out()).contains("POSTGRES_PASSWORD: change-me-nextcloud-db");
        // The hash is of the real compose either way.
        assertThat(masked.lines().get(1)).isEqualTo(shown.lines().get(1));
    }

    @Test
    void jsonRenderIsTheCustomComposeConfigWithHashAndSize() throws Exception {
        Run r = run("render", NEXTCLOUD, "--secrets-dir", SECRETS, "-o", "json");
        assertThat(r.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("app").asText()).isEqualTo("nextcloud");
        assertThat(json.get("hash").asText()).hasSize(64);
        assertThat(json.get("bytes").asInt()).isBetween(1000, 64512);
        JsonNode config = json.get("custom_compose_config");
        assertThat(config.get("x-truenas-gitops").get("hash").asText()).isEqualTo(json.get("hash").asText());
        assertThat(config.get("x-truenas-gitops").get("path").asText()).isEqualTo("stacks/nextcloud");
        assertThat(config.get("services").get("db").get("environment").get("POSTGRES_PASSWORD").asText())
                .isEqualTo("***");
    }

    @Test
    void renderingTwiceGivesTheSameHash() {
        Run one = run("render", NEXTCLOUD, "--secrets-dir", SECRETS);
        Run two = run("render", NEXTCLOUD, "--secrets-dir", SECRETS);
        assertThat(one.out()).isEqualTo(two.out());
    }
}
