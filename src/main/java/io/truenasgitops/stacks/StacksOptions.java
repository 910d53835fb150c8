package io.truenasgitops.stacks;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where stacks live in a repository and what to render them with.
 *
 * @param stacksDir the folder, relative to the repository root, holding one folder per app (default {@code stacks})
 * @param secretsDir a folder of secret values, one file per variable (file name = variable name); null for none
 * @param hostBasePath when set, relative bind mounts ({@code ./data}) are rewritten to
 *     {@code <hostBasePath>/<app>/data} instead of being refused
 * @param missingSecrets what a secret declared in {@code stack.yaml} but absent from the secrets directory is
 * @param decryption how SOPS-encrypted files of stacks are opened (the age key file)
 * @param targetHostBasePaths a host base path per target ({@code truenas-gitops.targets.<name>.host-base-path}),
 *     which wins over {@code hostBasePath} for the stacks of that target
 */
public record StacksOptions(String stacksDir, Path secretsDir, Path hostBasePath, MissingSecrets missingSecrets,
        Decryption decryption, Map<String, Path> targetHostBasePaths) {

    /** Options with one host base path for every target. */
    public StacksOptions(String stacksDir, Path secretsDir, Path hostBasePath, MissingSecrets missingSecrets,
            Decryption decryption) {
        this(stacksDir, secretsDir, hostBasePath, missingSecrets, decryption, Map.of());
    }

    /** What a secret declared in {@code stack.yaml} ({@code secrets: [NAME]}) and absent from the secrets dir is. */
    public enum MissingSecrets {
        /** An error on the stack: what the daemon and {@code render} do, and {@code validate --secrets-dir}. */
        ERROR,
        /**
         * A placeholder value (masked like a secret), so that {@code validate} without a secrets directory (CI,
         * which has no secrets) checks everything else; an undeclared unset variable is still an error.
         */
        PLACEHOLDER
    }

    /** Options without an age key file. */
    public StacksOptions(String stacksDir, Path secretsDir, Path hostBasePath, MissingSecrets missingSecrets) {
        this(stacksDir, secretsDir, hostBasePath, missingSecrets, Decryption.none());
    }

    /** Options under which a missing declared secret is an error. */
    public StacksOptions(String stacksDir, Path secretsDir, Path hostBasePath) {
        this(stacksDir, secretsDir, hostBasePath, MissingSecrets.ERROR);
    }

    /** The default stacks folder. */
    public static final String DEFAULT_STACKS_DIR = "stacks";

    public StacksOptions {
        if (stacksDir == null || stacksDir.isBlank()) {
            stacksDir = DEFAULT_STACKS_DIR;
        }
        if (missingSecrets == null) {
            missingSecrets = MissingSecrets.ERROR;
        }
        if (decryption == null) {
            decryption = Decryption.none();
        }
        targetHostBasePaths = targetHostBasePaths == null ? Map.of() : Map.copyOf(targetHostBasePaths);
    }

    /** The host base path of the stacks of {@code target}: its own when it has one, else the global one (or null). */
    public Path hostBasePathFor(String target) {
        Path own = target == null ? null : targetHostBasePaths.get(target);
        return own != null ? own : hostBasePath;
    }

    /**
     * Why a host base path setting cannot be used, or empty: it must be absolute, on the NAS's pools.
     *
     * @param setting the setting as people wrote it ({@code --host-base-path}, {@code TRUENAS_HOST_BASE_PATH})
     */
    public static Optional<String> hostBasePathProblem(String setting, Path value) {
        if (value == null || value.isAbsolute()) {
            return Optional.empty();
        }
        return Optional.of(setting + " must be an absolute path on the NAS, such as /mnt/tank/apps, not '" + value
                + "'");
    }

    /** These options with a host base path per target. */
    public StacksOptions withTargetHostBasePaths(Map<String, Path> paths) {
        return new StacksOptions(stacksDir, secretsDir, hostBasePath, missingSecrets, decryption, paths);
    }

    /** These options with {@code decryption}. */
    public StacksOptions withDecryption(Decryption decryption) {
        return new StacksOptions(stacksDir, secretsDir, hostBasePath, missingSecrets, decryption,
                targetHostBasePaths);
    }

    /** {@code stacks/}, no secrets, no host base path. */
    public static StacksOptions defaults() {
        return new StacksOptions(DEFAULT_STACKS_DIR, null, null);
    }
}
