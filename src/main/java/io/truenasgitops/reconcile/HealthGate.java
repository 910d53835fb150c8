package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppState;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.ContainerExit;
import io.truenasgitops.truenas.TrueNasException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Waits after an apply until the app is RUNNING and has stayed RUNNING for the settle time, with every container
 * up. CRASHED, ERROR, a vanished app, a dead container in a RUNNING app or the timeout fail the gate: a crash
 * loop must not count as a successful deploy.
 *
 * <p>The app state alone is not enough: {@code ix_apps/query.py} calls an app RUNNING while one container runs and
 * the others have exited, and 27.0 counts exit codes 0, 129, 130, 137 and 143 as "exited" rather than "crashed"
 * (so an OOM-killed container, 137, no longer makes its app CRASHED). The gate reads
 * {@code active_workloads.container_details}: a {@code crashed} container fails it, an {@code exited} one too
 * unless its service is a one-shot the compose waits for ({@code depends_on: {svc: {condition:
 * service_completed_successfully}}}).
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
        return awaitRunning(api, app, timeout, Set.of());
    }

    /**
     * As {@link #awaitRunning(AppsApi, String, Duration)}; containers of the services in {@code oneShot} may have
     * exited (init jobs other services wait for).
     */
    AppState awaitRunning(AppsApi api, String app, Duration timeout, Set<String> oneShot) throws InterruptedException {
        Instant deadline = clock.now().plus(timeout);
        Instant runningSince = null;
        AppState last = null;
        try {
            api.watchContainerExits(); // docker.events: exit codes and OOM kills, which app.query never says
        } catch (RuntimeException e) {
            // unknown then; the containers' states still decide
        }
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
                        deadContainer(api, app, current.get(), oneShot);
                        if (runningSince == null) {
                            runningSince = now;
                        }
                        if (!now.isBefore(runningSince.plus(settle))) {
                            return last;
                        }
                    }
                    case CRASHED -> throw new HealthGateException(Reasons.HEALTH_CHECK_FAILED, "app '" + app
                            + "' is " + last + " after the apply (a container exited with an error"
                            + crashedServices(api, app, current.get()) + "; see its logs: truenas-gitops apps logs "
                            + app + ")", last);
                    case ERROR -> throw new HealthGateException(Reasons.HEALTH_CHECK_FAILED, "app '" + app
                            + "' is ERROR after the apply"
                            + (current.get().errorReason() == null ? "" : " (" + current.get().errorReason() + ")")
                            + ": TrueNAS cannot read its metadata and allows only deleting it; delete it by hand"
                            + " (truenas-gitops apps delete " + app + " --yes) and let the next pass create it again",
                            last);
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

    /** A RUNNING app with a container that is not up (and not an expected one-shot) fails the gate now. */
    private static void deadContainer(AppsApi api, String app, App current, Set<String> oneShot) {
        for (App.Container c : current.containers()) {
            String state = c.state() == null ? "" : c.state();
            boolean crashed = state.equals("crashed");
            boolean exited = state.equals("exited") && !oneShot.contains(c.serviceName());
            if (crashed || exited) {
                Optional<ContainerExit> how = exitOf(api, app, c);
                String ended = how.filter(ContainerExit::oomKilled).isPresent()
                        ? "was killed by the out-of-memory killer (the NAS's docker.events reported an OOM kill, exit"
                                + " code " + how.get().exitCode() + "): raise its memory limit (mem_limit, or"
                                + " deploy.resources.limits.memory) or find what makes it grow"
                        : how.isPresent() ? (crashed ? "crashed" : "has exited") + " with exit code "
                                + how.get().exitCode() + describeCode(how.get().exitCode())
                        : crashed ? "crashed (exited with an error)"
                        : "has exited (TrueNAS 27.0 reports a stop by exit code 0, 129, 130, 137 or 143 as exited, 137"
                                + " being SIGKILL, which is also what the out-of-memory killer sends; give it more"
                                + " memory if its logs end abruptly)";
                throw new HealthGateException(Reasons.HEALTH_CHECK_FAILED, "app '" + app + "' is RUNNING but the"
                        + " container of its service '" + c.serviceName() + "' " + ended
                        + "; see its logs: truenas-gitops apps logs " + app + " --service " + c.serviceName()
                        + ". A service that is meant to exit is one others wait for with depends_on condition"
                        + " service_completed_successfully", AppState.RUNNING);
            }
        }
    }

    private static String crashedServices(AppsApi api, String app, App current) {
        List<String> crashed = current.containers().stream().filter(c -> "crashed".equals(c.state()))
                .map(c -> c.serviceName() + exitOf(api, app, c).map(e -> e.oomKilled()
                        ? " (killed by the out-of-memory killer: raise its memory limit)"
                        : " (exit code " + e.exitCode() + ")").orElse(""))
                .distinct().toList();
        return crashed.isEmpty() ? "" : ": " + String.join(", ", crashed);
    }

    private static Optional<ContainerExit> exitOf(AppsApi api, String app, App.Container c) {
        try {
            return api.lastExit(app, c.id());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** What an exit code says: 128+n is signal n. */
    private static String describeCode(int code) {
        return switch (code) {
            case 0 -> " (it finished; a one-shot service must be one others wait for)";
            case 137 -> " (SIGKILL: killed, by docker stop's timeout or the kernel)";
            case 143 -> " (SIGTERM: stopped)";
            case 129, 130 -> " (SIGHUP/SIGINT)";
            default -> "";
        };
    }

    /**
     * The services the compose runs to completion before others start ({@code depends_on} with {@code condition:
     * service_completed_successfully}): their containers exit by design.
     */
    @SuppressWarnings("unchecked")
    static Set<String> oneShotServices(Map<String, Object> compose) {
        Set<String> out = new TreeSet<>();
        if (compose == null || !(compose.get("services") instanceof Map<?, ?> services)) {
            return out;
        }
        for (Object def : services.values()) {
            if (def instanceof Map<?, ?> m && m.get("depends_on") instanceof Map<?, ?> deps) {
                deps.forEach((name, cond) -> {
                    if (cond instanceof Map<?, ?> c && "service_completed_successfully".equals(c.get("condition"))) {
                        out.add(String.valueOf(name));
                    }
                });
            }
        }
        return out;
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
