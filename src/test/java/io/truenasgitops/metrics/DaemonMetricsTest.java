package io.truenasgitops.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.AuthenticationException;
import io.truenasgitops.truenas.JobFailedException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DaemonMetricsTest {

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final DaemonMetrics metrics = new DaemonMetrics(registry);
    static final List<String> STATUSES = List.of("ready", "progressing", "degraded", "stalled", "suspended");

    String scrape() {
        return registry.scrape();
    }

    Set<String> seriesNames() {
        return scrape().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.replaceFirst("[{ ].*", "")).collect(Collectors.toSet());
    }

    @Test
    void everyDocumentedNameIsWhatMicrometerExports() {
        metrics.stackDrift("web", Set.of("config"));
        metrics.stackStatus("web", "ready", STATUSES);
        metrics.stackLastApplied("web", Instant.ofEpochSecond(1_700_000_000));
        metrics.imageUpdateAvailable("web", true);
        metrics.reconcilePass(Duration.ofMillis(300), DaemonMetrics.SUCCESS);
        metrics.apply("update", DaemonMetrics.SUCCESS);
        metrics.job("app.update", "SUCCESS", Duration.ofSeconds(3));
        metrics.apiCall("app.query", CallOutcome.OK);
        metrics.connectionUp("default", true);
        metrics.appsServiceUp("default", false);
        metrics.sourceRevision("abc123");
        metrics.sourceFetch(DaemonMetrics.SUCCESS);
        metrics.apps("default", Map.of("RUNNING", 2L), List.of("RUNNING", "STOPPED"));
        new MicrometerDeliveryMetrics(registry).sent("phone");
        new MicrometerDeliveryMetrics(registry).failed("phone");
        MicrometerDeliveryMetrics.commitStatuses(registry).sent("github");
        MicrometerDeliveryMetrics.commitStatuses(registry).failed("github");
        metrics.snapshot("create", DaemonMetrics.SUCCESS);
        metrics.rollback(DaemonMetrics.SUCCESS);
        metrics.imageUpdateCommitted("web");
        metrics.imageUpdateRound("committed");

        assertThat(seriesNames()).containsExactlyInAnyOrderElementsOf(MetricNames.exportedSeriesNames());
    }

    @Test
    void driftIsExportedForEveryKindAndReturnsToZeroWhenHealed() {
        metrics.stackDrift("web", Set.of("config", "state"));
        assertThat(scrape())
                .contains("truenas_gitops_stack_drift{kind=\"config\",stack=\"web\",} 1.0")
                .contains("truenas_gitops_stack_drift{kind=\"state\",stack=\"web\",} 1.0")
                .contains("truenas_gitops_stack_drift{kind=\"missing\",stack=\"web\",} 0.0")
                .contains("truenas_gitops_stack_drift{kind=\"orphan\",stack=\"web\",} 0.0");

        metrics.stackDrift("web", Set.of());
        assertThat(scrape()).contains("truenas_gitops_stack_drift{kind=\"config\",stack=\"web\",} 0.0")
                .doesNotContain("stack=\"web\",} 1.0");
    }

    @Test
    void statusIsOneHot() {
        metrics.stackStatus("web", "degraded", STATUSES);
        metrics.stackStatus("web", "ready", STATUSES);
        assertThat(value("truenas_gitops_stack_status{stack=\"web\",status=\"ready\",}")).isEqualTo(1.0);
        assertThat(scrape().lines().filter(l -> l.startsWith("truenas_gitops_stack_status{") && l.endsWith(" 1.0")))
                .hasSize(1);
        assertThat(scrape().lines().filter(l -> l.startsWith("truenas_gitops_stack_status{"))).hasSize(STATUSES.size());
    }

    @Test
    void aStackThatLeftTheRepositoryLosesAllItsSeries() {
        metrics.stackDrift("web", Set.of("config"));
        metrics.stackDrift("db", Set.of());
        metrics.stackStatus("web", "ready", STATUSES);
        metrics.stackLastApplied("web", Instant.now());
        metrics.imageUpdateAvailable("web", true);

        metrics.retainStacks(Set.of("db"));

        assertThat(scrape()).doesNotContain("stack=\"web\"").contains("stack=\"db\"");
    }

    @Test
    void anImageUpdateIsOneWhileReportedAndReturnsToZeroWhenPulled() {
        metrics.imageUpdateAvailable("web", true);
        metrics.imageUpdateAvailable("db", false);
        assertThat(scrape()).contains("truenas_gitops_image_update_available{stack=\"web\",} 1.0")
                .contains("truenas_gitops_image_update_available{stack=\"db\",} 0.0");

        metrics.imageUpdateAvailable("web", false);
        assertThat(scrape()).contains("truenas_gitops_image_update_available{stack=\"web\",} 0.0");
    }

    @Test
    void onlyTheCurrentRevisionHasAnInfoSeries() {
        metrics.sourceRevision("aaa");
        metrics.sourceRevision("bbb");
        assertThat(scrape()).contains("truenas_gitops_source_revision_info{revision=\"bbb\",} 1.0")
                .doesNotContain("revision=\"aaa\"");
    }

    @Test
    void theLastAppliedTimeIsInSeconds() {
        metrics.stackLastApplied("web", Instant.ofEpochMilli(1_700_000_000_500L));
        assertThat(value("truenas_gitops_stack_last_applied_timestamp_seconds{stack=\"web\",}")).isEqualTo(1.7000000005E9);
    }

    @Test
    void appCountsIncludeEmptyStatesAsZero() {
        metrics.apps("default", Map.of("RUNNING", 3L), List.of("RUNNING", "STOPPED", "CRASHED"));
        assertThat(value("truenas_gitops_apps{state=\"RUNNING\",target=\"default\",}")).isEqualTo(3.0);
        assertThat(value("truenas_gitops_apps{state=\"CRASHED\",target=\"default\",}")).isEqualTo(0.0);
    }

    @Test
    void passDurationsLandInHistogramBuckets() {
        metrics.reconcilePass(Duration.ofMillis(700), DaemonMetrics.SUCCESS);
        metrics.reconcilePass(Duration.ofMillis(200), DaemonMetrics.SUCCESS);
        assertThat(value("truenas_gitops_reconcile_total{result=\"success\",}")).isEqualTo(2.0);
        assertThat(value("truenas_gitops_reconcile_duration_seconds_count{result=\"success\",}")).isEqualTo(2.0);
        assertThat(value("truenas_gitops_reconcile_duration_seconds_bucket{result=\"success\",le=\"0.25\",}")).isEqualTo(1.0);
        assertThat(value("truenas_gitops_reconcile_duration_seconds_bucket{result=\"success\",le=\"1.0\",}")).isEqualTo(2.0);
    }

    @Test
    void meteredAppsApiCountsCallsByOutcomeWithoutErrorText() {
        AppsApi failing = (AppsApi) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AppsApi.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "list" -> List.<App>of();
                    case "update" -> throw new JobFailedException("failed to update app 'web': [EFAULT] boom");
                    case "config" -> throw new AuthenticationException(AuthenticationException.Reason.AUTH_ERR, "login refused");
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        AppsApi api = new MeteredAppsApi(failing, metrics);

        api.list(false);
        api.list(true);
        assertThatThrownBy(() -> api.update("web", Map.of(), null)).isInstanceOf(JobFailedException.class);
        assertThatThrownBy(() -> api.config("web")).isInstanceOf(AuthenticationException.class);

        assertThat(value("truenas_gitops_api_calls_total{method=\"app.query\",outcome=\"ok\",}")).isEqualTo(2.0);
        assertThat(value("truenas_gitops_api_calls_total{method=\"app.update\",outcome=\"job_failed\",}")).isEqualTo(1.0);
        assertThat(value("truenas_gitops_api_calls_total{method=\"app.config\",outcome=\"auth_error\",}")).isEqualTo(1.0);
        assertThat(scrape()).doesNotContain("boom");
    }

    double value(String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape());
        assertThat(m.find()).as("series %s in%n%s", series, scrape()).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
