package io.truenasgitops.metrics;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one list of metrics the daemon exports: names, types, labels and meaning.
 *
 * <p>The dashboard, the alert rules and {@code docs/operations.md} are checked against this list by tests,
 * so a renamed metric breaks the build instead of silently emptying a panel or muting an alert.
 * {@link Metric#name()} is the Prometheus family name as it appears on {@code /q/metrics};
 * {@link Metric#meterName()} is what is registered with Micrometer (whose Prometheus naming adds
 * {@code _total} to counters and {@code _seconds} to timers).
 */
public final class MetricNames {

    /** Prefix of every metric of ours. */
    public static final String PREFIX = "truenas_gitops_";

    /** Label: the stack (app) name; only stacks present in the repository, never free text. */
    public static final String STACK = "stack";
    /** Label: drift kind (see {@link #DRIFT_KINDS}). */
    public static final String KIND = "kind";
    /** Label: stack status (see the reconcile engine's status enum). */
    public static final String STATUS = "status";
    /** Label: outcome of a pass, fetch or apply. */
    /** Label: what a snapshot metric counts (create, prune, rollback). */
    public static final String OPERATION = "operation";
    public static final String RESULT = "result";
    /** Label: apply action (create, update, delete, start, stop). */
    public static final String ACTION = "action";
    /** Label: middleware method. */
    public static final String METHOD = "method";
    /** Label: final job state. */
    public static final String STATE = "state";
    /** Label: call outcome (ok, or an error class; never the error text). */
    public static final String OUTCOME = "outcome";
    /** Label: configured target (NAS) name. */
    public static final String TARGET = "target";
    /** Label: Git host of the commit statuses (github, gitlab, gitea, forgejo, bitbucket). */
    public static final String PROVIDER = "provider";
    /** Label: Git commit id (only on the info metric). */
    public static final String REVISION = "revision";

    /** The drift kinds of {@code stack_drift}, always all exported per stack (0 or 1). */
    public static final List<String> DRIFT_KINDS = List.of("config", "state", "missing", "orphan");

    /** How a metric is exported. */
    public enum Type {
        GAUGE,
        COUNTER,
        /** A Micrometer timer with histogram buckets: {@code _bucket}, {@code _count}, {@code _sum}, {@code _max}. */
        HISTOGRAM
    }

    /**
     * One exported metric family.
     *
     * @param name the Prometheus family name (counters end in {@code _total}, timers in {@code _seconds})
     * @param type how it is exported
     * @param labels its label names, in order
     * @param help what it means (also the {@code # HELP} text)
     */
    public record Metric(String name, Type type, List<String> labels, String help) {

        /** The name to register with Micrometer so that its Prometheus naming yields {@link #name()}. */
        public String meterName() {
            return switch (type) {
                case COUNTER -> strip(name, "_total");
                case HISTOGRAM -> strip(name, "_seconds");
                case GAUGE -> name;
            };
        }

        /** Every series name this family produces on the scrape page. */
        public Set<String> seriesNames() {
            if (type == Type.HISTOGRAM) {
                return Set.of(name + "_bucket", name + "_count", name + "_sum", name + "_max");
            }
            return Set.of(name);
        }

        private static String strip(String value, String suffix) {
            if (!value.endsWith(suffix)) {
                throw new IllegalStateException("metric " + value + " must end in " + suffix);
            }
            return value.substring(0, value.length() - suffix.length());
        }
    }

    public static final Metric STACK_DRIFT = new Metric(PREFIX + "stack_drift", Type.GAUGE, List.of(STACK, KIND),
            "1 while the stack shows this kind of drift (config, state, missing, orphan), else 0");
    public static final Metric STACK_STATUS = new Metric(PREFIX + "stack_status", Type.GAUGE, List.of(STACK, STATUS),
            "1 for the stack's current status, 0 for every other status");
    public static final Metric STACK_LAST_APPLIED = new Metric(PREFIX + "stack_last_applied_timestamp_seconds",
            Type.GAUGE, List.of(STACK), "Unix time of the last successful apply to the stack's app");
    public static final Metric IMAGE_UPDATE_AVAILABLE = new Metric(PREFIX + "image_update_available", Type.GAUGE,
            List.of(STACK), "1 while TrueNAS reports a newer image under a tag the stack's app runs, else 0"
                    + " (shown only: nothing is pulled)");
    public static final Metric RECONCILE_DURATION = new Metric(PREFIX + "reconcile_duration_seconds",
            Type.HISTOGRAM, List.of(RESULT), "Duration of a whole reconcile pass (fetch, plan, apply)");
    public static final Metric RECONCILE_TOTAL = new Metric(PREFIX + "reconcile_total", Type.COUNTER,
            List.of(RESULT), "Reconcile passes by result");
    public static final Metric APPLY_TOTAL = new Metric(PREFIX + "apply_total", Type.COUNTER,
            List.of(ACTION, RESULT), "Changes applied to apps, by action and result");
    public static final Metric JOB_DURATION = new Metric(PREFIX + "job_duration_seconds", Type.HISTOGRAM,
            List.of(METHOD, STATE), "Duration of middleware jobs (app.create, app.update, ...) by final state");
    public static final Metric API_CALLS = new Metric(PREFIX + "api_calls_total", Type.COUNTER,
            List.of(METHOD, OUTCOME), "Middleware API calls by method and outcome");
    public static final Metric CONNECTION_UP = new Metric(PREFIX + "connection_up", Type.GAUGE, List.of(TARGET),
            "1 while the connection to the target NAS is open and authenticated, else 0");
    public static final Metric APPS_SERVICE_UP = new Metric(PREFIX + "apps_service_up", Type.GAUGE, List.of(TARGET),
            "1 while the target's apps service (Docker) is RUNNING, 0 while it is stopped, unconfigured or starting");
    public static final Metric SOURCE_REVISION_INFO = new Metric(PREFIX + "source_revision_info", Type.GAUGE,
            List.of(REVISION), "Always 1, labelled with the Git revision currently checked out");
    public static final Metric SOURCE_FETCH_TOTAL = new Metric(PREFIX + "source_fetch_total", Type.COUNTER,
            List.of(RESULT), "Git fetches by result");
    public static final Metric APPS = new Metric(PREFIX + "apps", Type.GAUGE, List.of(TARGET, STATE),
            "Apps on the NAS by state, managed by truenas-gitops or not");

    public static final Metric NOTIFICATIONS_SENT = new Metric(PREFIX + "notifications_sent_total", Type.COUNTER,
            List.of(TARGET), "Notifications delivered, by notification target");
    public static final Metric NOTIFICATION_FAILURES = new Metric(PREFIX + "notification_failures_total",
            Type.COUNTER, List.of(TARGET), "Notifications given up (refused, out of attempts, or dropped), by"
                    + " notification target");
    public static final Metric COMMIT_STATUSES_SENT = new Metric(PREFIX + "commit_statuses_sent_total", Type.COUNTER,
            List.of(PROVIDER), "Commit statuses set on the Git host, by host");
    public static final Metric COMMIT_STATUS_FAILURES = new Metric(PREFIX + "commit_status_failures_total",
            Type.COUNTER, List.of(PROVIDER), "Commit statuses given up (refused, out of attempts, or dropped), by"
                    + " Git host");
    public static final Metric SNAPSHOT_TOTAL = new Metric(PREFIX + "snapshot_total", Type.COUNTER,
            List.of(OPERATION, RESULT), "ZFS snapshot operations of the snapshot policy and rollbacks, one per dataset");
    public static final Metric ROLLBACK_TOTAL = new Metric(PREFIX + "rollback_total", Type.COUNTER,
            List.of(RESULT), "Rollbacks of a stack to an older revision, by result");

    public static final Metric IMAGE_UPDATES_COMMITTED = new Metric(PREFIX + "image_updates_committed_total",
            Type.COUNTER, List.of(STACK), "Image tags the daemon's image automation committed to Git (imagePolicy),"
                    + " by stack");
    public static final Metric IMAGE_UPDATE_ROUNDS = new Metric(PREFIX + "image_update_rounds_total", Type.COUNTER,
            List.of(RESULT), "Rounds of the daemon's image automation by result: committed, up-to-date or failed");

    /** Every metric of ours, in documentation order. */
    public static final List<Metric> ALL = List.of(
            STACK_DRIFT, STACK_STATUS, STACK_LAST_APPLIED, IMAGE_UPDATE_AVAILABLE, RECONCILE_DURATION, RECONCILE_TOTAL,
            APPLY_TOTAL, JOB_DURATION, API_CALLS, CONNECTION_UP, APPS_SERVICE_UP, SOURCE_REVISION_INFO,
            SOURCE_FETCH_TOTAL, APPS, NOTIFICATIONS_SENT, NOTIFICATION_FAILURES, SNAPSHOT_TOTAL, ROLLBACK_TOTAL,
            COMMIT_STATUSES_SENT, COMMIT_STATUS_FAILURES, IMAGE_UPDATES_COMMITTED, IMAGE_UPDATE_ROUNDS);

    private MetricNames() {}

    /** Every series name of ours that can appear on {@code /q/metrics}. */
    public static Set<String> exportedSeriesNames() {
        Set<String> names = new LinkedHashSet<>();
        ALL.forEach(m -> names.addAll(m.seriesNames()));
        return names;
    }
}
