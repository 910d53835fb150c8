package io.truenasgitops.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.truenasgitops.notify.DeliveryMetrics;

/**
 * {@code truenas_gitops_notifications_sent_total{target}} and {@code truenas_gitops_notification_failures_total{target}},
 * where {@code target} is the notification target's name; or, {@link #commitStatuses}, the same counts of commit
 * statuses by Git host ({@code provider}).
 */
public final class MicrometerDeliveryMetrics implements DeliveryMetrics {

    private final MeterRegistry registry;
    private final MetricNames.Metric sent;
    private final MetricNames.Metric failed;
    private final String label;

    public MicrometerDeliveryMetrics(MeterRegistry registry) {
        this(registry, MetricNames.NOTIFICATIONS_SENT, MetricNames.NOTIFICATION_FAILURES, MetricNames.TARGET);
    }

    private MicrometerDeliveryMetrics(MeterRegistry registry, MetricNames.Metric sent, MetricNames.Metric failed,
            String label) {
        this.registry = registry;
        this.sent = sent;
        this.failed = failed;
        this.label = label;
    }

    /** The counts of commit statuses: {@code truenas_gitops_commit_statuses_sent_total{provider}} and failures. */
    public static MicrometerDeliveryMetrics commitStatuses(MeterRegistry registry) {
        return new MicrometerDeliveryMetrics(registry, MetricNames.COMMIT_STATUSES_SENT,
                MetricNames.COMMIT_STATUS_FAILURES, MetricNames.PROVIDER);
    }

    @Override
    public void sent(String target) {
        counter(sent, target).increment();
    }

    @Override
    public void failed(String target) {
        counter(failed, target).increment();
    }

    private Counter counter(MetricNames.Metric m, String value) {
        return Counter.builder(m.meterName()).description(m.help()).tag(label, value).register(registry);
    }
}
