package io.truenasgitops.reconcile;

import java.util.List;

/**
 * The last lines one container of a stack's app printed, as {@link Reconciler#recentLogs} read them (secrets
 * masked).
 *
 * @param service the compose service
 * @param containerId the container's id, shortened to 12 characters as Docker shows it
 * @param state the container's state as the NAS reports it ({@code running}, {@code exited}, …)
 * @param lines its last lines, oldest first
 * @param error why its log could not be read, or null
 */
public record ContainerLog(String service, String containerId, String state, List<String> lines, String error) {

    public ContainerLog {
        lines = lines == null ? List.of() : List.copyOf(lines);
    }
}
