package io.truenasgitops.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.truenasgitops.notify.DeliveryMetrics;

/**
 * {@code truenas_gitops_notifications_sent_total{target}} and {@code truenas_gitops_notification_failures_total{target}},
 * where {@code target} is the notification target's name.
 */
public final class MicrometerDeliveryMetrics implements DeliveryMetrics {

    private final MeterRegistry registry;

    public MicrometerDeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void sent(String target) {
        counter(MetricNames.NOTIFICATIONS_SENT, target).increment();
    }

    @Override
    public void failed(String target) {
        counter(MetricNames.NOTIFICATION_FAILURES, target).increment();
    }

    private Counter counter(MetricNames.Metric m, String target) {
        return Counter.builder(m.meterName()).description(m.help()).tag(MetricNames.TARGET, target).register(registry);
    }
}
