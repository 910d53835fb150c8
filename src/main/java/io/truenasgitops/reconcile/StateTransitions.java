package io.truenasgitops.reconcile;

import io.truenasgitops.git.Snapshot;
import io.truenasgitops.reconcile.Reconciler.SourceState;
import io.truenasgitops.reconcile.Reconciler.TargetState;
import io.truenasgitops.truenas.DockerStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the Git source and each target change from one observation to the next: the new state and the events of
 * the change (a fetch failing or recovering, a target lost or back, its apps service stopped or running again).
 * Pure: an unchanged situation gives no event, so a failure is reported once, not every pass.
 */
final class StateTransitions {

    /** An event to record, and the line to log with it ({@code level} null: none). */
    record Notice(Event event, Decision.LogLevel level, String log) {}

    /** The state after an observation and the notices of the change. */
    record Next<S>(S state, List<Notice> notices) {}

    private StateTransitions() {}

    /**
     * The source after a fetch: {@code snapshot} in use (or null), {@code fetched} whether the fetch and scan
     * worked, {@code error} why not.
     */
    static Next<SourceState> source(SourceState prev, Snapshot snapshot, boolean fetched, String error,
            String sourceDescription, Instant now) {
        List<Notice> notices = new ArrayList<>();
        String revision = snapshot == null ? null : snapshot.revision();
        if (error != null && !error.equals(prev.lastError())) {
            notices.add(new Notice(new Event(now, null, Event.Type.WARNING, Reasons.FETCH_FAILED, error
                    + (snapshot != null ? "; keeping the last good revision " + snapshot.shortRevision()
                            : "; nothing to apply"), revision), Decision.LogLevel.WARN, error));
        } else if (error == null && prev.lastError() != null) {
            notices.add(new Notice(new Event(now, null, Event.Type.NORMAL, "FetchRecovered", "fetching "
                    + sourceDescription + " works again", revision), null, null));
        }
        SourceState next = new SourceState(snapshot == null ? prev.revision() : snapshot.revision(),
                snapshot == null ? prev.sourceUrl() : snapshot.sourceUrl(),
                snapshot == null ? prev.fetchedAt() : snapshot.fetchedAt(), error, fetched ? now : prev.lastSuccessAt());
        return new Next<>(next, List.copyOf(notices));
    }

    /**
     * A target after its {@code app.query}: {@code up} whether it answered ({@code error} why not),
     * {@code appsServiceDown} its {@code docker.status} when not running; {@code revision} goes on the events.
     */
    static Next<TargetState> target(TargetState prev, String target, boolean up, String error,
            DockerStatus appsServiceDown, String revision, Instant now) {
        List<Notice> notices = new ArrayList<>();
        DockerStatus wasDown = prev == null ? null : prev.appsServiceDown();
        if (appsServiceDown != null && (wasDown == null || !wasDown.status().equals(appsServiceDown.status()))) {
            String msg = Planner.dockerDownMessage(target, appsServiceDown);
            notices.add(new Notice(new Event(now, null, Event.Type.WARNING, Reasons.DOCKER_NOT_RUNNING, msg
                    + "; nothing is applied to it or checked for drift until then", revision),
                    Decision.LogLevel.WARN, msg));
        } else if (up && appsServiceDown == null && wasDown != null) {
            notices.add(new Notice(new Event(now, null, Event.Type.NORMAL, "DockerRunning", "the apps service"
                    + " (Docker) on target '" + target + "' is RUNNING again", revision), Decision.LogLevel.INFO,
                    "the apps service on target '" + target + "' is RUNNING again"));
        }
        // while unreachable, what was known about its apps service stays as it was
        DockerStatus keep = up ? appsServiceDown : wasDown;
        if (!up && (prev == null || prev.up() || !Objects.equals(prev.lastError(), error))) {
            notices.add(new Notice(new Event(now, null, Event.Type.WARNING, Reasons.TARGET_UNREACHABLE, "target '"
                    + target + "' is unreachable, applies to it are paused: " + error, revision),
                    Decision.LogLevel.WARN, "target '" + target + "' is unreachable: " + error));
        } else if (up && prev != null && !prev.up()) {
            notices.add(new Notice(new Event(now, null, Event.Type.NORMAL, "TargetReachable", "target '" + target
                    + "' is reachable again", revision), null, null));
        }
        TargetState next = new TargetState(target, up, error, up ? now : prev == null ? null : prev.lastSeenAt(), keep);
        return new Next<>(next, List.copyOf(notices));
    }
}
