package io.truenasgitops.app;

import io.truenasgitops.reconcile.PassResult;
import io.truenasgitops.reconcile.ReconcileLoop;
import io.truenasgitops.reconcile.Reconciler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The daemon's health checks at {@code /q/health/ready} and {@code /q/health/live}.
 *
 * <p>Ready: the last Git fetch worked and every NAS target is connected, logged in and, as of the last pass, has
 * its apps service (Docker) running. Live: the reconcile
 * loop is not stuck, i.e. a pass finished (or the loop started) less than the poll interval plus
 * {@code truenas-gitops.health.max-pass-duration} ago. A daemon whose loop was never started (short CLI
 * commands) is live and not ready.
 */
public final class DaemonHealth {

    private DaemonHealth() {}

    /** Readiness: Git and every NAS target. */
    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {

        @Inject
        Daemon daemon;

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("truenas-gitops");
            boolean up = true;
            Reconciler r;
            try {
                r = daemon.reconciler();
            } catch (RuntimeException e) {
                return response.down().withData("error", e.getMessage()).build();
            }
            Reconciler.SourceState source = r.source();
            if (source.revision() == null && source.lastError() == null) {
                up = false;
                response.withData("git", "not fetched yet");
            } else if (source.lastError() != null) {
                up = false;
                response.withData("git", "DOWN: " + source.lastError());
            } else {
                response.withData("git", "UP at " + source.revision());
            }
            Map<String, Reconciler.TargetState> seen = new java.util.HashMap<>();
            r.targets().forEach(ts -> seen.put(ts.name(), ts));
            for (Map.Entry<String, LazyTarget> t : daemon.targets().entrySet()) {
                LazyTarget target = t.getValue();
                Reconciler.TargetState state = seen.get(t.getKey());
                if (target.isConnected() && state != null && state.appsServiceDown() != null) {
                    up = false;
                    response.withData("target." + t.getKey(), "DOWN: the apps service (Docker) is "
                            + state.appsServiceDown().status() + ": nothing is applied there until it runs");
                } else if (target.isConnected()) {
                    response.withData("target." + t.getKey(), "UP");
                } else {
                    up = false;
                    response.withData("target." + t.getKey(), "DOWN: "
                            + target.lastError().orElse("not connected yet (the first pass connects)"));
                }
            }
            return (up ? response.up() : response.down()).build();
        }
    }

    /** Liveness: the loop makes progress. */
    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {

        @Inject
        Daemon daemon;

        @ConfigProperty(name = "truenas-gitops.health.max-pass-duration", defaultValue = "1h")
        Duration maxPassDuration;

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("reconcile-loop");
            Optional<Instant> started = daemon.startedAt();
            if (started.isEmpty()) {
                return response.up().withData("loop", "not started").build();
            }
            ReconcileLoop loop = daemon.loop();
            Instant lastProgress = loop.lastResult()
                    .map(PassResult::startedAt)
                    .map(s -> s.plus(loop.lastResult().get().duration()))
                    .filter(end -> end.isAfter(started.get()))
                    .orElse(started.get());
            Duration since = Duration.between(lastProgress, Instant.now());
            Duration bound = daemon.interval().plus(maxPassDuration);
            response.withData("passes", loop.passes())
                    .withData("busy", loop.isBusy())
                    .withData("sinceLastPass", io.truenasgitops.reconcile.Durations.human(since));
            loop.lastFailure().ifPresent(e -> response.withData("lastFailure", String.valueOf(e.getMessage())));
            if (!loop.isRunning()) {
                return response.down().withData("reason", "the loop stopped").build();
            }
            if (!loop.isWorkerAlive()) {
                return response.down().withData("reason", "the loop's thread ended: no pass runs any more;"
                        + " restart the daemon").build();
            }
            if (since.compareTo(bound) > 0) {
                return response.down().withData("reason", "no pass finished for "
                        + io.truenasgitops.reconcile.Durations.human(since) + " (more than "
                        + io.truenasgitops.reconcile.Durations.human(bound) + "): the loop is stuck").build();
            }
            return response.up().build();
        }
    }
}
