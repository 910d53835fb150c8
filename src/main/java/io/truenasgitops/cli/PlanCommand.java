package io.truenasgitops.cli;

import io.truenasgitops.reconcile.Plan;
import io.truenasgitops.reconcile.SyncOptions;
import io.truenasgitops.truenas.TrueNasClient;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code plan}: what a sync would do, read-only — the same planner the daemon uses. */
@Dependent
@Command(name = "plan", aliases = "diff", mixinStandardHelpOptions = true,
        description = {"Show what a sync would change on the NAS: one line per stack with the reason and the masked"
                + " compose diff (live → Git).",
            "Reads only: app.query once, nothing is written."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  in sync: nothing to change, no drift, nothing blocked", "  1  changes pending, drift, or blocked stacks",
            "  2  error (bad options, Git fetch failed)", "  3  the NAS could not be reached, refused the credentials, or cannot run apps",
            "     now (its apps service, Docker, is not running): try again once it is"})
public class PlanCommand extends ReconcileCommand implements TopLevelCommand {

    @Mixin
    OutputOptions output;

    @Option(names = "--prune", description = "Plan deletions of stamped apps whose folder is gone, as sync --prune would.")
    boolean prune;

    @Option(names = "--all", description = "Also list unchanged stacks.")
    boolean all;

    @Override
    int run(TrueNasClient client) throws Exception {
        return withEngine(client, prune, (engine, source, endpoint) -> {
            Plan plan = engine.plan(SyncOptions.all().withPrune(prune));
            if (reportSourceUnusable()) {
                return ExitCodes.USAGE;
            }
            if (output.isTable()) {
                printPlan(out(), plan, source, endpoint, all);
            } else {
                output.printDocument(out(), planDocument(plan, source, endpoint));
            }
            if (reportNasNotReady(plan)) {
                return ExitCodes.CONNECTION;
            }
            return plan.inSync() ? ExitCodes.OK : ExitCodes.FAILED;
        });
    }
}
