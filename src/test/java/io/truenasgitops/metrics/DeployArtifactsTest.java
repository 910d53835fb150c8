package io.truenasgitops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The alert rules and the dashboard under deploy/ only use metrics the daemon exports. */
class DeployArtifactsTest {

    static final Path ALERTS = Path.of("deploy/prometheus/alerts.yaml");
    static final Path DASHBOARD = Path.of("deploy/grafana/truenas-gitops-dashboard.json");
    static final Set<String> EXPORTED = MetricNames.exportedSeriesNames();

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rules() throws Exception {
        Map<String, Object> doc = new Yaml().load(Files.readString(ALERTS));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
            assertThat(group).containsKeys("name", "rules");
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }

    @Test
    void theLexerFindsMetricNamesButNotFunctionsLabelsOrDurations() {
        assertThat(PromQl.metricNames(
                "histogram_quantile(0.95, sum by (le, method) (rate(a_seconds_bucket{x=~\"y|z\"}[5m] offset 1h)))"
                        + " / on (method) group_left b_total unless c > 1e3 or vector(0) and d[$__rate_interval]"))
                .containsExactly("a_seconds_bucket", "b_total", "c", "d");
    }

    @Test
    void theRulesCoverTheSituationsUsersNeedToBeWokenFor() throws Exception {
        assertThat(rules()).extracting(r -> r.get("alert")).containsExactlyInAnyOrder(
                "TrueNasGitopsStackDrifted", "TrueNasGitopsStackDegraded", "TrueNasGitopsStackStalled",
                "TrueNasGitopsApplyFailing", "TrueNasGitopsImageUpdateAvailable", "TrueNasGitopsSourceFetchFailing",
                "TrueNasGitopsNasUnreachable", "TrueNasGitopsAppsServiceDown", "TrueNasGitopsNotificationsFailing",
                "TrueNasGitopsCommitStatusesFailing", "TrueNasGitopsImageUpdatesFailing",
                "TrueNasGitopsAuthFailing", "TrueNasGitopsNoSuccessfulReconcile", "TrueNasGitopsSnapshotFailing",
                "TrueNasGitopsRollbackFailed");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyRuleHasAnExpressionADurationASeverityAndThreeAnnotations() throws Exception {
        for (Map<String, Object> rule : rules()) {
            assertThat(rule).as("rule %s", rule.get("alert")).containsKeys("alert", "expr", "for", "labels", "annotations");
            assertThat(rule.get("for").toString()).matches("\\d+[smh]");
            assertThat((Map<String, Object>) rule.get("labels")).containsKey("severity");
            Map<String, Object> annotations = (Map<String, Object>) rule.get("annotations");
            assertThat(annotations).as("annotations of %s", rule.get("alert")).containsKeys("summary", "description", "runbook");
            annotations.values().forEach(v -> assertThat(v.toString()).isNotBlank());
        }
    }

    @Test
    void everyMetricInTheAlertRulesIsExported() throws Exception {
        for (Map<String, Object> rule : rules()) {
            Set<String> used = PromQl.metricNames(rule.get("expr").toString());
            assertThat(used).as("metrics of %s", rule.get("alert")).isNotEmpty();
            assertThat(EXPORTED).as("metrics of %s", rule.get("alert")).containsAll(used);
        }
    }

    @Test
    void everyMetricInTheDashboardIsExported() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> exprs = dashboard.findValues("expr").stream().map(JsonNode::asText).toList();
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(15);
        for (String expr : exprs) {
            Set<String> used = PromQl.metricNames(expr);
            assertThat(used).as("metrics of %s", expr).isNotEmpty();
            assertThat(EXPORTED).as("metrics of %s", expr).containsAll(used);
        }
        Matcher labelValues = Pattern.compile("label_values\\((\\w+),").matcher(dashboard.path("templating").toString());
        assertThat(labelValues.find()).isTrue();
        assertThat(EXPORTED).contains(labelValues.group(1));
    }

    @Test
    void theDashboardAsksForItsDataSourceOnImport() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertThat(dashboard.path("__inputs").get(0).path("pluginId").asText()).isEqualTo("prometheus");
        List<String> panelSources = dashboard.path("panels").findValues("datasource").stream()
                .map(ds -> ds.path("uid").asText()).distinct().toList();
        assertThat(panelSources).containsExactly("${datasource}");
        assertThat(dashboard.path("panels").findValuesAsText("title")).contains(
                "Stacks by status", "Drift over time", "Applies by action and result", "Job durations (p50 / p95)",
                "API call errors", "NAS connection", "Source fetch failures", "Last applied age");
    }

    @Test
    void everyExportedMetricIsUsedByTheDashboardOrTheAlerts() throws Exception {
        String all = Files.readString(ALERTS) + Files.readString(DASHBOARD);
        for (MetricNames.Metric metric : MetricNames.ALL) {
            assertThat(all).as("%s is shown or alerted on", metric.name()).contains(metric.name());
        }
    }

    @Test
    void everyExportedMetricIsDocumentedWithItsLabels() throws Exception {
        String doc = Files.readString(Path.of("docs/operations.md"));
        for (MetricNames.Metric metric : MetricNames.ALL) {
            String row = doc.lines().filter(l -> l.startsWith("| `" + metric.name() + "`")).findFirst().orElse(null);
            assertThat(row).as("docs/operations.md has a row for %s", metric.name()).isNotNull();
            for (String label : metric.labels()) {
                assertThat(row).as("labels of %s", metric.name()).contains("`" + label + "`");
            }
        }
    }
}
