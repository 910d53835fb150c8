package io.truenasgitops.cli;

import io.truenasgitops.api.V1;
import io.truenasgitops.git.Snapshot;
import io.truenasgitops.reconcile.Action;
import io.truenasgitops.reconcile.Outcome;
import io.truenasgitops.reconcile.PassResult;
import io.truenasgitops.reconcile.Plan;
import io.truenasgitops.reconcile.SyncListener;
import io.truenasgitops.reconcile.SyncOptions;
import io.truenasgitops.truenas.Job;
import io.truenasgitops.truenas.TrueNasClient;
import jakarta.enterprise.context.Dependent;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sync}: one reconcile pass in-process: plan, apply, health gate, report. */
@Dependent
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Make the NAS match Git once: create, update, start/stop and (with prune) delete apps, following"
                + " every job to its end and waiting until changed apps run.",
            "Progress goes to stderr, the result to stdout."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  everything applied (or nothing to do); with --server and no --wait: the",
            "     pass was queued",
            "  1  a stack failed, is blocked or waiting, or drifted and was not reverted",
            "  2  error (bad options, Git fetch failed, an unknown --stack; with --server:",
            "     the daemon refused the request)",
            "  3  the NAS could not be reached, refused the credentials, or cannot run apps",
            "     now (its apps service, Docker, is not running): try again once it is;",
            "     with --server also: the daemon could not be reached",
            "The same codes with and without --server --wait: both judge the same",
            "document (-o json)."})
public class SyncCommand extends ReconcileCommand implements TopLevelCommand {

    @Mixin
    OutputOptions output;

    @Option(names = "--dry-run", description = "Plan and print, write nothing (like plan).")
    boolean dryRun;

    @Option(names = "--prune", description = "Delete apps stamped by this repository whose folder is gone, even where stack.yaml did not"
                + " say prune: true. Deleting an app also deletes its named volumes.")
    boolean prune;

    @Option(names = "--stack", paramLabel = "NAME", split = ",",
            description = "Only these stacks (repeatable); they are synced even when stalled, and their drift is reverted.")
    List<String> stacks = new ArrayList<>();

    @Mixin
    DaemonOptions daemon;

    @Option(names = "--wait", description = {"With --server: wait for the daemon's pass and print what it did; the exit"
            + " code is then that of a sync run here. Without it the pass is only queued."})
    boolean waitForDaemon;

    @Override
    public Integer call() throws Exception {
        if (daemon.serverGiven()) {
            return syncOnDaemon();
        }
        if (waitForDaemon) {
            throw new UsageException("--wait goes with --server URL (a pass of a running daemon); a sync run here"
                    + " always waits for its pass");
        }
        return super.call();
    }

    /**
     * Asks the daemon at --server for a pass (of the --stack names, else of everything) over its REST API; its
     * answer is printed and judged as a pass run here.
     */
    private int syncOnDaemon() {
        if (dryRun || prune) {
            throw new UsageException((dryRun ? "--dry-run" : "--prune") + " cannot be sent to a daemon: use"
                    + " plan --server (GET /api/v1/plan), or the daemon's own prune settings");
        }
        DaemonClient client = new DaemonClient(daemon.server(), daemon.token());
        V1.Sync answer;
        try {
            answer = client.sync(stacks.stream().distinct().toList(), waitForDaemon);
        } catch (DaemonClient.Failure f) {
            return f.report(err());
        }
        if (!"completed".equals(answer.status())) {
            if (output.isTable()) {
                out().printf("queued a pass on %s%s; follow it with: status --server %s --watch%n",
                        client.describe(), answer.stacks().isEmpty() ? "" : " for " + String.join(", ", answer.stacks()),
                        client.describe());
                out().flush();
            } else {
                output.printDocument(out(), answer);
            }
            return ExitCodes.of(answer);
        }
        return report(answer, "on " + client.describe());
    }

