package io.truenasgitops.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.truenasgitops.compose.ComposeDiff;
import io.truenasgitops.metrics.MicrometerReconcileMetrics;
import io.truenasgitops.reconcile.Action;
import io.truenasgitops.reconcile.DriftKind;
import io.truenasgitops.reconcile.PassResult;
import io.truenasgitops.reconcile.StackStatus;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The JSON documents of REST API v1. They are the API's contract: engine records are mapped into them so that
 * internal fields (hashes, fingerprints, retry counters) can change without breaking clients. Values from the
 * secrets directory are already masked ({@code ***}) by the engine's diff.
 */
public final class V1 {

    private V1() {}

    /**
     * One stack and the state of its app.
     *
     * @param name the stack (= app) name
     * @param target the NAS it goes to
     * @param path its folder in the repository
     * @param status the summary: healthy, stopped (state: stopped), suspended (suspend: true or at runtime), progressing, degraded, missing, unknown, or stalled
     * @param ready whether the Ready condition is true
     * @param appState the app state last seen on the NAS, or null when it has no app
     * @param drift how the app differs from Git: config, state, missing, orphan
     * @param conditions Ready, Reconciling, Stalled, Drifted, and ImageUpdateAvailable once TrueNAS reported one
     * @param lastAppliedRevision the commit last applied successfully
     * @param lastAppliedAt when
     * @param lastAttemptedRevision the commit the last pass looked at
     * @param lastAction the last planned action (create, update, delete, start, stop, unchanged, blocked)
     * @param reason why (code and message)
     * @param lastError the last error, or null once resolved
     * @param suspended whether the stack is suspended (stack.yaml or at runtime)
     * @param nextRetryAt when a failed apply is retried, or null
     * @param updatedAt when this status was written
     * @param imageUpdateAvailable whether TrueNAS reports a newer image under a tag the app runs (the condition
     *     ImageUpdateAvailable says which; shown only, nothing is pulled)
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Stack(String name, String target, String path, String status, boolean ready, String appState,
            List<String> drift, List<Condition> conditions, String lastAppliedRevision, Instant lastAppliedAt,
            String lastAttemptedRevision, String lastAction, Reason reason, String lastError, boolean suspended,
            Instant nextRetryAt, Instant updatedAt, boolean imageUpdateAvailable) {

        /** The stack as the last pass saw it, suspended or not as it is now (a resume shows at once). */
        static Stack of(StackStatus s, io.truenasgitops.reconcile.Reconciler.Suspension now) {
            Stack st = of(s, false);
            return new Stack(st.name(), st.target(), st.path(), st.status(), st.ready(), st.appState(), st.drift(),
                    st.conditions(), st.lastAppliedRevision(), st.lastAppliedAt(), st.lastAttemptedRevision(),
                    st.lastAction(), st.reason(), st.lastError(), now.suspended(), st.nextRetryAt(), st.updatedAt(),
                    st.imageUpdateAvailable());
        }

