package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.Dependent;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code history STACK}: a stack's applies, failed applies, prunes and rollbacks on a running daemon, newest first,
 * like {@code argocd app history}. {@code GET /api/v1/stacks/NAME/history}.
 */
@Dependent
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Show what a running daemon (serve or demo) did to a stack, newest first: each apply, failed"
                + " apply, prune and rollback with its revision, when, what was done, the outcome and its reason,"
                + " and what triggered it (poll, webhook, api, cli, retry, startup, image-update). The daemon keeps the newest"
                + " 100 per stack with its state. Asks the daemon's REST API (--server,"
                + " GET /api/v1/stacks/NAME/history)."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  the daemon answered",
            "  2  bad options, or the daemon refused the request (API token, unknown stack)",
            "  3  the daemon could not be reached"})
public class HistoryCommand implements Callable<Integer>, TopLevelCommand {

    @Parameters(index = "0", paramLabel = "STACK", description = "The stack (= app).")
    String stack;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "At most this many entries, newest first (1..100; default: ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    DaemonOptions daemon;

    @Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (limit < 1 || limit > 100) {
            throw new UsageException("history: --limit must be between 1 and 100, not " + limit);
        }
        JsonNode entries;
        try {
            entries = new DaemonClient(daemon.server(), daemon.token()).history(stack, limit);
        } catch (DaemonClient.Failure f) {
            return f.report(err);
        }
        if (!output.isTable()) {
            output.printDocument(out, entries);
            return ExitCodes.OK;
        }
        print(out, stack, entries, Style.current());
        return ExitCodes.OK;
    }

    static void print(PrintWriter out, String stack, JsonNode entries, Style style) {
        if (entries.isEmpty()) {
            out.println("no history of stack '" + stack + "' yet: no pass applied anything to it, nor failed to");
            out.flush();
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode e : entries) {
            String outcome = e.path("outcome").asText("-");
            int attempts = e.path("attempts").asInt(1);
            rows.add(List.of(e.path("id").asText("-"), revision(e.path("revision").asText("")),
                    when(e.path("time").asText("")), e.path("operation").asText("-"),
                    style.status(outcome) + (attempts > 1 ? " (" + attempts + " times)" : ""),
                    e.path("trigger").asText("-"), oneLine(e.path("reason").path("message").asText(""))));
        }
        OutputOptions.printTable(out, List.of("ID", "REVISION", "WHEN", "WHAT", "OUTCOME", "TRIGGER", "REASON"), rows);
    }

    /** An instant to the second, as the table shows it. */
    private static String when(String time) {
        try {
            return java.time.Instant.parse(time).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        } catch (java.time.format.DateTimeParseException e) {
            return time.isEmpty() ? "-" : time;
        }
    }

    private static String revision(String revision) {
        return revision.isEmpty() || revision.equals("null") ? "-" : io.truenasgitops.git.Snapshot.shorten(revision);
    }

    private static String oneLine(String text) {
        if (text.isEmpty() || text.equals("null")) {
            return "-";
        }
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > 100 ? line.substring(0, 99) + "…" : line;
    }
}
