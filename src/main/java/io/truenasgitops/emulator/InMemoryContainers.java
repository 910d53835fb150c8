package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The default backend: containers are records in memory, states follow {@code deployDelay} and faults. */
final class InMemoryContainers implements ContainerBackend {
    private final NasState nas;
    private final Events events;

    InMemoryContainers(NasState nas, Events events) {
        this.nas = nas;
        this.events = events;
    }

    @Override
    public void up(AppRecord app, Faults.JobFailure failure) {
        upInMemory(app, failure);
    }

    @Override
    public void down(AppRecord app, boolean removeVolumes, boolean removeImages) {
        synchronized (nas.lock) {
            events.endFollowersOf(app.removeContainers());
        }
    }

    @Override
    public String collectLogs(AppRecord app, Faults.JobFailure failure) {
        return failure == null || failure.containerLogs() == null ? "" : failure.containerLogs();
    }

    /**
     * No registry is reached ({@link RegistryImages} has said whether the image exists): one layer downloaded in
     * two steps, then {@code Pull complete}, shaped as the engine's stream entries are.
     */
    @Override
    public void pullImage(String image, Consumer<JsonNode> entries) {
        entries.accept(downloading(1, 2));
        entries.accept(downloading(2, 2));
        ObjectNode complete = Json.object();
        complete.put("status", "Pull complete");
        complete.putObject("progressDetail");
        complete.put("id", "0123456789ab");
        entries.accept(complete);
    }

    private static ObjectNode downloading(long current, long total) {
        ObjectNode e = Json.object();
        e.put("status", "Downloading");
        e.putObject("progressDetail").put("current", current).put("total", total);
        e.put("id", "0123456789ab");
        return e;
    }

    @Override
    public void forget(AppRecord app) {
        // Nothing on disk.
    }

    @Override
    public void followLogs(LogFollower f) {
        events.generateLogLines(f);
    }

    @Override
    public void close() {
        // Nothing to release.
    }

    /** The in-memory {@code compose up}: down, then new containers (DEPLOYING first for {@code deployDelay}). */
    private void upInMemory(AppRecord app, Faults.JobFailure failure) {
        synchronized (nas.lock) {
            if (!app.containers.isEmpty()) {
                events.endFollowersOf(app.removeContainers());
                events.publishApp("CHANGED", app);
            }
            if (failure != null) {
                throw new MiddlewareError.Call(failure.errno(), failure.message());
            }
            if (!app.deployable()) {
                throw new MiddlewareError.Call(Errno.EFAULT, "Failed 'up' action for " + Py.repr(app.name)
                        + " app. Please check /var/log/app_lifecycle.log for more details");
            }
            Duration delay = nas.options.deployDelay();
            boolean deploying = delay != null && !delay.isZero();
            String settled = nas.faults.crashLoops(app.name) ? "crashed" : "running";
            app.createContainers(deploying ? "starting" : settled);
            if (!deploying) {
                exitAsAsked(app);
            }
            events.publishApp("CHANGED", app);
            if (deploying) {
                long gen = app.generation;
                nas.timers.schedule(() -> settle(app, gen), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The end of the DEPLOYING phase: healthy (RUNNING), or CRASHED for a crash-looping app. */
    private void settle(AppRecord app, long gen) {
        synchronized (nas.lock) {
            if (nas.apps.get(app.name) != app || app.generation != gen) {
                return;
            }
            boolean crash = nas.faults.crashLoops(app.name);
            List<AppRecord.ContainerRecord> stopped = new ArrayList<>();
            for (AppRecord.ContainerRecord c : app.containers) {
                if (c.state.equals("starting") || c.state.equals("created")) {
                    c.state = crash ? "crashed" : "running";
                    if (crash) {
                        stopped.add(c);
                    }
                }
            }
            stopped.addAll(exitAsAsked(app));
            events.endFollowersOf(stopped);
            events.publishApp("CHANGED", app);
        }
    }

    /** {@link Faults#exitAfterEveryStart}: the asked containers exit with their code; returns them. */
    private List<AppRecord.ContainerRecord> exitAsAsked(AppRecord app) {
        List<AppRecord.ContainerRecord> exited = new ArrayList<>();
        for (AppRecord.ContainerRecord c : app.containers) {
            Integer code = nas.faults.exitAfterStart(app.name, c.service);
            if (code != null && c.alive()) {
                c.state = code == 0 ? "exited" : "crashed";
                c.exitCode = code;
                exited.add(c);
                events.containerDied(app, c, nas.faults.oomAfterStart(app.name, c.service));
            }
        }
        return exited;
    }
}
