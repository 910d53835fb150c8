package io.truenasgitops.app;

import io.truenasgitops.metrics.CallOutcome;
import io.truenasgitops.metrics.DaemonMetrics;
import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.ConnectionLostException;
import io.truenasgitops.truenas.ConnectionSettings;
import io.truenasgitops.truenas.DeleteOptions;
import io.truenasgitops.truenas.DockerStatus;
import io.truenasgitops.truenas.JobListener;
import io.truenasgitops.truenas.LogLine;
import io.truenasgitops.truenas.TrueNasClient;
import io.truenasgitops.truenas.TrueNasException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One configured NAS as an {@link AppsApi} that connects on first use and keeps trying on later calls until
 * it succeeds. Once connected, the client reconnects by itself after a drop. A failed connect is remembered
 * for a short while so that a burst of calls does not hammer a NAS that is down (or lock the account with
 * repeated bad logins).
 */
public final class LazyTarget implements AppsApi, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LazyTarget.class);
    /** How long a failed connect is answered from memory before the next attempt. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final String name;
    private final ConnectionSettings settings;
    private final DaemonMetrics metrics;
    private final Function<ConnectionSettings, TrueNasClient> connector;
    private TrueNasClient client;
    private TrueNasException lastFailure;
    private Instant lastFailureAt;
    private boolean closed;

    /**
     * @param name the target name (metric label, messages)
     * @param settings how to connect
     * @param metrics where connects are counted ({@code auth.login}) and the connection state is shown
     * @param connector connects (the daemon: {@link TrueNasClient#connect(ConnectionSettings, io.vertx.core.Vertx)}
     *     on Quarkus' Vert.x)
     */
    public LazyTarget(String name, ConnectionSettings settings, DaemonMetrics metrics,
            Function<ConnectionSettings, TrueNasClient> connector) {
        this.name = name;
        this.settings = settings;
        this.metrics = metrics;
        this.connector = connector;
    }

    /** The target name. */
    public String name() {
        return name;
    }

    /** Where it connects; never contains credentials. */
    public String url() {
        return settings.url();
    }

    /** Whether the connection is open and logged in right now (false before the first use). */
    public synchronized boolean isConnected() {
        return client != null && client.isConnected();
    }

    /** Why the last connect failed, while it is not connected. */
    public synchronized Optional<String> lastError() {
        return isConnected() || lastFailure == null ? Optional.empty() : Optional.ofNullable(lastFailure.getMessage());
    }

    /** Connects now if not connected yet; throws the connect error. */
    public void connect() {
        client();
    }

    private synchronized TrueNasClient client() {
        if (closed) {
            throw new ConnectionLostException("target '" + name + "' is closed: the daemon is shutting down");
        }
        if (client != null) {
            return client;
        }
        if (lastFailure != null && lastFailureAt.plus(RETRY_AFTER).isAfter(Instant.now())) {
            throw lastFailure;
        }
        try {
            client = connector.apply(settings);
            lastFailure = null;
            metrics.apiCall("auth.login", CallOutcome.OK);
            metrics.connectionUp(name, true);
            LOG.infof("connected to target '%s' at %s", name, client.endpoint());
            return client;
        } catch (TrueNasException e) {
            lastFailure = e;
            lastFailureAt = Instant.now();
            metrics.apiCall("auth.login", CallOutcome.of(e));
            metrics.connectionUp(name, false);
            throw e;
        }
    }

    private AppsApi apps() {
        return client().apps();
    }

    /** The datasets and snapshots of this target, over the same lazily made connection. */
    public io.truenasgitops.reconcile.TargetStorage storage() {
        io.truenasgitops.truenas.StorageApiClient api = new io.truenasgitops.truenas.StorageApiClient(this::client);
        return new io.truenasgitops.reconcile.TargetStorage(api, api, api);
    }

    @Override
    public List<App> list(boolean retrieveConfig) {
        return apps().list(retrieveConfig);
    }

    @Override
    public Optional<App> get(String name, boolean retrieveConfig) {
        return apps().get(name, retrieveConfig);
    }

    @Override
    public Map<String, Object> config(String name) {
        return apps().config(name);
    }

    @Override
    public App create(String name, Map<String, Object> compose, JobListener listener) {
        return apps().create(name, compose, listener);
    }

    @Override
    public App update(String name, Map<String, Object> compose, JobListener listener) {
        return apps().update(name, compose, listener);
    }

    @Override
    public void delete(String name, DeleteOptions options, JobListener listener) {
        apps().delete(name, options, listener);
    }

    @Override
    public void start(String name, JobListener listener) {
        apps().start(name, listener);
    }

    @Override
    public void stop(String name, JobListener listener) {
        apps().stop(name, listener);
    }

    @Override
    public App redeploy(String name, JobListener listener) {
        return apps().redeploy(name, listener);
    }

    @Override
    public void pullImages(String name, boolean redeploy, JobListener listener) {
        apps().pullImages(name, redeploy, listener);
    }

    @Override
    public void pullImage(String image, JobListener listener) {
        apps().pullImage(image, listener);
    }

    @Override
    public List<String> outdatedImages(String name) {
        return apps().outdatedImages(name);
    }

    @Override
    public Map<String, App.Container> containerIds(String name, boolean aliveOnly) {
        return apps().containerIds(name, aliveOnly);
    }

    @Override
    public LogStream followLogs(String appName, String containerId, Integer tailLines, Consumer<LogLine> onLine) {
        return apps().followLogs(appName, containerId, tailLines, onLine);
    }

    @Override
    public DockerStatus dockerStatus() {
        return apps().dockerStatus();
    }

    @Override
    public void watchContainerExits() {
        apps().watchContainerExits();
    }

    @Override
    public java.util.Optional<io.truenasgitops.truenas.ContainerExit> lastExit(String app, String containerId) {
        return apps().lastExit(app, containerId);
    }

    @Override
    public java.util.Optional<io.truenasgitops.truenas.Job> runningJob(String name, java.util.Set<String> methods) {
        return apps().runningJob(name, methods);
    }

    @Override
    public io.truenasgitops.truenas.Job awaitJob(io.truenasgitops.truenas.Job job,
            io.truenasgitops.truenas.JobListener listener, java.time.Duration timeout) {
        return apps().awaitJob(job, listener, timeout);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
