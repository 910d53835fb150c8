package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppState;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.TrueNasException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Waits after an apply until the app is RUNNING and has stayed RUNNING for the settle time. CRASHED, a
 * vanished app or the timeout fail the gate: a crash loop must not count as a successful deploy.
 */
final class HealthGate {

    private final EngineClock clock;
    private final Duration settle;
    private final Duration poll;

    HealthGate(EngineClock clock, Duration settle, Duration poll) {
        this.clock = clock;
        this.settle = settle;
        this.poll = poll.isZero() || poll.isNegative() ? Duration.ofMillis(100) : poll;
    }

    /** Returns once healthy; throws {@link HealthGateException} otherwise. */
    AppState awaitRunning(AppsApi api, String app, Duration timeout) throws InterruptedException {
        Instant deadline = clock.now().plus(timeout);
        Instant runningSince = null;
        AppState last = null;
        while (true) {
            Instant now = clock.now();
            Optional<App> current;
            try {
                current = api.get(app, false);
            } catch (TrueNasException e) {
                if (!e.isRetryable()) {
                    throw e;
                }
                current = null; // unknown for now: keep waiting until the deadline
            }
            if (current != null) {
                if (current.isEmpty()) {
                    throw new HealthGateException(Reasons.HEALTH_CHECK_FAILED, "app '" + app
                            + "' disappeared from the NAS while waiting for it to run", null);
                }
                last = current.get().state();
                switch (last) {
                    case RUNNING -> {
                        if (runningSince == null) {
                            runningSince = now;
                        }
                        if (!now.isBefore(runningSince.plus(settle))) {
                            return last;
                        }
                    }
                    case CRASHED, ERROR -> throw new HealthGateException(Reasons.HEALTH_CHECK_FAILED, "app '" + app
                            + "' is " + last + " after the apply (a container exited with an error; see its logs:"
                            + " truenas-gitops apps logs " + app + ")", last);
                    case STOPPED -> throw new HealthGateException(Reasons.HEALTH_CHECK_FAILED, "app '" + app
                            + "' stopped right after the apply (its containers exited)", last);
                    default -> runningSince = null;
                }
            }
            if (!now.isBefore(deadline)) {
                throw new HealthGateException(Reasons.HEALTH_TIMEOUT, "app '" + app + "' did not become healthy within "
                        + Durations.human(timeout) + " (last state " + (last == null ? "unknown" : last) + "); raise healthTimeout in"
                        + " stack.yaml if it needs longer to start", last);
            }
            clock.sleep(poll);
        }
    }

    /** Waits until the app is STOPPED (after app.stop, whose job ends before the state event arrives). */
    AppState awaitStopped(AppsApi api, String app, Duration timeout) throws InterruptedException {
        Instant deadline = clock.now().plus(timeout);
        while (true) {
            Optional<App> current = api.get(app, false);
            AppState s = current.map(App::state).orElse(null);
            if (s == AppState.STOPPED) {
                return s;
            }
            if (!clock.now().isBefore(deadline)) {
                throw new HealthGateException(Reasons.HEALTH_TIMEOUT, "app '" + app + "' is still " + s + " "
                        + Durations.human(timeout) + " after it was stopped", s);
            }
            clock.sleep(poll);
        }
    }
}
