package io.truenasgitops.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a long-running command (the emulator) run until the JVM is asked to stop (SIGTERM, SIGINT, Ctrl-C) and
 * then clean up before the JVM exits: the shutdown hook waits (up to {@link #CLEAN_UP}) for {@link #close()}.
 */
final class ShutdownSignal implements AutoCloseable {

    /** How long the JVM waits for the command's clean-up after a signal. */
    static final Duration CLEAN_UP = Duration.ofSeconds(30);

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch cleanedUp = new CountDownLatch(1);
    private final Thread hook = new Thread(this::stopAndWaitForCleanUp, "shutdown-signal");

    ShutdownSignal() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Blocks until the JVM is asked to stop. */
    void await() throws InterruptedException {
        stop.await();
    }

    private void stopAndWaitForCleanUp() {
        stop.countDown();
        try {
            cleanedUp.await(CLEAN_UP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command has cleaned up: the JVM may exit. */
    @Override
    public void close() {
        cleanedUp.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it returns now that the clean-up is done
        }
    }
}
