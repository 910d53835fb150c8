package io.truenasgitops.truenas;

/**
 * How a container of an app ended, as the NAS's {@code docker.events} collection reported it (Docker's {@code die}
 * event with its {@code exitCode}, preceded by an {@code oom} event when the out-of-memory killer ended it).
 * {@code app.query} reports neither, on any release.
 *
 * @param containerId the container's id
 * @param service its compose service ({@code com.docker.compose.service})
 * @param exitCode the exit code ({@code 137} for SIGKILL)
 * @param oomKilled whether Docker reported an OOM kill of it
 */
public record ContainerExit(String containerId, String service, int exitCode, boolean oomKilled) {}
