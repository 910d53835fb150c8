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

    @Option(names = "--against", paramLabel = "REF", description = {
        "Plan this branch, tag or commit of the local Git repository (--repo PATH, default: the current directory)"
                + " against what runs on the NAS now: read from the repository's own objects, nothing is fetched"
                + " (a CI job's checkout of a pull request). Use -o markdown for a pull-request comment."})
    String against;

    @Option(names = "--source-url", paramLabel = "URL", description = {
        "With --against: the repository URL the daemon fetches, which its apps' stamps name (default: the"
                + " repository's remote.origin.url)."})
    String sourceUrl;

    @Override
    void prepare() {
        if (against == null) {
            if (sourceUrl != null) {
                throw new UsageException("--source-url goes with --against REF");
            }
            super.prepare();
            return;
        }
        if (ref != null) {
            throw new UsageException("give either --ref (fetch --repo at REF) or --against (a local repository at"
                    + " REF), not both");
        }
        if (repo != null && isUrl(repo)) {
            throw new UsageException("--against reads a local repository: give --repo PATH (or run it in a checkout),"
                    + " not the URL " + repo);
        }
        if (repo == null || repo.isBlank()) {
            repo = ".";
        }
    }

    @Override
    LocalRevision localRevision() {
        return against == null ? null : new LocalRevision(against, sourceUrl);
    }

    @Override
    int run(TrueNasClient client) throws Exception {
        return withEngine(client, prune, (engine, source, endpoint) -> {
            Plan plan = engine.plan(SyncOptions.all().withPrune(prune));
            if (reportSourceUnusable()) {
                return ExitCodes.USAGE;
            }
            if (output.isTable()) {
                printPlan(out(), plan, source, endpoint, all);
            } else if (output.isMarkdown()) {
                out().print(PlanMarkdown.render(plan, source, endpoint, all));
                out().flush();
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
