package io.truenasgitops.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The NAS boxes the daemon manages: {@code truenas-gitops.targets.<name>.*}. Stacks choose one with
 * {@code target:} in stack.yaml ({@code default} when absent). The {@code default} target is fed from the
 * {@code TRUENAS_*} environment variables in application.yaml; a target without a URL is not configured.
 */
@ConfigMapping(prefix = "truenas-gitops.targets")
public interface TargetsConfig {

    /** The targets by name. */
    @WithParentName
    Map<String, Target> all();

    /** One NAS. */
    interface Target {

        /** {@code wss://nas.local} (or with {@code /api/current}); env {@code TRUENAS_URL} for the default target. */
        Optional<String> url();

        /** A file holding the API key (preferred: a Docker secret); env {@code TRUENAS_API_KEY_FILE}. */
        Optional<Path> apiKeyFile();

        /** The API key itself, when a file is not possible; env {@code TRUENAS_API_KEY}. Never logged. */
        Optional<String> apiKey();

        /**
         * The key's owner (25.04+; needed for SCRAM on 26.0+) or the user of a password login; env
         * {@code TRUENAS_USERNAME}.
         */
        Optional<String> username();

        /**
         * How the API key logs in on 25.04+: {@code auto} (SCRAM-SHA-512 where the NAS offers it, else
         * API_KEY_PLAIN), {@code scram} or {@code plain}; env {@code TRUENAS_API_KEY_MECHANISM}.
         */
        @WithDefault("auto")
        String apiKeyMechanism();

        /** A file holding the password, for a password login without an API key. */
        Optional<Path> passwordFile();

        /**
         * A file holding a session token made by {@code auth.generate_token} on a logged-in session, to log in
         * with instead of an API key or password; env {@code TRUENAS_SESSION_TOKEN_FILE}. Read once at start;
         * reconnects use a single-use token the daemon asks for while logged in. Never logged.
         */
        Optional<Path> sessionTokenFile();

        /** SHA-256 fingerprint of the NAS certificate to pin (hex, colons optional); env {@code TRUENAS_TLS_FINGERPRINT}. */
        Optional<String> tlsFingerprint();

        /** A PEM file with the CA or self-signed certificate to trust; env {@code TRUENAS_CA_FILE}. */
        Optional<Path> caFile();

        /**
         * Where the relative bind mounts ({@code ./data}) of this target's stacks go on its NAS:
         * {@code <host-base-path>/<app>/data}; when unset, {@code truenas-gitops.stacks.host-base-path}. Absolute,
         * under {@code /mnt}.
         */
        Optional<Path> hostBasePath();

        /** Skip certificate verification (logged as a warning; prefer a fingerprint); env {@code TRUENAS_INSECURE}. */
        @WithDefault("false")
        boolean insecure();
    }
}
