package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.AppState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Port for the engine's metrics; the Micrometer adapter maps each method 1:1 to a metric of design.md (prefix
 * {@code truenas_gitops_}). Defaults to {@link #NOOP}. Calls come from engine threads; keep them cheap.
 */
public interface ReconcileMetrics {

    /** {@code stack_drift{stack,kind}}: 1 for each kind in {@code drift}, 0 for the others. */
    default void stackDrift(String stack, Set<DriftKind> drift) {}

    /** {@code stack_status{stack,status}}: 1 for the current health, 0 for the others. */
    default void stackStatus(String stack, HealthStatus health) {}

    /** {@code stack_last_applied_timestamp_seconds{stack}}. */
    default void stackLastApplied(String stack, Instant appliedAt) {}

    /** The stack is gone from Git and from the NAS: drop its per-stack series. */
    default void stackRemoved(String stack) {}

    /** {@code reconcile_duration_seconds} and {@code reconcile_total{result}} for one pass. */
    default void passCompleted(Duration duration, String result) {}

    /** {@code apply_total{action,result}}: action = create|update|delete|start|stop, result = an outcome label. */
    default void applyCompleted(ActionType action, String result) {}

    /** {@code job_duration_seconds{method,state}}: state = SUCCESS|FAILED|ABORTED|UNKNOWN. */
    default void jobCompleted(String method, String state, Duration duration) {}

    /** {@code connection_up{target}}. */
    default void connectionUp(String target, boolean up) {}

    /** {@code apps_service_up{target}}: 1 while the target's apps service (Docker) runs, as far as known. */
    default void appsServiceUp(String target, boolean up) {}

    /** {@code source_revision_info{revision}} = 1 for the revision in use. */
    default void sourceRevision(String revision) {}

    /** {@code source_fetch_total{result}}: result = success|failure. */
    default void sourceFetch(String result) {}

    /** {@code apps{state}}: all apps on a target (managed or not) by state; summed over targets by the adapter. */
    default void appsByState(String target, Map<AppState, Integer> counts) {}

    /**
     * {@code snapshot_total{operation,result}}: operation = create|prune|rollback (one per dataset), result =
     * success|failure.
     */
    default void snapshotCompleted(String operation, String result) {}

    /** {@code rollback_total{result}}: result = success|refused|failure. */
    default void rollbackCompleted(String result) {}

    /** Does nothing. */
    ReconcileMetrics NOOP = new ReconcileMetrics() {};
}
