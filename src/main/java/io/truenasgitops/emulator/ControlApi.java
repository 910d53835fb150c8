package io.truenasgitops.emulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the emulator's control API does to apps behind the middleware's back (UI edits, forced states,
 * installed or removed apps) and the mirror of real containers, each with the events the middleware would send.
 */
final class ControlApi {
    private final NasState nas;
    private final Events events;

    ControlApi(NasState nas, Events events) {
        this.nas = nas;
        this.events = events;
    }

    List<AppRecord> appsSnapshot() {
        synchronized (nas.lock) {
            return List.copyOf(nas.apps.values());
        }
    }

    <T> T withLock(Supplier<T> action) {
        synchronized (nas.lock) {
            return action.get();
        }
    }

    Optional<AppRecord> app(String name) {
        synchronized (nas.lock) {
            return Optional.ofNullable(nas.apps.get(name));
        }
    }

    /** Stores a compose as the UI would (parsed, key-sorted); containers are not touched. */
    @SuppressWarnings("unchecked")
    void uiEdit(String name, Map<String, Object> compose) {
        synchronized (nas.lock) {
            AppRecord app = nas.apps.get(name);
            if (app == null) {
                throw new IllegalArgumentException("emulator: no app named '" + name + "' to edit");
            }
            app.compose = (Map<String, Object>) AppRecord.normalize(compose);
            events.publishApp("CHANGED", app);
        }
    }

    /** Installs an app directly (not through app.create), in the given state. */
    @SuppressWarnings("unchecked")
    void putApp(String name, Map<String, Object> compose, String state) {
        requireInMemory("put an app in a given state");
        synchronized (nas.lock) {
            AppRecord old = nas.apps.get(name);
            if (old != null) {
                events.endFollowersOf(old.removeContainers());
            }
            AppRecord app = new AppRecord(name, (Map<String, Object>) AppRecord.normalize(compose), true);
            nas.apps.put(name, app);
            applyState(app, state);
            events.publishApp(old == null ? "ADDED" : "CHANGED", app);
        }
    }

    void removeApp(String name) {
        AppRecord app;
        synchronized (nas.lock) {
            app = nas.apps.get(name);
        }
        if (app == null) {
            return;
        }
        if (!(nas.containers instanceof InMemoryContainers)) {
            // Real containers: the project goes with its volumes, as a delete would take them (images stay).
            nas.containers.down(app, true, false);
            nas.containers.forget(app);
        }
        synchronized (nas.lock) {
            if (nas.apps.remove(name, app)) {
                events.endFollowersOf(app.removeContainers());
                events.publishApp("REMOVED", app);
            }
        }
    }

    private void requireInMemory(String what) {
        if (!(nas.containers instanceof InMemoryContainers)) {
            throw new IllegalStateException("emulator: cannot " + what + " when apps run on a Docker Engine"
                    + " (--docker): their state comes from the real containers; stop or kill the container instead");
        }
    }

    void setState(String name, String state) {
        requireInMemory("force an app's state");
        synchronized (nas.lock) {
            AppRecord app = nas.apps.get(name);
            if (app == null) {
                throw new IllegalArgumentException("emulator: no app named '" + name + "'");
            }
            applyState(app, state);
            events.publishApp("CHANGED", app);
        }
    }

    private void applyState(AppRecord app, String state) {
        switch (state) {
            case "STOPPED" -> events.endFollowersOf(app.removeContainers());
            case "RUNNING", "DEPLOYING", "CRASHED" -> {
                String c = switch (state) {
                    case "RUNNING" -> "running";
                    case "DEPLOYING" -> "starting";
                    default -> "crashed";
                };
                if (app.containers.isEmpty()) {
                    app.createContainers(c);
                } else {
                    List<AppRecord.ContainerRecord> stopped = new ArrayList<>();
                    for (AppRecord.ContainerRecord rec : app.containers) {
                        rec.state = c;
                        if (c.equals("crashed")) {
                            stopped.add(rec);
                        }
                    }
                    events.endFollowersOf(stopped);
                }
            }
            default -> throw new IllegalArgumentException(
                    "emulator: state must be RUNNING, DEPLOYING, CRASHED or STOPPED, not '" + state + "'");
        }
    }

