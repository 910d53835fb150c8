package io.truenasgitops.cli;

import io.quarkus.runtime.Quarkus;
import io.truenasgitops.app.Daemon;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code serve}: runs the daemon (reconcile loop, REST API, webhooks, health, metrics) until SIGTERM/SIGINT,
 * then stops after the pass in flight.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the daemon: reconcile Git into the NAS every interval and on webhooks; serve the status page (/),"
                + " the REST API (/api/v1), webhooks (/hooks/git), health (/q/health) and metrics (/q/metrics).",
                "Configured by environment variables and application.yaml: see docs/configuration.md."})
public class ServeCommand implements Callable<Integer>, TopLevelCommand {

    @Inject
    Daemon daemon;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        java.util.List<String> problems = daemon.configurationProblems();
        if (!problems.isEmpty()) {
            java.io.PrintWriter err = spec.commandLine().getErr();
            problems.forEach(p -> err.println("error: " + p));
            err.flush();
            return ExitCodes.USAGE;
        }
        daemon.start();
        Quarkus.waitForExit();
        daemon.stop();
        return ExitCodes.OK;
    }
}
