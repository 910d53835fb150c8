package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.truenasgitops.reconcile.Mode;
import jakarta.enterprise.context.Dependent;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code mode [sync|report]}: shows or switches a running daemon's mode without a restart; {@code report} is
 * observe-only (plan, drift, metrics and notifications, never a write to the NAS).
 */
@Dependent
@Command(name = "mode", mixinStandardHelpOptions = true,
        description = {"Show the mode of a running daemon (serve or demo), or switch it without a restart:"
                + " report (observe only: passes plan and report drift, metrics and notifications, and never write"
                + " to the NAS) or sync (passes apply what Git says). A switch lasts until the daemon restarts;"
                + " truenas-gitops.reconcile.mode decides at start."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  the daemon answered", "  2  bad options, or the daemon refused the request (API token)",
            "  3  the daemon could not be reached"})
public class ModeCommand implements Callable<Integer>, TopLevelCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODE",
            description = "sync or report; without it, the mode is shown (switching needs the API token).")
    String mode;

    @Mixin
    DaemonOptions daemon;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Mode next = null;
        if (mode != null) {
            try {
                next = Mode.parse(mode);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        DaemonClient client = new DaemonClient(daemon.server(), daemon.token());
        JsonNode answer;
        try {
            answer = next == null ? client.mode() : client.setMode(next.label());
        } catch (DaemonClient.Failure f) {
            return f.report(spec.commandLine().getErr());
        }
        spec.commandLine().getOut().println(answer.path("mode").asText("?") + ": " + answer.path("message").asText(""));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
