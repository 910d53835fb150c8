package io.truenasgitops.notify;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Counts deliveries in memory (notifications and commit statuses). */
public final class RecordingMetrics implements DeliveryMetrics {
    final Map<String, Integer> sent = new ConcurrentHashMap<>();
    final Map<String, Integer> failed = new ConcurrentHashMap<>();

    @Override
    public void sent(String target) {
        sent.merge(target, 1, Integer::sum);
    }

    @Override
    public void failed(String target) {
        failed.merge(target, 1, Integer::sum);
    }

    public int delivered(String target) {
        return sent.getOrDefault(target, 0);
    }

    public int failures(String target) {
        return failed.getOrDefault(target, 0);
    }
}
