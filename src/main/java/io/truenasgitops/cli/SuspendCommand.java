package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.Dependent;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code suspend STACK}: asks a running daemon to leave a stack alone (nothing applied, nothing reverted) until
 * {@code resume STACK}; kept across restarts of the daemon. {@code POST /api/v1/stacks/NAME/suspend}.
 */
@Dependent
@Command(name = "suspend", mixinStandardHelpOptions = true,
        description = {"Suspend a stack on a running daemon (serve or demo): its passes neither apply nor revert"
                + " anything for it until it is resumed (truenas-gitops resume STACK); kept across restarts."
                + " Asks the daemon's REST API (--server, POST /api/v1/stacks/NAME/suspend; needs the API token)."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  the stack is suspended",
            "  2  bad options, or the daemon refused the request (API token, unknown stack)",
            "  3  the daemon could not be reached"})
public class SuspendCommand implements Callable<Integer>, TopLevelCommand {

    @Parameters(index = "0", paramLabel = "STACK", description = "The stack (= app) to suspend.")
    String stack;

    @Mixin
    DaemonOptions daemon;

    @Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return change(spec.commandLine().getOut(), spec.commandLine().getErr(), daemon, output,
                client -> client.suspend(stack));
    }

    /** Sends a suspend or resume and prints the daemon's answer: its message, or the document with -o json/yaml. */
    static int change(PrintWriter out, PrintWriter err, DaemonOptions daemon, OutputOptions output,
            Function<DaemonClient, JsonNode> request) {
        JsonNode answer;
        try {
            answer = request.apply(new DaemonClient(daemon.server(), daemon.token()));
        } catch (DaemonClient.Failure f) {
            return f.report(err);
        }
        if (!output.isTable()) {
            output.printDocument(out, answer);
            return ExitCodes.OK;
        }
        Style style = Style.current();
        boolean suspended = answer.path("suspended").asBoolean(false);
        out.println(style.statusAs(suspended ? "suspended" : "running", answer.path("message").asText()));
        out.flush();
        return ExitCodes.OK;
    }
}