    @Override
    int run(TrueNasClient client) throws Exception {
        return withEngine(client, prune, (engine, source, endpoint) -> {
            SyncOptions options = (stacks.isEmpty() ? SyncOptions.all() : SyncOptions.only(Set.copyOf(stacks)))
                    .withDryRun(dryRun).withPrune(prune);
            if (!stacks.isEmpty()) {
                // A name that is no stack is a usage error: checked on a read-only plan before anything is applied.
                Plan before = engine.plan(options);
                if (reportSourceUnusable()) {
                    return ExitCodes.USAGE;
                }
                if (reportUnknownStacks(before)) {
                    return ExitCodes.USAGE;
                }
            }
            PassResult result = engine.syncOnce(options, new Progress(err()));
            if (result.plan().revision() == null || result.results().isEmpty()) {
                // no snapshot at all, or one without a stacks folder: nothing could be applied
                if (reportSourceUnusable()) {
                    return ExitCodes.USAGE;
                }
            }
            if (dryRun) {
                V1.Plan plan = V1.Plan.of(result.plan());
                if (output.isTable()) {
                    printPlan(out(), plan, source, endpoint, false);
                } else {
                    output.printDocument(out(), plan);
                }
                return exitCode(err(), plan);
            }
            return report(V1.Sync.completed(List.copyOf(stacks), result), null);
        });
    }

    /** Says which --stack names are neither a stack folder nor an app of this source, with the closest names. */
    private boolean reportUnknownStacks(Plan plan) {
        List<String> known = plan.actions().stream().map(Action::stack).distinct().sorted().toList();
        List<String> unknown = stacks.stream().filter(s -> !known.contains(s)).distinct().toList();
        for (String name : unknown) {
            List<String> near = DidYouMean.closest(name, known);
            err().println("error: --stack " + name + ": no such stack in " + repo
                    + (near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?")
                    + (known.isEmpty() ? " (it has no stacks)" : "; its stacks: " + String.join(", ", known))
                    + " (nothing was applied)");
        }
        err().flush();
        return !unknown.isEmpty();
    }

    /**
     * Prints a completed pass (one row per action, then a line saying how it ended and, when it did not leave every
     * stack where Git wants it, which ones) and returns its exit code, the same for a pass run here and one a
     * daemon ran.
     */
    private int report(V1.Sync pass, String where) {
        int code = ExitCodes.of(pass);
        if (!output.isTable()) {
            output.printDocument(out(), pass);
        } else {
            Style style = Style.current();
            List<List<String>> rows = new ArrayList<>();
            for (V1.SyncAction a : pass.actions()) {
                rows.add(List.of(a.stack(), a.action(), style.status(a.outcome()),
                        a.health() == null ? "-" : style.status(a.health()),
                        a.reason() == null ? "" : a.reason().code() + ": " + a.reason().message()));
            }
            OutputOptions.printTable(out(), List.of("STACK", "ACTION", "RESULT", "HEALTH", "REASON"), rows);
            List<String> left = ExitCodes.notInSync(pass).stream().map(a -> a.stack() + " (" + (a.drift() != null
                    && !a.drift().isEmpty() && !a.outcome().equals("stalled") && !a.outcome().equals("retry")
                            ? "drift: " + String.join(", ", a.drift()) : a.outcome()) + ")").toList();
            out().println("Sync " + style.status(pass.result().replace('_', ' ')) + " at "
                    + (pass.revision() == null ? "(no revision)" : Snapshot.shorten(pass.revision()))
                    + (where == null ? "" : " " + where)
                    + (left.isEmpty() ? "." : "; not in sync: " + String.join(", ", left) + "."));
            out().flush();
        }
        ExitCodes.nasNotReady(pass).ifPresent(r -> {
            err().println("error: " + r.message());
            err().flush();
        });
        return code;
    }

    /** Progress lines on stderr: before each long step, each job change, and each end. */
    private static final class Progress implements SyncListener {
        private final PrintWriter err;
        private final Map<Action, JobProgress> jobs = new java.util.concurrent.ConcurrentHashMap<>();

        Progress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public synchronized void onActionStart(Action action, String message) {
            err.println(action.stack() + ": " + message);
            err.flush();
        }

        @Override
        public void onJob(Action action, Job job) {
            // several apps may run at once: plain lines, never a line rewritten in place
            jobs.computeIfAbsent(action, a -> new JobProgress(err, false)).onUpdate(job);
        }

        @Override
        public synchronized void onActionEnd(Action action, Outcome outcome) {
            if (action.writes()) {
                err.println(action.stack() + ": " + outcome.label() + " (health " + outcome.health().label() + ")");
                err.flush();
            }
        }
    }
}
