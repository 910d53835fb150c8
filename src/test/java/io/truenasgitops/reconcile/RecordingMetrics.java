package io.truenasgitops.reconcile;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers what the engine reported through the metrics port. */
final class RecordingMetrics implements ReconcileMetrics {
    final Map<String, Set<DriftKind>> drift = new ConcurrentHashMap<>();
    final Map<String, HealthStatus> health = new ConcurrentHashMap<>();
    final Map<String, Boolean> connectionUp = new ConcurrentHashMap<>();
    final Map<String, Boolean> appsServiceUp = new ConcurrentHashMap<>();
    final List<String> passes = new CopyOnWriteArrayList<>();
    final List<String> applies = new CopyOnWriteArrayList<>();
    final List<String> jobs = new CopyOnWriteArrayList<>();
    final List<String> fetches = new CopyOnWriteArrayList<>();

    @Override
    public void stackDrift(String stack, Set<DriftKind> d) {
        drift.put(stack, d);
    }

    @Override
    public void stackStatus(String stack, HealthStatus h) {
        health.put(stack, h);
    }

    @Override
    public void stackRemoved(String stack) {
        drift.remove(stack);
        health.remove(stack);
    }

    @Override
    public void passCompleted(Duration duration, String result) {
        passes.add(result);
    }

    @Override
    public void applyCompleted(ActionType action, String result) {
        applies.add(action.name().toLowerCase() + ":" + result);
    }

    @Override
    public void jobCompleted(String method, String state, Duration duration) {
        jobs.add(method + ":" + state);
    }

    @Override
    public void connectionUp(String target, boolean up) {
        connectionUp.put(target, up);
    }

    @Override
    public void appsServiceUp(String target, boolean up) {
        appsServiceUp.put(target, up);
    }

    @Override
    public void sourceFetch(String result) {
        fetches.add(result);
    }
}
