package io.truenasgitops.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.truenasgitops.stacks.Decryption;
import io.truenasgitops.stacks.StacksOptions;
import java.nio.file.Path;
import java.util.Optional;

/** Where the stacks are in the repository and what they are rendered with: {@code truenas-gitops.stacks.*}. */
@ConfigMapping(prefix = "truenas-gitops.stacks")
public interface StacksConfig {

    /** The folder of the repository (below {@code truenas-gitops.git.path}) holding one folder per app. */
    @WithDefault(StacksOptions.DEFAULT_STACKS_DIR)
    String dir();

    /**
     * A directory of secret values, one file per variable (as Docker secrets are mounted); they win over
     * {@code .env} and are shown as {@code ***} everywhere. Env {@code TRUENAS_GITOPS_STACKS_SECRETS_DIR}.
     */
    Optional<Path> secretsDir();

    /** When set, relative bind mounts ({@code ./data}) become {@code <host-base-path>/<app>/data}. */
    Optional<Path> hostBasePath();

    /**
     * The age identity file (AGE-SECRET-KEY-1... lines) that opens SOPS-encrypted {@code .env} and
     * {@code env_file} files of stacks; when unset, the {@code SOPS_AGE_KEY_FILE} environment variable.
     */
    Optional<Path> ageKeyFile();

    /** As the options the stack loader takes. */
    default StacksOptions toOptions() {
        Path keyFile = ageKeyFile().orElseGet(() -> {
            String env = System.getenv("SOPS_AGE_KEY_FILE");
            return env == null || env.isBlank() ? null : Path.of(env);
        });
        return new StacksOptions(dir(), secretsDir().orElse(null), hostBasePath().orElse(null),
                StacksOptions.MissingSecrets.ERROR, new Decryption(keyFile, false));
    }
}
