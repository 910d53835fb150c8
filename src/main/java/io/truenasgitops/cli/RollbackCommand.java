package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.Dependent;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rollback STACK --to REVISION}: asks a running daemon to roll a stack back, data and compose. Shows the plan
 * first (the compose diff, each dataset and the snapshot it returns to, the newer snapshots destroyed), asks on a
 * terminal ({@code --yes} for scripts), then the daemon stops the app, rolls the datasets back, applies the compose
 * of that revision and leaves the stack suspended until {@code resume}.
 */
@Dependent
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Roll a stack back to an older revision: its datasets to the ZFS snapshots the snapshot policy"
                + " took of that revision's data, and its compose to that revision's. Asks a running daemon"
                + " (--server); the stack stays suspended until resumed (POST /api/v1/stacks/NAME/resume), so the"
                + " next pass does not apply Git's newer commit.",
            "Shows the plan and asks on a terminal; scripts pass --yes. Data written since the snapshot is lost."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  rolled back (or, with --dry-run, the plan was shown)",
            "  1  the daemon refused the rollback (nothing changed) or it failed (the stack stays suspended)",
            "  2  bad options, not confirmed, or the daemon refused the request (API token, unknown revision)",
            "  3  the daemon could not be reached"})
public class RollbackCommand implements Callable<Integer>, TopLevelCommand {

    @Parameters(index = "0", paramLabel = "STACK", description = "The stack (= app) to roll back.")
    String stack;

    @Option(names = "--to", required = true, paramLabel = "REVISION",
            description = "The commit to roll back to (full or abbreviated id, at least 4 hex digits).")
    String revision;

    @Option(names = {"-y", "--yes"}, description = "Roll back without asking (scripts; without a terminal this flag is"
            + " required).")
    boolean yes;

    @Option(names = "--force-destroy-newer", description = "Also when snapshots newer than the one rolled back to"
            + " exist: ZFS destroys them (without this flag the rollback is refused).")
    boolean destroyNewer;

    @Option(names = "--dry-run", description = "Show the plan only; change nothing.")
    boolean dryRun;

    @Mixin
    DaemonOptions daemon;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!revision.strip().matches("[0-9a-fA-F]{4,40}")) {
            throw new UsageException("rollback: --to " + revision + " is not a commit id: give 4 to 40 hex digits");
        }
        DaemonClient client = new DaemonClient(daemon.server(), daemon.token());
        JsonNode plan;
        try {
            plan = client.rollbackPlan(stack, revision.strip());
        } catch (DaemonClient.Failure f) {
            return f.report(err);
        }
        printPlan(out, plan, Style.current());
        String shortRev = io.truenasgitops.git.Snapshot.shorten(plan.path("revision").asText(revision));
        if (!plan.path("problems").isEmpty()) {
            err.println("error: cannot roll stack '" + stack + "' back to revision " + shortRev + ": "
                    + String.join("; ", texts(plan.path("problems"))) + " (nothing was changed)");
            err.flush();
            return ExitCodes.FAILED;
        }
        if (plan.path("destroysNewer").asBoolean(false) && !destroyNewer) {
            throw new UsageException("rollback: rolling stack '" + stack + "' back to revision " + shortRev
                    + " destroys the newer snapshots listed above; pass --force-destroy-newer to go ahead (nothing"
                    + " was changed)");
        }
        if (dryRun) {
            return ExitCodes.OK;
        }
        if (!yes) {
            Terminal terminal = Terminal.current();
            if (!terminal.interactive()) {
                throw new UsageException("rollback: rolling stack '" + stack + "' back replaces its data and compose;"
                        + " confirm with --yes (there is no terminal to ask on)");
            }
            String answer = terminal.ask(err, "Roll stack '" + stack + "' back to revision " + shortRev
                    + " (data written since its snapshots is lost)? [y/N] ");
            if (!Terminal.isYes(answer)) {
                throw new UsageException("rollback: stack '" + stack + "' was not rolled back (not confirmed)");
            }
        }
        JsonNode done;
        try {
            done = client.rollback(stack, revision.strip(), destroyNewer);
        } catch (DaemonClient.Failure f) {
            return f.report(err);
        }
        out.println(done.path("message").asText("rolled back"));
        out.println("resume it with: truenas-gitops resume " + stack + " (revert the bad commit in Git first to keep"
                + " this revision)");
        out.flush();
        return ExitCodes.OK;
    }

    static void printPlan(PrintWriter out, JsonNode plan, Style style) {
        String stack = plan.path("stack").asText();
        out.println(style.bold("rollback of stack '" + stack + "' on target '" + plan.path("target").asText()
                + "' to revision " + io.truenasgitops.git.Snapshot.shorten(plan.path("revision").asText()) + " (it runs "
                + (plan.path("liveRevision").isTextual() ? io.truenasgitops.git.Snapshot.shorten(plan.path("liveRevision").asText())
                        : "a revision without our stamp") + ")"));
        String diff = plan.path("diff").asText("");
        out.println();
        out.println("compose:");
        if (diff.isBlank()) {
            out.println("  (the same as what runs)");
        } else {
            diff.lines().forEach(l -> out.println("  " + style.diffLine(l)));
        }
        out.println();
        out.println("data:");
        if (plan.path("datasets").isEmpty()) {
            out.println("  (no dataset is rolled back)");
        }
        for (JsonNode d : plan.path("datasets")) {
            out.println("  " + d.path("dataset").asText() + " -> " + d.path("snapshot").asText() + " (taken "
                    + d.path("takenAt").asText() + "; what was written since is lost)");
            for (JsonNode n : d.path("newer")) {
                out.println("    " + style.red("destroys newer snapshot " + n.asText()));
            }
        }
        for (String note : texts(plan.path("notes"))) {
            out.println("  " + style.yellow("note: " + note));
        }
        for (String problem : texts(plan.path("problems"))) {
            out.println("  " + style.red("problem: " + problem));
        }
        out.println();
        out.flush();
    }

    private static java.util.List<String> texts(JsonNode array) {
        java.util.List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

}
