package io.truenasgitops.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The daemon's Prometheus metrics ({@link MetricNames}), recorded through Micrometer.
 *
 * <p>Label values are bounded: stacks are only those in the repository ({@link #retainStacks} drops the
 * series of stacks that left it), results and outcomes are small fixed vocabularies, and no error text ever
 * becomes a label. Thread-safe.
 */
public class DaemonMetrics {

    /** Result label values. */
    public static final String SUCCESS = "success";
    public static final String FAILURE = "failure";
    public static final String PARTIAL = "partial";

    /** Bucket bounds of a whole reconcile pass. */
    private static final Duration[] PASS_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600);
    /** Bucket bounds of a middleware job (compose actions may take up to 1200 s on the NAS). */
    private static final Duration[] JOB_BUCKETS = seconds(0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200);

    private final MeterRegistry registry;
    private final GaugeFamily drift;
    private final GaugeFamily status;
    private final GaugeFamily lastApplied;
    private final GaugeFamily imageUpdate;
    private final GaugeFamily connectionUp;
    private final GaugeFamily appsServiceUp;
    private final GaugeFamily revision;
    private final GaugeFamily apps;
    private final AtomicReference<String> currentRevision = new AtomicReference<>();

    public DaemonMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.drift = new GaugeFamily(registry, MetricNames.STACK_DRIFT);
        this.status = new GaugeFamily(registry, MetricNames.STACK_STATUS);
        this.lastApplied = new GaugeFamily(registry, MetricNames.STACK_LAST_APPLIED);
        this.imageUpdate = new GaugeFamily(registry, MetricNames.IMAGE_UPDATE_AVAILABLE);
        this.connectionUp = new GaugeFamily(registry, MetricNames.CONNECTION_UP);
        this.appsServiceUp = new GaugeFamily(registry, MetricNames.APPS_SERVICE_UP);
        this.revision = new GaugeFamily(registry, MetricNames.SOURCE_REVISION_INFO);
        this.apps = new GaugeFamily(registry, MetricNames.APPS);
    }

    /** The registry the metrics are recorded in. */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Sets the drift of a stack: 1 for each kind present, 0 for the others, so that a healed stack returns to 0
     * instead of disappearing (an alert on {@code == 1} then resolves, and graphs show the recovery).
     *
     * @param kinds the drift kinds present, from {@link MetricNames#DRIFT_KINDS}
     */
    public void stackDrift(String stack, Collection<String> kinds) {
        for (String kind : MetricNames.DRIFT_KINDS) {
            drift.set(kinds.contains(kind) ? 1 : 0, stack, kind);
        }
    }

    /**
     * Sets the one-hot status of a stack: 1 for {@code current}, 0 for every other value of {@code all}.
     *
     * @param all every status the engine knows (lowercase), so a stack's series set never changes shape
     */
    public void stackStatus(String stack, String current, Collection<String> all) {
        for (String s : all) {
            status.set(s.equals(current) ? 1 : 0, stack, s);
        }
        if (!all.contains(current)) {
            status.set(1, stack, current);
        }
    }

    /** Records the time of the last successful apply to a stack's app. */
    public void stackLastApplied(String stack, Instant when) {
        lastApplied.set(when.toEpochMilli() / 1000.0, stack);
    }

    /** Sets whether TrueNAS reports a newer image under a tag the stack's app runs (1) or not (0). */
    public void imageUpdateAvailable(String stack, boolean available) {
        imageUpdate.set(available ? 1 : 0, stack);
    }

    /** Drops every per-stack series of stacks not in {@code stacks} (they left the repository). */
    public void retainStacks(Set<String> stacks) {
        drift.retain(labels -> stacks.contains(labels.get(0)));
        status.retain(labels -> stacks.contains(labels.get(0)));
        lastApplied.retain(labels -> stacks.contains(labels.get(0)));
        imageUpdate.retain(labels -> stacks.contains(labels.get(0)));
    }

    /** Counts a reconcile pass and records its duration. */
    public void reconcilePass(Duration duration, String result) {
        Counter.builder(MetricNames.RECONCILE_TOTAL.meterName()).description(MetricNames.RECONCILE_TOTAL.help())
                .tag(MetricNames.RESULT, result).register(registry).increment();
        Timer.builder(MetricNames.RECONCILE_DURATION.meterName()).description(MetricNames.RECONCILE_DURATION.help())
                .tag(MetricNames.RESULT, result)
                .serviceLevelObjectives(PASS_BUCKETS)
                .register(registry).record(duration);
    }

    /** Counts one change applied to an app ({@code create}, {@code update}, ...). */
    public void apply(String action, String result) {
        Counter.builder(MetricNames.APPLY_TOTAL.meterName()).description(MetricNames.APPLY_TOTAL.help())
                .tag(MetricNames.ACTION, action.toLowerCase(Locale.ROOT)).tag(MetricNames.RESULT, result)
                .register(registry).increment();
    }

    /** Counts one ZFS snapshot operation (create, prune, rollback) by result. */
    public void snapshot(String operation, String result) {
        Counter.builder(MetricNames.SNAPSHOT_TOTAL.meterName()).description(MetricNames.SNAPSHOT_TOTAL.help())
                .tag(MetricNames.OPERATION, operation).tag(MetricNames.RESULT, result)
                .register(registry).increment();
    }

    /** Counts one rollback by result (success, refused, failure). */
    public void rollback(String result) {
        Counter.builder(MetricNames.ROLLBACK_TOTAL.meterName()).description(MetricNames.ROLLBACK_TOTAL.help())
                .tag(MetricNames.RESULT, result).register(registry).increment();
    }

    /** Records a middleware job's duration by method ({@code app.update}) and final state ({@code SUCCESS}). */
    public void job(String method, String state, Duration duration) {
        Timer.builder(MetricNames.JOB_DURATION.meterName()).description(MetricNames.JOB_DURATION.help())
                .tag(MetricNames.METHOD, method).tag(MetricNames.STATE, state.toUpperCase(Locale.ROOT))
                .serviceLevelObjectives(JOB_BUCKETS)
                .register(registry).record(duration);
    }

    /** Counts a middleware call by method and outcome (see {@link CallOutcome}). */
    public void apiCall(String method, String outcome) {
        Counter.builder(MetricNames.API_CALLS.meterName()).description(MetricNames.API_CALLS.help())
                .tag(MetricNames.METHOD, method).tag(MetricNames.OUTCOME, outcome)
                .register(registry).increment();
    }

    /** Sets whether the connection to a target is up and authenticated. */
    public void connectionUp(String target, boolean up) {
        connectionUp.set(up ? 1 : 0, target);
    }

    /** Sets whether the apps service (Docker) of a target runs ({@code docker.status} RUNNING). */
    public void appsServiceUp(String target, boolean up) {
        appsServiceUp.set(up ? 1 : 0, target);
    }

    /** Whether the last reported state of a target's connection was up (false when never reported). */
    public boolean isConnectionUp(String target) {
        return connectionUp.get(target) == 1.0;
    }

    /** Counts an image tag the image automation committed for a stack. */
    public void imageUpdateCommitted(String stack) {
        Counter.builder(MetricNames.IMAGE_UPDATES_COMMITTED.meterName())
                .description(MetricNames.IMAGE_UPDATES_COMMITTED.help()).tag(MetricNames.STACK, stack)
                .register(registry).increment();
    }

    /** Counts a round of the image automation by its result ({@code committed}, {@code up-to-date}, {@code failed}). */
    public void imageUpdateRound(String result) {
        Counter.builder(MetricNames.IMAGE_UPDATE_ROUNDS.meterName()).description(MetricNames.IMAGE_UPDATE_ROUNDS.help())
                .tag(MetricNames.RESULT, result).register(registry).increment();
    }

    /** Counts a Git fetch. */
    public void sourceFetch(String result) {
        Counter.builder(MetricNames.SOURCE_FETCH_TOTAL.meterName()).description(MetricNames.SOURCE_FETCH_TOTAL.help())
                .tag(MetricNames.RESULT, result).register(registry).increment();
    }

    /** Points the revision info metric at {@code revision}, removing the series of the previous one. */
    public void sourceRevision(String revision) {
        if (revision == null || revision.equals(currentRevision.getAndSet(revision))) {
            return;
        }
        this.revision.set(1, revision);
        this.revision.retain(labels -> labels.get(0).equals(revision));
    }

    /**
     * Sets the number of apps on the NAS in each state. Every state of {@code allStates} is exported (0 when
     * no app is in it) so that a state emptying shows as 0, not as a vanished series.
     */
    public void apps(String target, Map<String, Long> countsByState, Collection<String> allStates) {
        for (String state : allStates) {
            apps.set(countsByState.getOrDefault(state, 0L), target, state);
        }
        countsByState.forEach((state, count) -> {
            if (!allStates.contains(state)) {
                apps.set(count, target, state);
            }
        });
    }

    private static Duration[] seconds(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofNanos((long) (values[i] * 1_000_000_000L));
        }
        return durations;
    }
}
