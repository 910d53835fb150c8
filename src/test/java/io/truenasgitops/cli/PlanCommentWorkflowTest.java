package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.truenasgitops.app.ReleaseWorkflowTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What the pull-request plan recipe ({@code deploy/ci/plan-comment.yml}, docs/pull-requests.md) promises: it runs
 * on pull requests with no more rights than commenting, plans with the published image of this release, keeps the
 * API key off the command line, and finds its earlier comment by the marker the markdown plan ends with. GitHub's
 * workflow parser checks the rest when the linter of {@code .ci/lint/} is installed.
 */
class PlanCommentWorkflowTest {

    static final Path RECIPE = Path.of("deploy/ci/plan-comment.yml");

    @SuppressWarnings("unchecked")
    static Map<String, Object> workflow() throws IOException {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(RECIPE));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> job() throws IOException {
        return (Map<String, Object>) ((Map<String, Object>) workflow().get("jobs")).get("plan");
    }

    @SuppressWarnings("unchecked")
    static String run(String stepName) throws IOException {
        return ((List<Map<String, Object>>) job().get("steps")).stream().filter(s -> stepName.equals(s.get("name")))
                .map(s -> String.valueOf(s.get("run"))).findFirst()
                .orElseThrow(() -> new AssertionError(RECIPE + " has no step '" + stepName + "'"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void itRunsOnPullRequestsAndMayOnlyReadTheRepositoryAndComment() throws IOException {
        Map<String, Object> workflow = workflow();
        Map<String, Object> on = (Map<String, Object>) (workflow.containsKey("on") ? workflow.get("on") : workflow.get(true));
        assertThat(on).containsOnlyKeys("pull_request");
        assertThat((Map<String, Object>) workflow.get("permissions")).containsExactly(Map.entry("contents", "read"));
        assertThat((Map<String, Object>) job().get("permissions")).containsOnly(Map.entry("contents", "read"),
                Map.entry("pull-requests", "write"));
    }

    @Test
    void itPlansThePullRequestsCommitWithThePublishedImageOfThisRelease() throws Exception {
        String image = String.valueOf(((Map<?, ?>) job().get("env")).get("IMAGE"));
        Matcher deployed = Pattern.compile("image: (\\S+)").matcher(Files.readString(Path.of("deploy/truenas/compose.yaml")));
        assertThat(deployed.find()).isTrue();
        assertThat(image).isEqualTo(deployed.group(1)).startsWith("ghcr.io/truenas-gitops/truenas-gitops:");

        String plan = run("Plan it against the NAS");
        assertThat(plan).contains("\"$IMAGE\"", "plan --repo /repo --against \"$HEAD_SHA\"", "-o markdown",
                "-e TRUENAS_API_KEY ", "-v \"$PWD:/repo:ro\"");
        assertThat(plan).as("the key reaches the container by environment, never on a command line")
                .doesNotContain("secrets.").doesNotContain("--api-key");
    }

    @Test
    void itUpdatesTheCommentThatEndsWithTheMarkdownPlansMarker() throws IOException {
        String post = run("Post or update the plan comment");
        assertThat(post).contains(PlanMarkdown.MARKER, "-X PATCH", "-X POST", "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/issues");
        assertThat(run("Plan it against the NAS")).contains(PlanMarkdown.MARKER);
    }

    @Test
    void theRecipePassesGitHubsWorkflowParser() throws Exception {
        assumeTrue(Files.isRegularFile(ReleaseWorkflowTest.LINT.resolve("node_modules/@actions/workflow-parser/package.json")),
                "workflow linter not installed: run .ci/lint/workflows.sh once (CI does, with npm ci)");
        assertThat(ReleaseWorkflowTest.lint(RECIPE)).startsWith("0\n").contains("workflow lint: no findings");
    }
}