    /**
     * Makes an app's metadata unusable ({@code reason}: METADATA_MISSING, METADATA_UNREADABLE or
     * METADATA_INCOMPLETE), as a damaged {@code /mnt/.ix-apps/metadata.yaml} would; null repairs it.
     */
    void breakMetadata(String name, String reason) {
        if (reason != null && !java.util.Set.of("METADATA_MISSING", "METADATA_UNREADABLE", "METADATA_INCOMPLETE")
                .contains(reason)) {
            throw new IllegalArgumentException("emulator: the reason must be METADATA_MISSING, METADATA_UNREADABLE or"
                    + " METADATA_INCOMPLETE, not '" + reason + "'");
        }
        synchronized (nas.lock) {
            AppRecord app = nas.apps.get(name);
            if (app == null) {
                throw new IllegalArgumentException("emulator: no app named '" + name + "'");
            }
            app.errorReason = reason;
            events.publishApp("CHANGED", app);
        }
    }

    /**
     * One container of a running app exits with {@code exitCode} (its log stream ends); the others go on. Whether
     * the app is then CRASHED or still RUNNING depends on the release ({@code ix_apps/query.py}).
     */
    void exitContainer(String name, String service, int exitCode) {
        exitContainer(name, service, exitCode, false);
    }

    /** As {@link #exitContainer(String, String, int)}; {@code oom}: the out-of-memory killer did it (137). */
    void exitContainer(String name, String service, int exitCode, boolean oom) {
        requireInMemory("make a container exit");
        synchronized (nas.lock) {
            AppRecord app = nas.apps.get(name);
            AppRecord.ContainerRecord c = app == null ? null
                    : app.containers.stream().filter(x -> x.service.equals(service)).findFirst().orElse(null);
            if (c == null) {
                throw new IllegalArgumentException("emulator: no container of service '" + service + "' in app '"
                        + name + "'");
            }
            c.state = exitCode == 0 ? "exited" : "crashed";
            c.exitCode = exitCode;
            events.containerDied(app, c, oom);
            events.endFollowersOf(List.of(c));
            events.publishApp("CHANGED", app);
        }
    }

    /** Which engine, compose and folder the Docker backend uses; null for in-memory apps. */
    Map<String, String> dockerDescription() {
        return nas.containers instanceof DockerContainers d ? d.describe() : null;
    }

    /**
     * Mirrors the containers a Docker Engine reports for one app: kept records get their new state, new ones are
     * added, gone ones removed (their log streams end); an {@code app.query} CHANGED event goes out on a change.
     */
    void mirrorContainers(AppRecord app, List<AppRecord.ContainerRecord> observed) {
        synchronized (nas.lock) {
            if (nas.apps.get(app.name) != app) {
                return;
            }
            Map<String, AppRecord.ContainerRecord> known = new LinkedHashMap<>();
            app.containers.forEach(c -> known.put(c.id, c));
            boolean changed = known.size() != observed.size();
            List<AppRecord.ContainerRecord> next = new ArrayList<>();
            for (AppRecord.ContainerRecord o : observed) {
                AppRecord.ContainerRecord k = known.remove(o.id);
                if (k == null) {
                    next.add(o);
                    changed = true;
                } else {
                    if (!k.state.equals(o.state) || k.exitCode != o.exitCode) {
                        k.state = o.state;
                        k.exitCode = o.exitCode;
                        changed = true;
                    }
                    next.add(k);
                }
            }
            if (!changed && known.isEmpty()) {
                return;
            }
            List<AppRecord.ContainerRecord> gone = new ArrayList<>(known.values());
            gone.forEach(c -> c.state = "removed");
            app.containers.clear();
            app.containers.addAll(next);
            events.endFollowersOf(gone);
            events.publishApp("CHANGED", app);
        }
    }
}
