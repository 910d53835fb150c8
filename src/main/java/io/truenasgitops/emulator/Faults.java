package io.truenasgitops.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runtime fault injection. Every method is thread-safe and takes effect for the next matching call or job.
 * Method names are wire names ({@code app.update}); an app name of null matches any app.
 */
public final class Faults {
    private final Map<String, Duration> latency = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.CountDownLatch> holds = new ConcurrentHashMap<>();
    private final List<JobFailure> jobFailures = new ArrayList<>();
    private volatile int rejectUpgradeStatus;
    private final java.util.concurrent.atomic.AtomicInteger rateLimitRefusals = new java.util.concurrent.atomic.AtomicInteger();
    private final List<String> dropDuringJob = new ArrayList<>();
    private final Set<String> crashLoop = ConcurrentHashMap.newKeySet();
    private final java.util.Map<String, Integer> exitAfterStart = new ConcurrentHashMap<>();
    private final Set<String> oomAfterStart = ConcurrentHashMap.newKeySet();
    private volatile DockerState dockerState;
    private volatile String dockerDetail;
    private volatile Duration idleTimeout;
    private volatile java.util.function.LongSupplier idleClock = System::nanoTime;
    private volatile Duration jobStepDelay;

    /** {@code containerLogs}: what {@code compose logs} prints after the failure (26.0's job logs), or null. */
    record JobFailure(String method, String app, int errno, String message, String containerLogs) {
        JobFailure(String method, String app, int errno, String message) {
            this(method, app, errno, message, null);
        }
    }

    Faults(EmulatorOptions options) {
        latency.putAll(options.methodLatency());
        crashLoop.addAll(options.crashLoopApps());
        dockerState = options.dockerState();
        idleTimeout = options.idleTimeout();
    }

    /** Every call of {@code method} waits {@code delay} before it runs (zero removes the latency). */
    public Faults latency(String method, Duration delay) {
        if (delay == null || delay.isZero()) {
            latency.remove(method);
        } else {
            latency.put(method, delay);
        }
        return this;
    }

    /**
     * The next {@code calls} rate-limited calls (the logins) are refused with "Rate Limit Exceeded" as if the window
     * were full, whatever the clock says: a test meets the limit for sure, however slow the machine is.
     */
    public Faults refuseForRateLimit(int calls) {
        rateLimitRefusals.set(calls);
        return this;
    }

