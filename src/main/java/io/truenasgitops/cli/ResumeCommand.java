package io.truenasgitops.cli;

import jakarta.enterprise.context.Dependent;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code resume STACK}: lifts a runtime suspension (a {@code suspend} or a {@code rollback}'s) on a running daemon;
 * the next pass reconciles the stack again. {@code POST /api/v1/stacks/NAME/resume}.
 */
@Dependent
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Resume a stack suspended at runtime on a running daemon (by suspend, or left suspended by"
                + " rollback): the next pass reconciles it again, and applies what Git has. A suspend: true in its"
                + " stack.yaml still wins (the answer says so). Asks the daemon's REST API (--server,"
                + " POST /api/v1/stacks/NAME/resume; needs the API token)."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  the runtime suspension is lifted",
            "  2  bad options, or the daemon refused the request (API token, unknown stack)",
            "  3  the daemon could not be reached"})
public class ResumeCommand implements Callable<Integer>, TopLevelCommand {

    @Parameters(index = "0", paramLabel = "STACK", description = "The stack (= app) to resume.")
    String stack;

    @Mixin
    DaemonOptions daemon;

    @Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return SuspendCommand.change(spec.commandLine().getOut(), spec.commandLine().getErr(), daemon, output,
                client -> client.resume(stack));
    }
}
