package io.truenasgitops.truenas;

/** {@code docker.status}: status PENDING, RUNNING, INITIALIZING, STOPPING, STOPPED, UNCONFIGURED or FAILED. */
public record DockerStatus(String status, String description) {
    public boolean isRunning() {
        return "RUNNING".equals(status);
    }
}
