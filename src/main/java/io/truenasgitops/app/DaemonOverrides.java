package io.truenasgitops.app;

import io.truenasgitops.git.GitSettings;
import io.truenasgitops.stacks.StacksOptions;
import io.truenasgitops.truenas.ConnectionSettings;
import java.util.Map;
import java.util.Optional;

/**
 * Settings given in code instead of configuration, for commands that create their own NAS or repository
 * before the daemon starts (the {@code demo} command starts an emulator on a random port and an example
 * repository in a temp dir). Pass them to {@link Daemon#override} before anything uses the daemon.
 *
 * @param targets replaces the configured targets entirely when not empty
 * @param git replaces {@code truenas-gitops.git.*} when present
 * @param stacks replaces {@code truenas-gitops.stacks.*} when present
 */
public record DaemonOverrides(
        Map<String, ConnectionSettings> targets, Optional<GitSettings> git, Optional<StacksOptions> stacks) {

    public DaemonOverrides {
        targets = targets == null ? Map.of() : Map.copyOf(targets);
        git = git == null ? Optional.empty() : git;
        stacks = stacks == null ? Optional.empty() : stacks;
    }

    /** No overrides: everything from configuration. */
    public static DaemonOverrides none() {
        return new DaemonOverrides(Map.of(), Optional.empty(), Optional.empty());
    }
}
