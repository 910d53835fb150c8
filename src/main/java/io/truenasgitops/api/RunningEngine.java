package io.truenasgitops.api;

import io.truenasgitops.git.GitSource;
import io.truenasgitops.reconcile.ReconcileLoop;
import io.truenasgitops.reconcile.Reconciler;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the REST surface needs of the running daemon: its engine, loop, source and targets. The daemon's Quarkus
 * wiring provides it as a CDI bean, so this package does not depend on the wiring.
 */
public interface RunningEngine {

    /** The reconcile engine. */
    Reconciler reconciler();

    /** The loop that runs passes. */
    ReconcileLoop loop();

    /** The Git source. */
    GitSource source();

    /** When the loop was started, or empty when it was never started. */
    Optional<Instant> startedAt();

    /** The configured NAS targets, name to WebSocket URL (which may carry user info), in configuration order. */
    Map<String, String> targetUrls();
}