    /** Uses up one {@link #refuseForRateLimit} refusal; whether there was one. */
    boolean takeRateLimitRefusal() {
        return rateLimitRefusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    /**
     * Every call of {@code method} waits until {@code release} is counted down (or the emulator closes), so a test
     * decides when the calls in flight end instead of guessing how long they take; the latch removes the hold.
     */
    public Faults holdUntil(String method, java.util.concurrent.CountDownLatch release) {
        holds.put(method, release);
        return this;
    }

    /**
     * The next job of {@code method} (for app {@code app}, or any app when null) fails at its compose step with
     * {@code CallError(message, errno)}, e.g. {@code failNextJob("app.update", "web", "EFAULT", "Failed 'up' action
     * for 'web' app. Please check /var/log/app_lifecycle.log for more details")}.
     */
    public Faults failNextJob(String method, String app, String errname, String message) {
        synchronized (jobFailures) {
            jobFailures.add(new JobFailure(method, app, Errno.byName(errname), message));
        }
        return this;
    }

    /**
     * As {@link #failNextJobWithComposeError}, and the app's containers leave {@code containerLogs} (what
     * {@code docker compose logs --no-color --timestamps} prints): a failed {@code app.create} on 26.0 puts them
     * into the job's log ({@code logs_excerpt}).
     */
    public Faults failNextJobWithLogs(String method, String app, String containerLogs) {
        String action = method.equals("app.delete") || method.equals("app.stop") ? "down" : "up";
        synchronized (jobFailures) {
            jobFailures.add(new JobFailure(method, app, Errno.EFAULT, "Failed '" + action + "' action for '"
                    + (app == null ? "%s" : app) + "' app. Please check /var/log/app_lifecycle.log for more details",
                    containerLogs));
        }
        return this;
    }

    /** The next job of {@code method} fails with the real compose failure text ({@code [EFAULT] Failed 'up' action ...}). */
    public Faults failNextJobWithComposeError(String method, String app) {
        String action = method.equals("app.delete") || method.equals("app.stop") ? "down" : "up";
        return failNextJob(method, app, "EFAULT", "Failed '" + action + "' action for '" + (app == null ? "%s" : app)
                + "' app. Please check /var/log/app_lifecycle.log for more details");
    }

    /**
     * The connection that started the next job of {@code method} is dropped (TCP closed, no close frame) right
     * after the job started; the job goes on and finishes server-side.
     */
    public Faults dropConnectionDuringNextJob(String method) {
        synchronized (dropDuringJob) {
            dropDuringJob.add(method);
        }
        return this;
    }

    /** Makes {@code app} crash after every start (a crash loop), or stops doing so. */
    public Faults crashAfterEveryStart(String app, boolean enabled) {
        if (enabled) {
            crashLoop.add(app);
        } else {
            crashLoop.remove(app);
        }
        return this;
    }

    /**
     * After every start of {@code app}, the container of its compose {@code service} exits with {@code exitCode}
     * once the app settled (the others keep running); a negative code stops doing so. Before 27.0 a non-zero code
     * makes the app CRASHED; on 27.0 0, 129, 130, 137 and 143 leave it RUNNING with that container exited.
     */
    public Faults exitAfterEveryStart(String app, String service, int exitCode) {
        if (exitCode < 0) {
            exitAfterStart.remove(app + "/" + service);
            oomAfterStart.remove(app + "/" + service);
        } else {
            exitAfterStart.put(app + "/" + service, exitCode);
        }
        return this;
    }

    /**
     * After every start of {@code app}, the out-of-memory killer ends the container of {@code service} once the app
     * settled: exit code 137 and an {@code oom} event on {@code docker.events} (27.0 reports the container as
     * exited and the app RUNNING; before, the app is CRASHED).
     */
    public Faults oomKillAfterEveryStart(String app, String service) {
        oomAfterStart.add(app + "/" + service);
        return exitAfterEveryStart(app, service, 137);
    }

    boolean oomAfterStart(String app, String service) {
        return oomAfterStart.contains(app + "/" + service);
    }

    /** The exit code the container of {@code service} of {@code app} exits with after a start, or null. */
    Integer exitAfterStart(String app, String service) {
        return exitAfterStart.get(app + "/" + service);
    }

    /** Docker up ({@link DockerState#RUNNING}) or down ({@link DockerState#STOPPED}). */
    public Faults dockerRunning(boolean running) {
        return dockerState(running ? DockerState.RUNNING : DockerState.STOPPED);
    }

    /**
     * Puts the apps service in {@code state}. In every state but RUNNING, {@code app.query} returns [] (no
     * error), {@code app.create} fails with {@code [EFAULT] Docker service is not running} (UNCONFIGURED:
     * {@code [EFAULT] No pool configured for Docker}), and jobs on an existing app fail with {@code [ENOENT]
     * None: App x does not exist}, as the middleware's {@code get_instance} finds nothing. Apps are kept.
     */
    public Faults dockerState(DockerState state) {
        return dockerState(state, null);
    }

    /**
     * Like {@link #dockerState(DockerState)}, with the detail the middleware appends to the description (for
     * FAILED: why, e.g. {@code 'tank/ix-apps' dataset is not mounted on '/mnt/.ix-apps'}).
     */
    public Faults dockerState(DockerState state, String detail) {
        dockerDetail = detail;
        dockerState = state == null ? DockerState.RUNNING : state;
        return this;
    }

    /**
     * Drops connections on which the server sent nothing for {@code timeout} (nginx's 60 s
     * {@code proxy_read_timeout}); null or zero turns it off.
     */
    public Faults idleTimeout(Duration timeout) {
        idleTimeout = timeout;
        return this;
    }

    /**
     * The clock (in nanoseconds) the idle timeout reads when it stamps a server send and when it looks for idle
     * connections; {@link System#nanoTime()} unless a test gives one it advances itself.
     */
    public Faults idleClock(java.util.function.LongSupplier nanoTime) {
        idleClock = nanoTime == null ? System::nanoTime : nanoTime;
        return this;
    }

    /**
     * Answers every WebSocket upgrade with HTTP {@code status} (nginx's 502/503 while middlewared restarts); 0
     * turns it off.
     */
    public Faults rejectUpgrades(int status) {
        rejectUpgradeStatus = status;
        return this;
    }

    int rejectUpgradeStatus() {
        return rejectUpgradeStatus;
    }

    /** Slow jobs: every progress step of every job pauses {@code step} (null restores the start option). */
    public Faults jobStepDelay(Duration step) {
        jobStepDelay = step;
        return this;
    }

    /** Removes every one-shot fault, latency and crash loop; Docker back up; idle timeout off. */
    public Faults clear() {
        latency.clear();
        holds.values().forEach(java.util.concurrent.CountDownLatch::countDown);
        holds.clear();
        rateLimitRefusals.set(0);
        synchronized (jobFailures) {
            jobFailures.clear();
        }
        synchronized (dropDuringJob) {
            dropDuringJob.clear();
        }
        crashLoop.clear();
        exitAfterStart.clear();
        oomAfterStart.clear();
        dockerState = DockerState.RUNNING;
        dockerDetail = null;
        idleTimeout = null;
        idleClock = System::nanoTime;
        jobStepDelay = null;
        rejectUpgradeStatus = 0;
        return this;
    }

    Duration jobStepDelayOr(Duration fallback) {
        Duration d = jobStepDelay;
        return d == null ? fallback : d;
    }

    /** Blocks the calling worker while a {@link #holdUntil} hold on {@code method} is not released. */
    void awaitRelease(String method) {
        java.util.concurrent.CountDownLatch hold = holds.get(method);
        if (hold == null) {
            return;
        }
        try {
            hold.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        holds.remove(method, hold);
    }

    Duration latencyOf(String method) {
        return latency.getOrDefault(method, Duration.ZERO);
    }

    JobFailure takeJobFailure(String method, String app) {
        synchronized (jobFailures) {
            for (int i = 0; i < jobFailures.size(); i++) {
                JobFailure f = jobFailures.get(i);
                if (f.method().equals(method) && (f.app() == null || f.app().equals(app))) {
                    jobFailures.remove(i);
                    return new JobFailure(f.method(), f.app(), f.errno(), f.message().replace("%s", app),
                            f.containerLogs());
                }
            }
        }
        return null;
    }

    boolean takeDrop(String method) {
        synchronized (dropDuringJob) {
            return dropDuringJob.remove(method);
        }
    }

    boolean crashLoops(String app) {
        return crashLoop.contains(app);
    }

    boolean dockerRunning() {
        return dockerState.running();
    }

    DockerState dockerState() {
        return dockerState;
    }

    /** {@code docker.status} description: the state's, plus {@code ":\n" + detail} as {@code set_status} adds it. */
    String dockerDescription() {
        DockerState s = dockerState;
        String d = dockerDetail;
        return d == null || d.isEmpty() ? s.description() : s.description() + ":\n" + d;
    }

    Duration idleTimeout() {
        return idleTimeout;
    }

    long idleClockNanos() {
        return idleClock.getAsLong();
    }
}
