package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.Dependent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code status} (also {@code get stacks}): what a running daemon says about every stack, like
 * {@code flux get kustomizations}; with {@code --watch}, again whenever it changes.
 */
@Dependent
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the stacks of a running daemon (serve or demo): status, readiness, drift, the revision"
                + " last applied and the last error. Asks the daemon's REST API (--server), not the NAS."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  the daemon answered", "  2  bad options, or the daemon refused the request (API token)",
            "  3  the daemon could not be reached (with --watch: it went away)"})
public class StatusCommand implements Callable<Integer>, TopLevelCommand {

    @Mixin
    DaemonOptions daemon;

    @Mixin
    OutputOptions output;

    @Mixin
    WatchOptions watching;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        return show(spec.commandLine().getOut(), spec.commandLine().getErr(), daemon, output, watching.watch,
                watching.intervalSeconds(), WatchOptions.Pause.SLEEP);
    }

    /** Prints the stacks once, or on every change while watching; returns the exit code. */
    static int show(PrintWriter out, PrintWriter err, DaemonOptions options, OutputOptions output, boolean watch,
            int intervalSeconds, WatchOptions.Pause pause) throws InterruptedException {
        DaemonClient client = new DaemonClient(options.server(), options.token());
        String last = null;
        while (true) {
            JsonNode stacks;
            try {
                stacks = client.stacks();
            } catch (DaemonClient.Failure f) {
                return f.report(err);
            }
            String rendered = render(stacks, output);
            if (!rendered.equals(last)) {
                if (last != null && output.isTable()) {
                    out.println();
                }
                out.print(rendered);
                out.flush();
                last = rendered;
            }
            if (!watch) {
                return ExitCodes.OK;
            }
            pause.between(java.time.Duration.ofSeconds(intervalSeconds));
        }
    }

    static String render(JsonNode stacks, OutputOptions output) {
        StringWriter text = new StringWriter();
        PrintWriter w = new PrintWriter(text);
        if (!output.isTable()) {
            output.printDocument(w, stacks);
        } else if (stacks.isEmpty()) {
            w.println("no stacks yet: the daemon has not finished its first pass");
        } else {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode s : stacks) {
                List<String> drift = new ArrayList<>();
                s.path("drift").forEach(d -> drift.add(d.asText()));
                rows.add(List.of(s.path("name").asText(), s.path("status").asText("-"),
                        s.path("ready").asBoolean(false) ? "True" : "False",
                        drift.isEmpty() ? "-" : String.join(",", drift),
                        shortRevision(s.path("lastAppliedRevision").asText("")),
                        s.path("suspended").asBoolean(false) ? "True" : "False",
                        oneLine(s.path("lastError").asText(""))));
            }
            OutputOptions.printTable(w, List.of("NAME", "STATUS", "READY", "DRIFT", "REVISION", "SUSPENDED", "LAST ERROR"),
                    rows);
        }
        w.flush();
        return text.toString();
    }

    private static String shortRevision(String revision) {
        return revision.isEmpty() || revision.equals("null") ? "-" : io.truenasgitops.git.Snapshot.shorten(revision);
    }

    private static String oneLine(String error) {
        if (error.isEmpty() || error.equals("null")) {
            return "-";
        }
        String line = error.replaceAll("\\s+", " ").strip();
        return line.length() > 100 ? line.substring(0, 99) + "…" : line;
    }
}
