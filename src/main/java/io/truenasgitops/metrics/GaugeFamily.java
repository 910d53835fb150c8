package io.truenasgitops.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A gauge family whose series are added as label values show up and removed when they go away, so that the
 * scrape page never keeps a series of a stack that left the repository or a revision that is not current.
 */
final class GaugeFamily {

    private final MeterRegistry registry;
    private final MetricNames.Metric metric;
    private final Map<List<String>, Series> series = new ConcurrentHashMap<>();

    private record Series(AtomicLong bits, Gauge gauge) {}

    GaugeFamily(MeterRegistry registry, MetricNames.Metric metric) {
        this.registry = registry;
        this.metric = metric;
    }

    /** Sets the series with these label values (in {@link MetricNames.Metric#labels()} order). */
    void set(double value, String... labelValues) {
        List<String> key = List.of(labelValues);
        if (key.size() != metric.labels().size()) {
            throw new IllegalArgumentException(metric.name() + " takes labels " + metric.labels());
        }
        series.computeIfAbsent(key, this::register).bits().set(Double.doubleToLongBits(value));
    }

    /** The current value of a series, or NaN when it does not exist. */
    double get(String... labelValues) {
        Series s = series.get(List.of(labelValues));
        return s == null ? Double.NaN : Double.longBitsToDouble(s.bits().get());
    }

    /** Removes every series whose label values fail {@code keep}. */
    void retain(Predicate<List<String>> keep) {
        for (List<String> key : new ArrayList<>(series.keySet())) {
            if (!keep.test(key)) {
                Series removed = series.remove(key);
                if (removed != null) {
                    registry.remove(removed.gauge());
                }
            }
        }
    }

    private Series register(List<String> labelValues) {
        AtomicLong bits = new AtomicLong(Double.doubleToLongBits(0));
        Tags tags = Tags.empty();
        for (int i = 0; i < labelValues.size(); i++) {
            tags = tags.and(metric.labels().get(i), labelValues.get(i));
        }
        Gauge gauge = Gauge.builder(metric.meterName(), bits, b -> Double.longBitsToDouble(b.get()))
                .description(metric.help())
                .tags(tags)
                .strongReference(true)
                .register(registry);
        return new Series(bits, gauge);
    }
}
