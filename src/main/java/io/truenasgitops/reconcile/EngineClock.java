package io.truenasgitops.reconcile;

import java.time.Duration;
import java.time.Instant;

/** Time for the engine: the wall clock in production, a hand-driven clock in tests (no real waiting). */
public interface EngineClock {

    Instant now();

    /** Waits {@code d}; throws when interrupted (shutdown). */
    void sleep(Duration d) throws InterruptedException;

    /** The system clock and {@link Thread#sleep}. */
    EngineClock SYSTEM = new EngineClock() {
        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public void sleep(Duration d) throws InterruptedException {
            Thread.sleep(Math.max(0, d.toMillis()));
        }
    };
}
