package io.truenasgitops.stacks;

import java.nio.file.Path;

/**
 * Where stacks live in a repository and what to render them with.
 *
 * @param stacksDir the folder, relative to the repository root, holding one folder per app (default {@code stacks})
 * @param secretsDir a folder of secret values, one file per variable (file name = variable name); null for none
 * @param hostBasePath when set, relative bind mounts ({@code ./data}) are rewritten to
 *     {@code <hostBasePath>/<app>/data} instead of being refused
 */
public record StacksOptions(String stacksDir, Path secretsDir, Path hostBasePath) {

    /** The default stacks folder. */
    public static final String DEFAULT_STACKS_DIR = "stacks";

    public StacksOptions {
        if (stacksDir == null || stacksDir.isBlank()) {
            stacksDir = DEFAULT_STACKS_DIR;
        }
    }

    /** {@code stacks/}, no secrets, no host base path. */
    public static StacksOptions defaults() {
        return new StacksOptions(DEFAULT_STACKS_DIR, null, null);
    }
}
