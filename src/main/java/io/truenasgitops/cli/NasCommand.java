package io.truenasgitops.cli;

import io.truenasgitops.truenas.JobListener;
import io.truenasgitops.truenas.TrueNasClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** Base of the commands that talk to a NAS: the connection options and the output streams. */
abstract class NasCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandLine.Model.CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public Integer call() throws Exception {
        prepare();
        try (TrueNasClient client = connection.connect(err())) {
            return run(client);
        }
    }

    /** Runs one job-backed operation with a progress line on stderr that is ended whatever happens. */
    void withProgress(Consumer<JobListener> operation) {
        JobProgress progress = JobProgress.on(err());
        try {
            operation.accept(progress);
        } finally {
            progress.finish();
        }
    }

    /** Checks arguments before connecting (a usage error must not cost a login); throws {@link UsageException}. */
    void prepare() {}

    /** The command's work on a connected client; returns an {@link ExitCodes} value. */
    abstract int run(TrueNasClient client) throws Exception;
}
