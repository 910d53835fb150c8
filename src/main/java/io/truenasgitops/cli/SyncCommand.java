package io.truenasgitops.cli;

import io.truenasgitops.reconcile.Action;
import io.truenasgitops.reconcile.Outcome;
import io.truenasgitops.reconcile.ActionOutcome;
import io.truenasgitops.reconcile.PassOutcome;
import io.truenasgitops.reconcile.PassResult;
import io.truenasgitops.reconcile.Plan;
import io.truenasgitops.reconcile.SyncListener;
import io.truenasgitops.reconcile.SyncOptions;
import io.truenasgitops.truenas.Job;
import io.truenasgitops.truenas.TrueNasClient;
import jakarta.enterprise.context.Dependent;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        footer = {"  0  everything applied (or nothing to do)", "  1  a stack failed, is blocked or drifted",
            "  2  error (bad options, Git fetch failed)", "  3  the NAS could not be reached, refused the credentials, or cannot run apps",
            "     now (its apps service, Docker, is not running): try again once it is"})
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
            + " code is then that of a local sync. Without it the pass is only queued."})
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

    /** Asks the daemon at --server for a pass (of --stack names, else of everything) over its REST API. */
    private int syncOnDaemon() {
        if (dryRun || prune) {
            throw new UsageException((dryRun ? "--dry-run" : "--prune") + " cannot be sent to a daemon: use"
                    + " GET /api/v1/plan, or the daemon's own prune settings");
        }
        DaemonClient client = new DaemonClient(daemon.server(), daemon.token());
        List<com.fasterxml.jackson.databind.JsonNode> answers = new ArrayList<>();
        try {
            if (stacks.isEmpty()) {
                answers.add(client.syncAll(waitForDaemon));
            } else {
                for (String name : stacks) {
                    answers.add(client.syncStack(name, waitForDaemon));
                }
            }
        } catch (DaemonClient.Failure f) {
            err().println("error: " + f.getMessage());
            err().flush();
            return f.exitCode();
        }
        if (!output.isTable()) {
            output.printDocument(out(), answers.size() == 1 ? answers.get(0) : answers);
        }
        boolean bad = false;
        for (com.fasterxml.jackson.databind.JsonNode answer : answers) {
            if (!"completed".equals(answer.path("status").asText())) {
                if (output.isTable()) {
                    out().printf("queued a pass on %s%s; follow it with: status --server %s --watch%n",
                            client.describe(), answer.path("stacks").isEmpty() ? "" : " for " + answer.path("stacks"),
                            client.describe());
                }
                continue;
            }
            String revision = answer.path("revision").asText("");
            if (output.isTable()) {
                out().printf("pass at %s on %s: %s (%d actions)%n",
                        revision.isEmpty() || revision.equals("null") ? "(no revision)" : io.truenasgitops.git.Snapshot.shorten(revision),
                        client.describe(), answer.path("result").asText("?"), answer.path("actions").size());
            }
            for (com.fasterxml.jackson.databind.JsonNode a : answer.path("actions")) {
                String outcome = a.path("outcome").asText("");
                bad |= ActionOutcome.fromLabel(outcome).map(ActionOutcome::leftUndone).orElse(false);
                if (output.isTable()) {
                    out().printf("  %-9s %-16s %-10s %s%n", a.path("action").asText(""), a.path("stack").asText(""),
                            outcome, a.path("reason").path("message").asText(a.path("reason").path("code").asText("")));
                }
            }
            bad |= PassOutcome.fromLabel(answer.path("result").asText()).orElse(null) == PassOutcome.FAILURE;
        }
        out().flush();
        return bad ? ExitCodes.FAILED : ExitCodes.OK;
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
                if (output.isTable()) {
                    printPlan(out(), result.plan(), source, endpoint, false);
                } else {
                    output.printDocument(out(), planDocument(result.plan(), source, endpoint));
                }
                if (reportNasNotReady(result.plan())) {
                    return ExitCodes.CONNECTION;
                }
                return result.plan().inSync() ? ExitCodes.OK : ExitCodes.FAILED;
            }
            print(result);
            if (reportNasNotReady(result.plan())) {
                return ExitCodes.CONNECTION;
            }
            boolean bad = result.results().stream().anyMatch(r -> r.outcome().leftUndone()
                    || !r.action().drift().isEmpty() && r.outcome() != ActionOutcome.APPLIED
                            && r.outcome() != ActionOutcome.DELETED);
            return bad ? ExitCodes.FAILED : ExitCodes.OK;
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

    private void print(PassResult result) {
        if (output.isTable()) {
            Style style = Style.current();
            List<List<String>> rows = new ArrayList<>();
            for (PassResult.ActionResult r : result.results()) {
                rows.add(List.of(r.action().stack(), r.action().type().name().toLowerCase(), style.status(r.outcome().label()),
                        style.status(r.health().label()), r.reason() == null ? "" : r.reason().code() + ": " + r.reason().message()));
            }
            OutputOptions.printTable(out(), List.of("STACK", "ACTION", "RESULT", "HEALTH", "REASON"), rows);
            out().println("Sync " + style.status(result.result().label().replace('_', ' ')) + " at "
                    + (result.plan().revision() == null ? "(no revision)" : shortRev(result.plan().revision())) + ".");
            out().flush();
            return;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("revision", result.plan().revision());
        doc.put("result", result.result().label());
        doc.put("results", result.results().stream().map(r -> {
            Map<String, Object> m = actionDocument(r.action());
            m.put("outcome", r.outcome().label());
            m.put("health", r.health().label());
            if (r.reason() != null) {
                m.put("resultReason", r.reason().code());
                m.put("resultMessage", r.reason().message());
            }
            return m;
        }).toList());
        output.printDocument(out(), doc);
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
