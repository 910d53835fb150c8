package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What the release workflow ({@code .github/workflows/release.yml}) promises, checked where GitHub's workflow
 * parser cannot: it runs on version tags only, tests before it publishes, pushes both architectures to the name the
 * compose files run, attaches an SBOM and provenance, and asks for no more rights than that. The last tests run
 * the workflow linter of {@code .ci/lint/} when it is installed (CI installs it).
 */
public class ReleaseWorkflowTest {

    static final Path WORKFLOW = Path.of(".github/workflows/release.yml");
    public static final Path LINT = Path.of(".ci/lint");

    @SuppressWarnings("unchecked")
    static Map<String, Object> workflow() throws IOException {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(WORKFLOW));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> job() throws IOException {
        Map<String, Object> jobs = (Map<String, Object>) workflow().get("jobs");
        assertThat(jobs).as("jobs of %s", WORKFLOW).containsOnlyKeys("image");
        return (Map<String, Object>) jobs.get("image");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> steps() throws IOException {
        return (List<Map<String, Object>>) job().get("steps");
    }

    static Map<String, Object> stepUsing(String action) throws IOException {
        return steps().stream().filter(s -> String.valueOf(s.get("uses")).startsWith(action + "@")).findFirst()
                .orElseThrow(() -> new AssertionError(WORKFLOW + " has no step using " + action));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> with(Map<String, Object> step) {
        return (Map<String, Object>) step.get("with");
    }

    @Test
    @SuppressWarnings("unchecked")
    void releaseRunsOnVersionTagsOnly() throws IOException {
        Map<String, Object> workflow = workflow();
        // YAML 1.1 reads the key "on" as true.
        Map<String, Object> on = (Map<String, Object>) (workflow.containsKey("on") ? workflow.get("on") : workflow.get(true));
        assertThat(on).containsOnlyKeys("push");
        assertThat((Map<String, Object>) on.get("push")).containsOnlyKeys("tags");
        assertThat((List<String>) ((Map<String, Object>) on.get("push")).get("tags"))
                .containsExactly("v[0-9]+.[0-9]+.[0-9]+");
    }

    @Test
    void theTestsPassAndTheJarIsBuiltBeforeTheImage() throws IOException {
        List<Map<String, Object>> steps = steps();
        int maven = -1;
        for (int i = 0; i < steps.size(); i++) {
            if (String.valueOf(steps.get(i).get("run")).contains("./mvnw -B -ntp verify")) {
                maven = i;
            }
        }
        assertThat(maven).as("a step running ./mvnw -B -ntp verify (tests, then target/quarkus-app)").isNotNegative();
        assertThat(steps.indexOf(stepUsing("docker/build-push-action"))).isGreaterThan(maven);
        // The version the tag names becomes the pom's, the image's label and its tags.
        assertThat(String.valueOf(steps.get(maven).get("run"))).contains("versions:set -DnewVersion=\"$VERSION\"");
    }

    @Test
    void theImageIsBuiltForAmd64AndArm64FromTheCheckoutAndPushedWithAnSbomAndProvenance() throws IOException {
        Map<String, Object> build = with(stepUsing("docker/build-push-action"));
        assertThat(build).containsEntry("context", ".").containsEntry("push", true).containsEntry("sbom", true)
                .containsEntry("provenance", "mode=max");
        assertThat(String.valueOf(build.get("platforms")).split(",")).containsExactly("linux/amd64", "linux/arm64");
        assertThat(String.valueOf(build.get("build-args"))).contains("VERSION=${{ steps.names.outputs.version }}");
        // arm64's RUN step needs QEMU on an amd64 runner.
        stepUsing("docker/setup-qemu-action");
        stepUsing("docker/setup-buildx-action");
        assertThat(with(stepUsing("docker/login-action"))).containsEntry("registry", "ghcr.io")
                .containsEntry("password", "${{ secrets.GITHUB_TOKEN }}");
    }

    @Test
    void theImageNameIsTheOneTheComposeFilesRun() throws IOException {
        String names = steps().stream().filter(s -> "names".equals(s.get("id"))).map(s -> String.valueOf(s.get("run")))
                .findFirst().orElseThrow();
        assertThat(names).contains("image=ghcr.io/${GITHUB_REPOSITORY_OWNER,,}/truenas-gitops");
        // Published from the truenas-gitops organisation, that is the name in deploy/truenas/compose*.yaml.
        assertThat(ContainerArtifactsTest.PUBLISHED_IMAGE).isEqualTo("ghcr.io/truenas-gitops/truenas-gitops");
        assertThat(with(stepUsing("docker/metadata-action"))).containsEntry("images", "${{ steps.names.outputs.image }}");
    }

    @Test
    @SuppressWarnings("unchecked")
    void provenanceIsAttestedForThePushedDigestWithOnlyTheRightsThatNeeds() throws IOException {
        Map<String, Object> attest = with(stepUsing("actions/attest-build-provenance"));
        assertThat(attest).containsEntry("subject-name", "${{ steps.names.outputs.image }}")
                .containsEntry("subject-digest", "${{ steps.build.outputs.digest }}").containsEntry("push-to-registry", true);
        assertThat(stepUsing("docker/build-push-action")).containsEntry("id", "build");
        assertThat((Map<String, Object>) workflow().get("permissions")).containsExactly(Map.entry("contents", "read"));
        assertThat((Map<String, Object>) job().get("permissions")).containsOnly(Map.entry("contents", "read"),
                Map.entry("packages", "write"), Map.entry("id-token", "write"), Map.entry("attestations", "write"));
    }

    @Test
    void everyStepReferenceNamesAnEarlierStepAndEveryActionAVersion() throws IOException {
        List<String> ids = new ArrayList<>();
        Pattern reference = Pattern.compile("steps\\.([A-Za-z0-9_-]+)\\.");
        for (Map<String, Object> step : steps()) {
            Matcher m = reference.matcher(new Yaml().dump(step));
            while (m.find()) {
                assertThat(ids).as("step '%s' refers to steps.%s", step.get("name"), m.group(1)).contains(m.group(1));
            }
            if (step.get("id") != null) {
                ids.add(String.valueOf(step.get("id")));
            }
            if (step.get("uses") != null) {
                assertThat(String.valueOf(step.get("uses"))).as("version of %s", step.get("uses"))
                        .matches("[a-z-]+/[a-z-]+@(v\\d+|[0-9a-f]{40})");
            }
        }
    }

    // ---- the linter -------------------------------------------------------------------------------------------

    /** The linter's exit code, a newline, and its output, for {@code file} (also used for the CI recipes). */
    public static String lint(Path file) throws Exception {
        Process p = new ProcessBuilder("bash", LINT.resolve("workflows.sh").toString(), file.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + "\n" + output;
    }

    @Test
    void theWorkflowPassesGitHubsWorkflowParser() throws Exception {
        assumeTrue(Files.isRegularFile(LINT.resolve("node_modules/@actions/workflow-parser/package.json")),
                "workflow linter not installed: run .ci/lint/workflows.sh once (CI does, with npm ci)");
        assertThat(lint(WORKFLOW)).startsWith("0\n").contains("workflow lint: no findings");
    }

    @Test
    void theLinterRejectsABrokenWorkflowWithLineAndColumn() throws Exception {
        assumeTrue(Files.isRegularFile(LINT.resolve("node_modules/@actions/workflow-parser/package.json")),
                "workflow linter not installed: run .ci/lint/workflows.sh once (CI does, with npm ci)");
        Path broken = Files.createTempFile("workflow", ".yml");
        try {
            Files.writeString(broken, """
                    on:
                      push:
                        tagz: ["v*"]
                    permissions:
                      attestations: writ
                    jobs:
                      image:
                        runs-on: ubuntu-24.04
                        steps:
                          - run: echo ${{ github.ref_name }
                    """);
            assertThat(lint(broken)).startsWith("1\n")
                    .contains("(Line: 3, Col: 5): Unexpected value 'tagz'")
                    .contains("(Line: 5, Col: 17): Unexpected value 'writ'")
                    .contains("(Line: 10, Col: 14): The expression is not closed")
                    .contains("workflow lint: FAILED");
        } finally {
            Files.deleteIfExists(broken);
        }
    }
}
