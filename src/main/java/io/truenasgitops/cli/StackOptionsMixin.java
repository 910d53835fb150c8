package io.truenasgitops.cli;

import io.truenasgitops.stacks.Decryption;
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
            description = "Rewrite relative bind mounts (./data) to PATH/<app>/data instead of refusing them;"
                    + " default: $TRUENAS_HOST_BASE_PATH.")
    Path hostBasePath;

    /** The environment variable the host base path is read from when --host-base-path is not given. */
    public static final String TRUENAS_HOST_BASE_PATH = "TRUENAS_HOST_BASE_PATH";

    /** {@code --host-base-path}, else {@code $TRUENAS_HOST_BASE_PATH}; a relative one is a usage error. */
    public static Path hostBasePath(Path option, String env) {
        String setting = "--host-base-path";
        Path value = option;
        if (value == null && env != null && !env.isBlank()) {
            setting = TRUENAS_HOST_BASE_PATH;
            value = Path.of(env.strip());
        }
        StacksOptions.hostBasePathProblem(setting, value).ifPresent(m -> {
            throw new UsageException(m);
        });
        return value;
    }

    @Option(names = "--age-key-file", paramLabel = "FILE",
            description = "age identities (AGE-SECRET-KEY-1... lines, as age-keygen writes them) that open"
                    + " SOPS-encrypted .env and env_file files; default: $SOPS_AGE_KEY_FILE.")
    Path ageKeyFile;

    /** The environment variable sops reads its age key file from; used when --age-key-file is not given. */
    public static final String SOPS_AGE_KEY_FILE = "SOPS_AGE_KEY_FILE";

    /**
     * How encrypted files are opened: with {@code --age-key-file}, else {@code $SOPS_AGE_KEY_FILE}.
     *
     * @param placeholdersWithoutKey without a key, check encrypted files with placeholders ({@code validate})
     */
    public Decryption decryption(boolean placeholdersWithoutKey) {
        Path file = ageKeyFile;
        String env = System.getenv(SOPS_AGE_KEY_FILE);
        if (file == null && env != null && !env.isBlank()) {
            file = Path.of(env);
        }
        if (file != null && !Files.isRegularFile(file)) {
            throw new UsageException("age key file " + file + " does not exist or is not a file: create it with"
                    + " age-keygen -o " + file + ", or give the right path (--age-key-file or SOPS_AGE_KEY_FILE)");
        }
        return new Decryption(file, placeholdersWithoutKey);
    }

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
        Path base = hostBasePath(hostBasePath, System.getenv(TRUENAS_HOST_BASE_PATH));
        return new StacksOptions(stacksDir, secretsDir, base, missingSecrets, decryption(false));
    }
}
