package io.truenasgitops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.truenasgitops.reconcile.HealthStatus;
import io.truenasgitops.stacks.StackSettings.DesiredState;
import io.truenasgitops.truenas.AppState;
import org.junit.jupiter.api.Test;

/** A stack stopped on purpose reads {@code stopped}; {@code suspended} stays for suspended stacks. */
class StackStatusLabelTest {

    @Test
    void aStackStoppedOnPurposeIsExportedAsStoppedNotSuspended() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerReconcileMetrics metrics = new MicrometerReconcileMetrics(new DaemonMetrics(registry));

        metrics.stackStatus("jellyfin", HealthStatus.assess(AppState.STOPPED, DesiredState.STOPPED));
        metrics.stackStatus("paused", HealthStatus.SUSPENDED);

        assertThat(MicrometerReconcileMetrics.STATUSES).contains("stopped", "suspended");
        assertThat(registry.scrape().lines().filter(l -> l.startsWith("truenas_gitops_stack_status{") && l.endsWith(" 1.0")))
                .containsExactlyInAnyOrder("truenas_gitops_stack_status{stack=\"jellyfin\",status=\"stopped\",} 1.0",
                        "truenas_gitops_stack_status{stack=\"paused\",status=\"suspended\",} 1.0");
    }
}
