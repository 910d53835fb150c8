package io.truenasgitops.metrics;

import io.truenasgitops.reconcile.ActionType;
import io.truenasgitops.reconcile.Condition;
import io.truenasgitops.reconcile.DriftKind;
import io.truenasgitops.reconcile.HealthStatus;
import io.truenasgitops.reconcile.ReconcileMetrics;
import io.truenasgitops.reconcile.StackStatus;
import io.truenasgitops.truenas.AppState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The engine's {@link ReconcileMetrics} port, recorded as the Prometheus metrics of {@link MetricNames}.
 *
 * <p>{@code stack_status} is the stack's health label ({@code healthy}, {@code degraded}, ...) except that a
 * stack whose {@code Stalled} condition is true shows as {@code stalled}: the port reports health only, so at
 * the end of every pass the per-stack series are refreshed from the engine's statuses (bound with
 * {@link #bindStatuses}), which also drops the series of stacks the engine forgot.
 */
public final class MicrometerReconcileMetrics implements ReconcileMetrics {

    /** The {@code status} label value of a stack whose Stalled condition is true. */
    public static final String STALLED = "stalled";

    /** Every {@code stack_status} label value, so each stack always exports the same series. */
    public static final List<String> STATUSES;

    static {
        List<String> all = new ArrayList<>(Arrays.stream(HealthStatus.values()).map(HealthStatus::label).toList());
        all.add(STALLED);
        STATUSES = List.copyOf(all);
    }

    private static final List<String> APP_STATES =
            Arrays.stream(AppState.values()).map(Enum::name).toList();

    private final DaemonMetrics metrics;
    private volatile Supplier<List<StackStatus>> statuses = List::of;

    public MicrometerReconcileMetrics(DaemonMetrics metrics) {
        this.metrics = metrics;
    }

    /** Where to read the stacks' statuses at the end of a pass (the engine's {@code statuses()}). */
    public void bindStatuses(Supplier<List<StackStatus>> statuses) {
        this.statuses = statuses;
    }

    /** The {@code status} label of a stack. */
    public static String statusLabel(StackStatus status) {
        return status.isStalled() ? STALLED : status.health().label();
    }

    @Override
    public void stackDrift(String stack, Set<DriftKind> drift) {
        metrics.stackDrift(stack, drift.stream().map(DriftKind::label).collect(Collectors.toSet()));
    }

    @Override
    public void stackStatus(String stack, HealthStatus health) {
        metrics.stackStatus(stack, health.label(), STATUSES);
    }

    @Override
    public void stackLastApplied(String stack, Instant appliedAt) {
        metrics.stackLastApplied(stack, appliedAt);
    }

    @Override
    public void stackRemoved(String stack) {
        Set<String> keep = new HashSet<>();
        statuses.get().forEach(s -> keep.add(s.name()));
        keep.remove(stack);
        metrics.retainStacks(keep);
    }

    @Override
    public void passCompleted(Duration duration, String result) {
        refreshStacks();
        metrics.reconcilePass(duration, result);
    }

    @Override
    public void applyCompleted(ActionType action, String result) {
        metrics.apply(action.name().toLowerCase(Locale.ROOT), result);
    }

    @Override
    public void snapshotCompleted(String operation, String result) {
        metrics.snapshot(operation, result);
    }

    @Override
    public void rollbackCompleted(String result) {
        metrics.rollback(result);
    }

    @Override
    public void jobCompleted(String method, String state, Duration duration) {
        metrics.job(method, state, duration);
    }

    @Override
    public void connectionUp(String target, boolean up) {
        metrics.connectionUp(target, up);
    }

    @Override
    public void appsServiceUp(String target, boolean up) {
        metrics.appsServiceUp(target, up);
    }

    @Override
    public void sourceRevision(String revision) {
        metrics.sourceRevision(revision);
    }

    @Override
    public void sourceFetch(String result) {
        metrics.sourceFetch(result);
    }

    @Override
    public void appsByState(String target, Map<AppState, Integer> counts) {
        Map<String, Long> byName = new TreeMap<>();
        counts.forEach((state, n) -> byName.put(state.name(), n.longValue()));
        metrics.apps(target, byName, APP_STATES);
    }

    /**
     * Re-exports every stack's drift, status, last apply and image-update flag from the engine, dropping stacks it
     * forgot.
     */
    public void refreshStacks() {
        List<StackStatus> all = statuses.get();
        Set<String> names = new HashSet<>();
        for (StackStatus s : all) {
            names.add(s.name());
            metrics.stackDrift(s.name(), s.drift().stream().map(DriftKind::label).collect(Collectors.toSet()));
            metrics.stackStatus(s.name(), statusLabel(s), STATUSES);
            if (s.lastAppliedAt() != null) {
                metrics.stackLastApplied(s.name(), s.lastAppliedAt());
            }
            metrics.imageUpdateAvailable(s.name(), s.is(Condition.IMAGE_UPDATE_AVAILABLE));
        }
        metrics.retainStacks(names);
    }
}
