package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.truenasgitops.truenas.Job;
import io.truenasgitops.truenas.NotFoundException;
import io.truenasgitops.truenas.TrueNasClient;
import jakarta.enterprise.context.Dependent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jobs list|get|wait}: middleware jobs ({@code core.get_jobs}). */
@Dependent
@Command(name = "jobs", description = "List, show and wait for middleware jobs (ids restart at 1 when the middleware restarts).",
        subcommands = {JobsCommand.ListJobs.class, JobsCommand.GetJob.class, JobsCommand.WaitJob.class})
public class JobsCommand implements TopLevelCommand, Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static List<String> row(Job job) {
        String detail = job.error() != null ? job.error()
                : job.progressDescription() == null ? "" : job.progressDescription();
        return List.of(String.valueOf(job.id()), String.valueOf(job.method()),
                Style.current().status(String.valueOf(job.state())),
                job.progressPercent() + "%", detail);
    }

    static final List<String> HEADER = List.of("ID", "METHOD", "STATE", "PROGRESS", "DESCRIPTION");

    @Command(name = "list", description = "List the jobs the middleware remembers (about the last 1000).")
    static class ListJobs extends NasCommand {
        @Option(names = "--state", paramLabel = "STATE", description = "Only WAITING, RUNNING, SUCCESS, FAILED or ABORTED jobs.")
        String state;

        @Option(names = "--method", paramLabel = "METHOD", description = "Only jobs of this method, e.g. app.update.")
        String method;

        @Mixin
        OutputOptions output;

        @Override
        int run(TrueNasClient client) {
            ArrayNode filters = new ObjectMapper().createArrayNode();
            if (state != null) {
                filters.addArray().add("state").add("=").add(state.toUpperCase(java.util.Locale.ROOT));
            }
            if (method != null) {
                filters.addArray().add("method").add("=").add(method);
            }
            List<Job> jobs = client.jobs().list(filters);
            if (!output.isTable()) {
                output.printDocument(out(), jobs.stream().map(Job::raw).toList());
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            jobs.forEach(j -> rows.add(row(j)));
            OutputOptions.printTable(out(), HEADER, rows);
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", description = "Show one job.")
    static class GetJob extends NasCommand {
        @Parameters(paramLabel = "ID", description = "The job id.")
        long id;

        @Mixin
        OutputOptions output;

        @Override
        int run(TrueNasClient client) {
            Job job = client.jobs().get(id).orElseThrow(() -> new NotFoundException("job " + id
                    + " is not known to the middleware (ids restart at 1 when it restarts)"));
            if (!output.isTable()) {
                output.printDocument(out(), job.raw());
                return ExitCodes.OK;
            }
            OutputOptions.printTable(out(), HEADER, List.of(row(job)));
            return ExitCodes.OK;
        }
    }

    @Command(name = "wait", description = "Wait for a job's end, showing its progress; exit 1 when it fails.")
    static class WaitJob extends NasCommand {
        @Parameters(paramLabel = "ID", description = "The job id.")
        long id;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up waiting after this long (default: 1800)")
        long timeoutSeconds = 1800;

        @Mixin
        OutputOptions output;

        @Override
        int run(TrueNasClient client) {
            JobProgress progress = JobProgress.on(err());
            Job job;
            try {
                job = client.jobs().await(id, progress, Duration.ofSeconds(timeoutSeconds));
            } finally {
                progress.finish();
            }
            if (!output.isTable()) {
                output.printDocument(out(), job.raw());
            } else {
                out().println("job " + job.id() + " (" + job.method() + ") " + job.state());
                out().flush();
            }
            return ExitCodes.OK;
        }
    }
}
