package io.truenasgitops.cli;

import io.truenasgitops.api.V1;
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
            "Reads only: app.query once, nothing is written. With --server, the plan of a running daemon"
                    + " (GET /api/v1/plan): the same document and exit code."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  in sync: nothing to change, no drift, nothing blocked", "  1  changes pending, drift, or blocked stacks",
            "  2  error (bad options, Git fetch failed; with --server: the daemon refused",
            "     the request)",
            "  3  the NAS could not be reached, refused the credentials, or cannot run apps",
            "     now (its apps service, Docker, is not running): try again once it is;",
            "     with --server also: the daemon could not be reached",
            "The same codes with and without --server: both judge the same document",
            "(-o json)."})
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

    @Mixin
    DaemonOptions daemon;

    @Override
    public Integer call() throws Exception {
        if (daemon.serverGiven()) {
            return planOnDaemon();
        }
        return super.call();
    }

    /** Asks the daemon at --server what its next pass would do; printed and judged as a plan made here. */
    private int planOnDaemon() {
        if (against != null || prune || repo != null || output.isMarkdown()) {
            throw new UsageException((against != null ? "--against" : prune ? "--prune" : repo != null ? "--repo"
                    : "-o markdown") + " cannot be sent to a daemon: it plans its own repository (GET /api/v1/plan);"
                    + " leave --server out to plan here");
        }
        DaemonClient client = new DaemonClient(daemon.server(), daemon.token());
        V1.Plan plan;
        try {
            plan = client.plan();
        } catch (DaemonClient.Failure f) {
            return f.report(err());
        }
        show(plan, "the daemon's repository", client.describe());
        return exitCode(err(), plan);
    }

    private void show(V1.Plan plan, String source, String endpoint) {
        if (output.isTable()) {
            printPlan(out(), plan, source, endpoint, all);
        } else {
            output.printDocument(out(), plan);
        }
    }

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
            io.truenasgitops.reconcile.Plan plan = engine.plan(SyncOptions.all().withPrune(prune));
            if (reportSourceUnusable()) {
                return ExitCodes.USAGE;
            }
            V1.Plan document = V1.Plan.of(plan);
            if (output.isMarkdown()) {
                out().print(PlanMarkdown.render(plan, source, endpoint, all));
                out().flush();
            } else {
                show(document, source, endpoint);
            }
            return exitCode(err(), document);
        });
    }
}
