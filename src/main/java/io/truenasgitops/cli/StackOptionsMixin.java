package io.truenasgitops.cli;

import io.truenasgitops.stacks.StacksOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that say how to read stacks, shared by {@code validate} and {@code render}. */
public class StackOptionsMixin {

    @Option(names = "--stacks-dir", paramLabel = "DIR", defaultValue = StacksOptions.DEFAULT_STACKS_DIR,
            description = "Folder of stacks inside the repository (default: ${DEFAULT-VALUE}).")
    String stacksDir;

    @Option(names = "--secrets-dir", paramLabel = "DIR",
            description = "Folder of secret values, one file per variable (file name = variable name).")
    Path secretsDir;

    @Option(names = "--host-base-path", paramLabel = "PATH",
            description = "Rewrite relative bind mounts (./data) to PATH/<app>/data instead of refusing them.")
    Path hostBasePath;

    /** The options as the stacks package takes them; refuses a secrets folder that does not exist. */
    public StacksOptions toOptions() {
        return toOptions(StacksOptions.MissingSecrets.ERROR);
    }

    /**
     * The options, with what a declared secret missing from the secrets folder is ({@code validate} without
     * {@code --secrets-dir} checks with placeholders).
     */
    public StacksOptions toOptions(StacksOptions.MissingSecrets missingSecrets) {
        if (secretsDir != null && !Files.isDirectory(secretsDir)) {
            throw new UsageException("secrets directory " + secretsDir + " does not exist or is not a directory");
        }
        if (hostBasePath != null && !hostBasePath.isAbsolute()) {
            throw new UsageException("--host-base-path must be an absolute path on the NAS, such as /mnt/tank/apps");
        }
        return new StacksOptions(stacksDir, secretsDir, hostBasePath, missingSecrets);
    }
}
