package io.truenasgitops.emulator;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Direct access to the emulated apps, bypassing the API: what a user or Docker would do on the box. Every
 * change sends the {@code app.query} events the middleware would send. Thread-safe. With real containers
 * ({@code EmulatorOptions.withDocker}) states come from the engine: {@link #crash}, {@link #setState} and
 * {@link #put} are refused there, and {@link #remove} runs {@code compose down -v}.
 */
public final class EmulatedApps {
    private final Middleware mw;

    EmulatedApps(Middleware mw) {
        this.mw = mw;
    }

    /** A read-only snapshot of one app. */
    public record AppView(String name, String state, Map<String, Object> compose, List<String> containerIds,
            List<String> services) {}

    private AppView view(AppRecord app) {
        return mw.withLock(() -> new AppView(app.name, app.state(mw.release()),
                app.compose == null ? null : deepCopy(app.compose),
                app.containers.stream().map(c -> c.id).toList(),
                app.containers.stream().map(c -> c.service).toList()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> compose) {
        // A copy, so that callers never hold the emulator's live (lock-guarded) maps.
        return (Map<String, Object>) AppRecord.normalize(compose);
    }

    /** All apps, sorted by name. */
    public List<AppView> list() {
        return mw.appsSnapshot().stream().map(this::view).toList();
    }

    /** One app, if it exists. */
    public Optional<AppView> get(String name) {
        return mw.app(name).map(this::view);
    }

    /** The app's state (RUNNING, DEPLOYING, CRASHED, STOPPED), or null when there is no such app. */
    public String state(String name) {
        return get(name).map(AppView::state).orElse(null);
    }

    /**
     * Replaces the stored compose of an app, as a user editing it in the TrueNAS UI would (the UI calls
     * {@code app.update}, but not through this client): containers are left as they are.
     */
    public void uiEdit(String name, Map<String, Object> compose) {
        mw.uiEdit(name, compose);
    }

    /** Makes every container of a running app exit with an error: state CRASHED, log streams end. */
    public void crash(String name) {
        mw.setState(name, "CRASHED");
    }

    /** Forces a state: RUNNING, DEPLOYING, CRASHED or STOPPED (STOPPED removes the containers). */
    public void setState(String name, String state) {
        mw.setState(name, state);
    }

    /**
     * Installs an app that was not created through this emulator's API (e.g. by hand in the UI, without any
     * ownership stamp) in the given state; replaces an app of that name.
     */
    public void put(String name, Map<String, Object> compose, String state) {
        mw.putApp(name, compose, state);
    }

    /**
     * Damages the app's metadata ({@code METADATA_MISSING}, {@code METADATA_UNREADABLE} or
     * {@code METADATA_INCOMPLETE}): 27.0 reports it as {@code ERROR} with that {@code error_reason} and refuses
     * everything but {@code app.delete}; older releases report it as CRASHED. {@code null} repairs it.
     */
    public void breakMetadata(String name, String reason) {
        mw.breakMetadata(name, reason);
    }

    /**
     * One container (by compose service) of an app exits with {@code exitCode}, the others keep running: before
     * 27.0 any non-zero code makes the app CRASHED; 27.0 reports 0, 129, 130, 137 (SIGKILL, also an OOM kill) and
     * 143 as "exited", so the app stays RUNNING. In-memory apps only.
     */
    public void exitContainer(String name, String service, int exitCode) {
        mw.exitContainer(name, service, exitCode);
    }

    /**
     * The out-of-memory killer ends one container of an app: exit code 137, and {@code oom} then {@code die} on
     * {@code docker.events}. In-memory apps only.
     */
    public void oomKill(String name, String service) {
        mw.oomKill(name, service);
    }

    /** Removes an app without a job (as if its directory vanished). */
    public void remove(String name) {
        mw.removeApp(name);
    }
}
