package io.truenasgitops.emulator;

/**
 * The apps service (Docker) states of {@code docker.status}, with the description the middleware gives each
 * ({@code plugins/docker/state_utils.py}). Only {@link #RUNNING} has Docker started: in every other state
 * {@code app.query} answers {@code []} and {@code app.create} fails the way {@code docker.state.validate} does.
 */
public enum DockerState {
    PENDING("Application(s) state is to be determined yet"),
    RUNNING("Application(s) are currently running"),
    INITIALIZING("Application(s) are being initialized"),
    STOPPING("Application(s) are being stopped"),
    STOPPED("Application(s) have been stopped"),
    UNCONFIGURED("Application(s) are not configured"),
    FAILED("Application(s) have failed to start");

    private final String description;

    DockerState(String description) {
        this.description = description;
    }

    /** The middleware's description of this state (without the extra detail a FAILED state may carry). */
    public String description() {
        return description;
    }

    /** Whether Docker runs, i.e. {@code docker.state.validate} passes. */
    public boolean running() {
        return this == RUNNING;
    }

    /** Whether a pool is chosen for apps ({@code docker.config} {@code pool} is not null). */
    public boolean poolConfigured() {
        return this != UNCONFIGURED;
    }
}
