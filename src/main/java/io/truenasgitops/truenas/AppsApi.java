package io.truenasgitops.truenas;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The typed apps surface of the middleware: what the reconciler and the CLI use.
 *
 * <p>All methods block until the answer (or, for job methods, the job's end) and throw
 * {@link TrueNasException} subclasses. Job methods return only once the job has finished; a job that
 * fails throws the typed error its {@code exc_info} describes, carrying the job id. Compose documents
 * are sent as a {@code custom_compose_config} JSON object, never as a YAML string.
 */
public interface AppsApi {

    /** {@code app.query} for all apps; with {@code retrieveConfig} each carries its stored compose dict. */
    List<App> list(boolean retrieveConfig);

    /** {@code app.query [["name","=",name]]}; empty when there is no such app. */
    Optional<App> get(String name, boolean retrieveConfig);

    /** {@code app.config}: the stored, parsed compose dict of a custom app. */
    Map<String, Object> config(String name);

    /** {@code app.create} of a custom app from a compose document; returns the created app. */
    App create(String name, Map<String, Object> compose, JobListener listener);

    /** {@code app.update} of a custom app with a whole new compose document; returns the updated app. */
    App update(String name, Map<String, Object> compose, JobListener listener);

    /** {@code app.delete} (also removes the project's named volumes). */
    void delete(String name, DeleteOptions options, JobListener listener);

    /** {@code app.start} (down + up of the whole project). */
    void start(String name, JobListener listener);

    /** {@code app.stop} (compose down: containers removed, volumes kept). */
    void stop(String name, JobListener listener);

    /** {@code app.redeploy}: rewrites the config and recreates the containers. */
    App redeploy(String name, JobListener listener);

    /** {@code app.pull_images}, then a redeploy when asked. */
    void pullImages(String name, boolean redeploy, JobListener listener);

    /**
     * {@code app.image.pull {image}} (a job, role APPS_WRITE): pulls one image on the NAS with the registry credentials
     * the NAS has saved for its registry. A pull the registry refuses throws {@link ImagePullFailedException}
     * (missing tag, refused credentials: fix first) or {@link ImagePullRateLimitedException} (retry later).
     */
    void pullImage(String image, JobListener listener);

    /**
     * {@code app.outdated_docker_images}: the images app {@code name} runs whose tag has a newer image upstream, as
     * the NAS's image check last saw it (empty when none, or when the app is stopped).
     */
    List<String> outdatedImages(String name);

    /** {@code app.container_ids}: full container id to its description. */
    Map<String, App.Container> containerIds(String name, boolean aliveOnly);

    /**
     * Follows one container's log ({@code app.container_log_follow}). Lines arrive on {@code onLine}
     * until the stream ends (the container stopped) or the returned handle is closed.
     */
    LogStream followLogs(String appName, String containerId, Integer tailLines, Consumer<LogLine> onLine);

    /** {@code docker.status}: whether apps can run at all on this NAS. */
    DockerStatus dockerStatus();

    /**
     * Starts following the NAS's {@code docker.events} (once; idempotent), so that {@link #lastExit} can tell how
     * a container ended. A NAS that refuses the subscription leaves it unknown.
     */
    default void watchContainerExits() {
    }

    /** How the container {@code containerId} of app {@code app} ended, when {@code docker.events} said so. */
    default Optional<ContainerExit> lastExit(String app, String containerId) {
        return Optional.empty();
    }

    /**
     * The newest job of one of {@code methods} ({@code app.create}, {@code app.delete}, ...) on app {@code name}
     * that is still waiting or running on the NAS ({@code core.get_jobs}): started by an earlier run of this
     * daemon that did not see its end, or by a person in the UI. Empty when there is none.
     */
    Optional<Job> runningJob(String name, java.util.Set<String> methods);

    /** Follows a job another caller started to its end; a FAILED or ABORTED job throws its typed error. */
    Job awaitJob(Job job, JobListener listener, Duration timeout);

    /** A running log subscription. */
    interface LogStream extends AutoCloseable {
        /** Waits until the stream ends by itself; throws the middleware's error if it ended with one. */
        void awaitEnd(Duration timeout) throws InterruptedException;

        /** Whether the stream has ended (by the server, the connection, or {@link #close()}). */
        boolean isEnded();

        /** Unsubscribes. */
        @Override
        void close();
    }
}