        static Stack of(StackStatus s, boolean suspendedAtRuntime) {
            return new Stack(s.name(), s.target(), s.path(), MicrometerReconcileMetrics.statusLabel(s), s.isReady(),
                    s.liveState() == null ? null : s.liveState().name(), driftLabels(s.drift()),
                    s.conditions().stream().map(Condition::of).toList(), s.lastAppliedRevision(), s.lastAppliedAt(),
                    s.lastAttemptedRevision(), s.lastAction() == null ? null : lower(s.lastAction().name()),
                    Reason.of(s.lastReason()), s.lastError(), s.suspended() || suspendedAtRuntime, s.nextRetryAt(),
                    s.updatedAt(), s.is(io.truenasgitops.reconcile.Condition.IMAGE_UPDATE_AVAILABLE));
        }
    }

    /**
     * A status condition in the Kubernetes/Flux vocabulary.
     *
     * @param type Ready, Reconciling, Stalled, Drifted or ImageUpdateAvailable
     * @param status True, False or Unknown
     * @param reason a PascalCase code
     * @param message what it means this time
     * @param lastTransitionTime when the status last changed
     */
    public record Condition(String type, String status, String reason, String message, Instant lastTransitionTime) {
        static Condition of(io.truenasgitops.reconcile.Condition c) {
            String status = switch (c.status()) {
                case TRUE -> "True";
                case FALSE -> "False";
                case UNKNOWN -> "Unknown";
            };
            return new Condition(c.type(), status, c.reason(), c.message(), c.lastTransitionTime());
        }
    }

    /** Why something happened: a PascalCase code for machines and a message for people. */
    public record Reason(String code, String message) {
        static Reason of(io.truenasgitops.reconcile.Reason r) {
            return r == null ? null : new Reason(r.code(), r.message());
        }
    }

    /**
     * What a pass would do now.
     *
     * <p>The CLI's {@code plan -o json|yaml} and {@code sync --dry-run -o json|yaml} print this same document.
     *
     * @param revision the commit planned against
     * @param inSync whether nothing is pending, drifted or blocked
     * @param hasChanges whether any action writes to the NAS
     * @param actions one per stack and per orphaned app, in execution order
     * @param warnings pass-wide problems (fetch failed, unreachable NAS, repository problems)
     */
    public record Plan(String revision, Instant createdAt, boolean inSync, boolean hasChanges,
            List<PlannedAction> actions, List<String> warnings) {
        /** The document of an engine plan. */
        public static Plan of(io.truenasgitops.reconcile.Plan p) {
            return new Plan(p.revision(), p.createdAt(), p.inSync(), p.hasChanges(),
                    p.actions().stream().map(PlannedAction::of).toList(), p.warnings());
        }
    }

    /**
     * One planned step.
     *
     * @param stack the stack (= app)
     * @param target the NAS
     * @param path the stack's folder in the repository, or null for an app with no folder (orphaned)
     * @param action create, update, delete, start, stop, unchanged or blocked
     * @param writes whether it changes anything on the NAS
     * @param reason why
     * @param drift how the app differs now
     * @param problems why the stack is invalid, when it is
     * @param warnings what does not stop the stack but deserves a look (a snapshot policy that cannot protect
     *     its data, ...)
     * @param dependsOn stacks applied before this one
     * @param changes how many compose paths differ (0 when nothing to compare)
     * @param diff the unified compose diff ({@code --- live}, {@code +++ desired}, secrets masked), empty when
     *     nothing differs
     * @param creates what applying it makes on the NAS besides the app (missing data folders)
     * @param composeFiles the compose files the stack's document was merged from (main first; override files,
     *     includes, extends), empty when not known
     */
    public record PlannedAction(String stack, String target, String path, String action, boolean writes,
            Reason reason, List<String> drift, List<String> problems, List<String> warnings, List<String> dependsOn,
            int changes, String diff, List<String> creates, List<String> composeFiles) {
        public PlannedAction {
            creates = creates == null ? List.of() : List.copyOf(creates);
            composeFiles = composeFiles == null ? List.of() : List.copyOf(composeFiles);
        }

        /** An action that makes nothing besides the app, of one compose file. */
        public PlannedAction(String stack, String target, String path, String action, boolean writes,
                Reason reason, List<String> drift, List<String> problems, List<String> warnings,
                List<String> dependsOn, int changes, String diff) {
            this(stack, target, path, action, writes, reason, drift, problems, warnings, dependsOn, changes, diff,
                    List.of(), List.of());
        }

        static PlannedAction of(Action a) {
            return new PlannedAction(a.stack(), a.target(), a.path(), lower(a.type().name()), a.writes(),
                    Reason.of(a.reason()), driftLabels(a.drift()), a.problems(), a.warnings(), a.dependsOn(),
                    a.diff() == null ? 0 : a.diff().changes().size(), a.diff() == null ? "" : a.diff().unified(),
                    a.creates(), a.composeFiles());
        }
    }

    /**
     * The difference between a stack's app on the NAS and Git.
     *
     * @param stack the stack
     * @param revision the commit compared against
     * @param action what a pass would do
     * @param inSync whether there is no difference
     * @param changes each differing compose path (secrets masked)
     * @param unified the same as a unified YAML diff ({@code --- live}, {@code +++ desired})
     */
    public record Diff(String stack, String revision, String action, boolean inSync, List<Change> changes,
            String unified) {
        static Diff of(String revision, Action a) {
            ComposeDiff d = a.diff();
            List<Change> changes = d == null ? List.of()
                    : d.changes().stream().map(c -> new Change(lower(c.kind().name()), c.path(), c.from(), c.to())).toList();
            return new Diff(a.stack(), revision, lower(a.type().name()), changes.isEmpty() && a.drift().isEmpty(),
                    changes, d == null ? "" : d.unified());
        }
    }

    /** One differing compose path: added, removed or changed, with both values. */
    public record Change(String kind, String path, Object live, Object desired) {}

    /**
     * Something that happened to a stack (or to the whole daemon when {@code stack} is null).
     *
     * @param type Normal or Warning
     */
    public record Event(Instant time, String stack, String type, String reason, String message, String revision) {
        static Event of(io.truenasgitops.reconcile.Event e) {
            return new Event(e.time(), e.stack(), e.type() == io.truenasgitops.reconcile.Event.Type.WARNING ? "Warning" : "Normal",
                    e.reason(), e.message(), e.revision());
        }
    }

    /**
     * The answer to a sync request; the CLI's {@code sync -o json|yaml} prints this same document for its pass.
     *
     * @param status {@code queued} (the loop runs it soon) or {@code completed} (with {@code ?wait=true})
     * @param stacks the stacks asked for (empty: all)
     * @param result for a completed pass: success, no_change or failure
     * @param revision the commit the pass applied
     * @param actions what the pass did
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Sync(String status, List<String> stacks, String result, String revision, Instant startedAt,
            Long durationMillis, List<SyncAction> actions) {
        static Sync queued(List<String> stacks) {
            return new Sync("queued", stacks, null, null, null, null, null);
        }

        /** The document of a pass that ran to its end. */
        public static Sync completed(List<String> stacks, PassResult r) {
            return new Sync("completed", stacks, r.result().label(), r.plan().revision(), r.startedAt(), r.duration().toMillis(),
                    r.results().stream().map(SyncAction::of).toList());
        }
    }

    /**
     * What a pass did to one stack.
     *
     * @param outcome applied, unchanged, blocked, stalled, retry, waiting, deleted or planned
     * @param reason why it ended so (the reason its status records)
     * @param health the app's health afterwards
     * @param drift how the app differed from Git when the pass planned it (config, state, missing, orphan):
     *     drift the pass did not revert leaves the stack out of sync
     */
    public record SyncAction(String stack, String action, String outcome, Reason reason, String health,
            List<String> drift) {
        static SyncAction of(PassResult.ActionResult r) {
            return new SyncAction(r.action().stack(), lower(r.action().type().name()), r.outcome().label(),
                    Reason.of(r.reason()),
                    r.health() == null ? null : r.health().label(), driftLabels(r.action().drift()));
        }
    }

    /**
     * The answer to suspend/resume, read after the change: whether passes leave the stack alone now, and why.
     *
     * @param suspended whether the stack is suspended now (at runtime or by its stack.yaml)
     * @param suspendedAtRuntime suspended through the API or by a rollback, until resumed
     * @param suspendedInStackYaml its stack.yaml says {@code suspend: true} (a resume does not change that)
     */
    public record Suspension(String stack, boolean suspended, String message, boolean suspendedAtRuntime,
            boolean suspendedInStackYaml) {

        /** An answer without the why. */
        public Suspension(String stack, boolean suspended, String message) {
            this(stack, suspended, message, suspended, false);
        }
    }

    /**
     * One entry of a stack's history (applies, failed applies, prunes, rollbacks), newest first in the list.
     *
     * @param id the entry's number within the stack, from 1
     * @param time when it ended (a repeated failure: when it was last seen)
     * @param revision the commit applied, attempted or rolled back to
     * @param fromRevision the commit the app ran before, or null
     * @param operation create, update, start, stop, delete or rollback
     * @param outcome applied, failed, deleted, rolled-back or rollback-failed
     * @param reason code and message
     * @param trigger what asked for it: poll, webhook, api, cli, retry, startup or image-update
     * @param attempts how many passes in a row failed the same way (1 otherwise)
     */
    public record HistoryEntry(long id, Instant time, String revision, String fromRevision, String operation,
            String outcome, Reason reason, String trigger, int attempts) {
        static HistoryEntry of(io.truenasgitops.reconcile.HistoryEntry e) {
            return new HistoryEntry(e.id(), e.time(), e.revision(), e.fromRevision(),
                    e.operation() == null ? null : e.operation().label(), e.kind() == null ? null : e.kind().label(),
                    Reason.of(e.reason()), e.trigger() == null ? null : e.trigger().label(), e.attempts());
        }
    }

    /**
     * The last log lines of a stack's containers ({@code GET /api/v1/stacks/{name}/logs}).
     *
     * @param lines how many lines per container were asked for
     * @param containers one entry per container, as the NAS lists them; empty when the app has none (stopped)
     */
    public record ContainerLogs(String stack, int lines, List<ContainerLog> containers) {}

    /**
     * One container's last lines, secrets masked.
     *
     * @param container its id, 12 characters
     * @param error why its log could not be read, or null
     */
    public record ContainerLog(String service, String container, String state, List<String> lines, String error) {
        static ContainerLog of(io.truenasgitops.reconcile.ContainerLog c) {
            return new ContainerLog(c.service(), c.containerId(), c.state(), c.lines(), c.error());
        }
    }

    /**
     * The daemon's mode (GET/PUT {@code /api/v1/mode}; PUT takes {@code {"mode": "report"}}).
     *
     * @param mode {@code sync} (passes apply) or {@code report} (observe only: plan and report, never write)
     * @param message what that means for the next passes (answers only)
     */
    public record ModeSetting(String mode, String message) {
        /** The document of {@code mode}. */
        public static ModeSetting of(io.truenasgitops.reconcile.Mode mode) {
            return new ModeSetting(mode.label(), mode == io.truenasgitops.reconcile.Mode.REPORT
                    ? "report mode (observe only): passes plan and report drift, metrics and notifications; nothing"
                            + " is written to the NAS"
                    : "sync mode: passes apply what Git says");
        }
    }

    /**
     * What a rollback does (GET) or did (POST).
     *
     * @param stack the stack
     * @param target the NAS
     * @param revision the full commit id rolled back to
     * @param liveRevision the revision the app runs now, or null
     * @param diff the unified compose diff from what runs to that revision, secrets masked
     * @param datasets each dataset rolled back, its snapshot, when that was taken, the newer snapshots destroyed
     * @param notes host paths left alone and other remarks
     * @param problems why it would refuse; empty when it can go ahead
     * @param destroysNewer whether it destroys newer snapshots (then POST needs destroyNewer=true)
     */
    public record RollbackPlan(String stack, String target, String revision, String liveRevision, String diff,
            List<io.truenasgitops.reconcile.RollbackPlan.DatasetRollback> datasets, List<String> notes,
            List<String> problems, boolean destroysNewer) {
        static RollbackPlan of(io.truenasgitops.reconcile.RollbackPlan p) {
            return new RollbackPlan(p.stack(), p.target(), p.revision(), p.liveRevision(),
                    p.diff() == null ? "" : p.diff().unified(), p.datasets(), p.notes(), p.problems(),
                    p.destroysNewer());
        }
    }

    /** The answer to a rollback: done, and the stack is suspended until resumed. */
    public record Rollback(String stack, String revision, boolean suspended, String message, RollbackPlan plan) {}

    static List<String> driftLabels(java.util.Set<DriftKind> kinds) {
        return kinds.stream().map(DriftKind::label).sorted().toList();
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
