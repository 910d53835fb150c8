package io.truenasgitops.emulator;

import java.nio.file.Path;

/**
 * Where the emulator runs apps as real containers ({@code emulator --docker}).
 *
 * @param host the Docker Engine to use, as {@code DOCKER_HOST} spells it ({@code unix:///run/docker.sock},
 *     {@code tcp://127.0.0.1:2375}); null = the {@code DOCKER_HOST} of this process, else Docker's default socket
 * @param ixAppsDir the emulated {@code /mnt/.ix-apps}: each app's rendered compose is written to
 *     {@code app_configs/<app>/versions/1.0.0/templates/rendered/docker-compose.yaml} below it, and the output of
 *     failed compose actions to {@code app_lifecycle.log}; null = a temporary folder removed on close
 */
public record DockerOptions(String host, Path ixAppsDir) {

    /** The engine of {@code DOCKER_HOST} (or Docker's default socket), with a temporary apps folder. */
    public static DockerOptions fromEnvironment() {
        return new DockerOptions(null, null);
    }
}
