package io.truenasgitops.cli;

import io.quarkus.runtime.Quarkus;
import io.truenasgitops.app.Daemon;
import io.truenasgitops.app.DemoEnvironment;
import jakarta.inject.Inject;
import io.truenasgitops.reconcile.PassResult;
import io.truenasgitops.reconcile.StackStatus;
import io.truenasgitops.reconcile.SyncOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the whole product on one machine with no NAS: an emulated TrueNAS, a local Git repository of
 * the example stacks, and the daemon reconciling one into the other.
 *
 * <p>The emulator and the repository are prepared in {@code Main} before Quarkus boots, because the daemon's
 * configuration must point at them; this command starts the loop and tells the person what to look at.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the daemon against an emulated TrueNAS and a Git repository of the example stacks"
                + " (stacks-example/): no NAS needed. Runs until Ctrl-C.",
                "The status page, REST API, metrics and health are served on 127.0.0.1:8080 (QUARKUS_HTTP_PORT=N for another"
                + " port, QUARKUS_HTTP_HOST=0.0.0.0 to open it to the network). Ctrl-C deletes its temporary folder."})
public class DemoCommand implements Callable<Integer>, TopLevelCommand {

    // Read by Main before Quarkus boots; declared here for --help and so that picocli accepts them.
    @Option(names = "--example", paramLabel = "DIR",
            description = "Example repository to copy (default: ./stacks-example, else the copy in the jar).")
    Path example;

    @Option(names = "--keep", description = "Keep the demo's temporary folder (repository, state) after exit.")
    boolean keep;

    @Option(names = "--docker", description = {"Run the apps as real containers on the Docker Engine of DOCKER_HOST:"
            + " the demo builds a tiny local image (from a static busybox; nothing is pulled) and applies one stack,"
            + " 'hello', that serves HTTP on 127.0.0.1 (--app-port)."})
    boolean docker;

    @Option(names = "--app-port", paramLabel = "PORT", defaultValue = "18080",
            description = "With --docker: the loopback port the 'hello' stack publishes (default: ${DEFAULT-VALUE}).")
    int appPort;

    @Option(names = "--no-app-datasets", description = {"Do not give each example stack a dataset of its own"
            + " (tank/apps/<stack>) on the emulated NAS: the stacks' snapshot: policies then protect nothing and say so"
            + " (by default they do, so a snapshot, a failed update and rollback with data can be tried)."})
    boolean noAppDatasets;

    @Option(names = "--once", description = "Run one pass, print what it did and exit (0 when every stack"
            + " applied cleanly); serves no HTTP.")
    boolean once;

    @Inject
    Daemon daemon;

    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int httpPort;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        DemoEnvironment env = DemoEnvironment.current()
                .orElseThrow(() -> new UsageException("demo must be the first argument of the command line"));
        if (once) {
            return onePass();
        }
        env.printWelcome(System.out, httpPort);
        daemon.start();
        Quarkus.waitForExit();
        daemon.stop();
        return ExitCodes.OK;
    }

    private int onePass() {
        PrintWriter out = spec.commandLine().getOut();
        PassResult pass = daemon.reconciler().syncOnce(SyncOptions.all());
        out.printf("pass at %s: %d action(s)%n", pass.plan().revision(), pass.results().size());
        for (PassResult.ActionResult r : pass.results()) {
            out.printf("  %-8s %-12s %s%n", r.action().type().name().toLowerCase(), r.action().stack(),
                    r.reason().message());
        }
        for (StackStatus status : daemon.reconciler().statuses()) {
            out.printf("%-12s %s%n", status.name(), status.health().name().toLowerCase());
        }
        out.flush();
        daemon.stop();
        return pass.failed() ? ExitCodes.FAILED : ExitCodes.OK;
    }
}
