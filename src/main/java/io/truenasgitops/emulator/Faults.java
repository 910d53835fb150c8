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
    private final List<JobFailure> jobFailures = new ArrayList<>();
    private final List<String> dropDuringJob = new ArrayList<>();
    private final Set<String> crashLoop = ConcurrentHashMap.newKeySet();
    private volatile boolean dockerRunning;
    private volatile Duration idleTimeout;
    private volatile Duration jobStepDelay;

    record JobFailure(String method, String app, int errno, String message) {}

    Faults(EmulatorOptions options) {
        latency.putAll(options.methodLatency());
        crashLoop.addAll(options.crashLoopApps());
        dockerRunning = options.dockerRunning();
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

    /** Docker up or down: when down, {@code app.query} returns [] and app jobs fail with EFAULT. */
    public Faults dockerRunning(boolean running) {
        dockerRunning = running;
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

    /** Slow jobs: every progress step of every job pauses {@code step} (null restores the start option). */
    public Faults jobStepDelay(Duration step) {
        jobStepDelay = step;
        return this;
    }

    /** Removes every one-shot fault, latency and crash loop; Docker back up; idle timeout off. */
    public Faults clear() {
        latency.clear();
        synchronized (jobFailures) {
            jobFailures.clear();
        }
        synchronized (dropDuringJob) {
            dropDuringJob.clear();
        }
        crashLoop.clear();
        dockerRunning = true;
        idleTimeout = null;
        jobStepDelay = null;
        return this;
    }

    Duration jobStepDelayOr(Duration fallback) {
        Duration d = jobStepDelay;
        return d == null ? fallback : d;
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
                    return new JobFailure(f.method(), f.app(), f.errno(), f.message().replace("%s", app));
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
        return dockerRunning;
    }

    Duration idleTimeout() {
        return idleTimeout;
    }
}
