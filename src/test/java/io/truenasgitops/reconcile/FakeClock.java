package io.truenasgitops.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that only moves when told to, or when the engine sleeps (sleeping advances it instantly). */
final class FakeClock implements EngineClock {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-26T06:00:00Z"));

    @Override
    public Instant now() {
        return now.get();
    }

    @Override
    public void sleep(Duration d) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        advance(d);
        Thread.yield();
    }

    void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }
}
