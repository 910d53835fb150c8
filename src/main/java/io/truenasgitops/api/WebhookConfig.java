package io.truenasgitops.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** Git webhooks ({@code POST /hooks/git}): {@code truenas-gitops.webhook.*}. */
@ConfigMapping(prefix = "truenas-gitops.webhook")
public interface WebhookConfig {

    /**
     * A file holding the shared secret configured on the Git server; env
     * {@code TRUENAS_GITOPS_WEBHOOK_SECRET_FILE}. Without it every webhook is refused (403).
     */
    Optional<Path> secretFile();

    /**
     * The branch whose pushes trigger a pass. Absent: the branch of {@code truenas-gitops.git.ref}, else the
     * branch the last fetch resolved, else pushes to any branch trigger a fetch.
     */
    Optional<String> branch();

    /** The largest webhook body accepted, in bytes (larger ones get 413). */
    @WithDefault("1048576")
    long maxPayload();
}
