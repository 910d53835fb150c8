package io.truenasgitops.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --watch} and its {@code --interval}, for the commands that show a running daemon. */
final class WatchOptions {

    @Option(names = {"-w", "--watch"}, description = "Keep watching: print the stacks again whenever they change (Ctrl-C to stop).")
    boolean watch;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
            description = "How often --watch asks the daemon (default: ${DEFAULT-VALUE}).")
    int intervalSeconds;

    /** The interval, checked: a usage error below one second. */
    int intervalSeconds() {
        if (intervalSeconds < 1) {
            throw new UsageException("--interval must be at least 1 second, not " + intervalSeconds);
        }
        return intervalSeconds;
    }

    /**
     * What the watch does between two asks: sleep on the wall clock when run from the command line; a test passes
     * its own, so it decides what happens between asks instead of racing a timer.
     */
    @FunctionalInterface
    interface Pause {
        /** Sleeps on the wall clock. */
        Pause SLEEP = interval -> Thread.sleep(interval.toMillis());

        void between(Duration interval) throws InterruptedException;
    }
}
