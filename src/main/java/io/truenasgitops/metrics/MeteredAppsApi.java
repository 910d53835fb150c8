package io.truenasgitops.metrics;

import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.DeleteOptions;
import io.truenasgitops.truenas.DockerStatus;
import io.truenasgitops.truenas.JobListener;
import io.truenasgitops.truenas.LogLine;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Counts every call made through an {@link AppsApi} ({@code api_calls_total{method,outcome}}), because the
 * client itself has no metrics hook. Job durations are recorded by the engine (it knows when a job is a
 * reconcile step), not here. The engine and the REST API see an ordinary {@link AppsApi}.
 */
public final class MeteredAppsApi implements AppsApi {

    private final AppsApi delegate;
    private final DaemonMetrics metrics;

    public MeteredAppsApi(AppsApi delegate, DaemonMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public List<App> list(boolean retrieveConfig) {
        return call("app.query", () -> delegate.list(retrieveConfig));
    }

    @Override
    public Optional<App> get(String name, boolean retrieveConfig) {
        return call("app.query", () -> delegate.get(name, retrieveConfig));
    }

    @Override
    public Map<String, Object> config(String name) {
        return call("app.config", () -> delegate.config(name));
    }

    @Override
    public App create(String name, Map<String, Object> compose, JobListener listener) {
        return job("app.create", () -> delegate.create(name, compose, listener));
    }

    @Override
    public App update(String name, Map<String, Object> compose, JobListener listener) {
        return job("app.update", () -> delegate.update(name, compose, listener));
    }

    @Override
    public void delete(String name, DeleteOptions options, JobListener listener) {
        job("app.delete", () -> {
            delegate.delete(name, options, listener);
            return null;
        });
    }

    @Override
    public void start(String name, JobListener listener) {
        job("app.start", () -> {
            delegate.start(name, listener);
            return null;
        });
    }

    @Override
    public void stop(String name, JobListener listener) {
        job("app.stop", () -> {
            delegate.stop(name, listener);
            return null;
        });
    }

    @Override
    public App redeploy(String name, JobListener listener) {
        return job("app.redeploy", () -> delegate.redeploy(name, listener));
    }

    @Override
    public void pullImages(String name, boolean redeploy, JobListener listener) {
        job("app.pull_images", () -> {
            delegate.pullImages(name, redeploy, listener);
            return null;
        });
    }

    @Override
    public void pullImage(String image, JobListener listener) {
        job("app.image.pull", () -> {
            delegate.pullImage(image, listener);
            return null;
        });
    }

    @Override
    public List<String> outdatedImages(String name) {
        return call("app.outdated_docker_images", () -> delegate.outdatedImages(name));
    }

    @Override
    public Map<String, App.Container> containerIds(String name, boolean aliveOnly) {
        return call("app.container_ids", () -> delegate.containerIds(name, aliveOnly));
    }

    @Override
    public LogStream followLogs(String appName, String containerId, Integer tailLines, Consumer<LogLine> onLine) {
        return call("app.container_log_follow", () -> delegate.followLogs(appName, containerId, tailLines, onLine));
    }

    @Override
    public DockerStatus dockerStatus() {
        return call("docker.status", delegate::dockerStatus);
    }

    @Override
    public void watchContainerExits() {
        delegate.watchContainerExits();
    }

    @Override
    public java.util.Optional<io.truenasgitops.truenas.ContainerExit> lastExit(String app, String containerId) {
        return delegate.lastExit(app, containerId);
    }

    @Override
    public java.util.Optional<io.truenasgitops.truenas.Job> runningJob(String name, java.util.Set<String> methods) {
        return call("core.get_jobs", () -> delegate.runningJob(name, methods));
    }

    @Override
    public io.truenasgitops.truenas.Job awaitJob(io.truenasgitops.truenas.Job job,
            io.truenasgitops.truenas.JobListener listener, java.time.Duration timeout) {
        return delegate.awaitJob(job, listener, timeout);
    }

    private <T> T call(String method, Supplier<T> action) {
        try {
            T result = action.get();
            metrics.apiCall(method, CallOutcome.OK);
            return result;
        } catch (RuntimeException e) {
            metrics.apiCall(method, CallOutcome.of(e));
            throw e;
        }
    }

    private <T> T job(String method, Supplier<T> action) {
        return call(method, action);
    }
}
