package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;

/**
 * What runs the apps' containers: records in memory (the default), or a real Docker Engine
 * ({@link DockerContainers}, {@code emulator --docker}). The middleware calls it where middlewared runs
 * {@code docker compose} ({@code plugins/apps/compose_utils.py}); none of these run under the middleware lock.
 */
interface ContainerBackend extends AutoCloseable {

    /**
     * {@code compose_action('up', force_recreate=True, remove_orphans=True)}: the app's containers are removed,
     * then created anew from its stored compose. An injected {@code failure} (or a compose that cannot be
     * deployed) fails it after the removal, with the middleware's error.
     */
    void up(AppRecord app, Faults.JobFailure failure);

    /** {@code compose_action('down', remove_orphans=True, ...)}: containers gone, volumes and images when asked. */
    void down(AppRecord app, boolean removeVolumes, boolean removeImages);

    /**
     * {@code compose_utils.py collect_logs}: the app's containers' logs after a failed {@code up}
     * ({@code docker compose logs --no-color --timestamps}), empty when there are none; {@code failure} is the
     * injected failure of that {@code up}, or null.
     */
    String collectLogs(AppRecord app, Faults.JobFailure failure);

    /**
     * The pull of {@code app.image.pull} ({@code plugins/apps/ix_apps/docker/images.py pull_image}: docker-py's
     * {@code client.api.pull(image, stream=True, decode=True)}): each entry of the engine's progress stream goes to
     * {@code entries}; a pull the engine refuses throws {@code CallError(EFAULT)}
     * {@code Failed to pull '<image>' image: <str(APIError)>}. Runs on the job's worker, not under the lock.
     */
    void pullImage(String image, Consumer<JsonNode> entries);

    /** The app's folder is removed (after {@code app.delete}, or a failed {@code app.create}). */
    void forget(AppRecord app);

    /**
     * Streams the log of {@code f.container} (already validated) to the follower until the container stops or
     * the subscription ends.
     */
    void followLogs(LogFollower f);

    @Override
    void close();
}
