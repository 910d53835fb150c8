package io.truenasgitops.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Commit statuses on the Git host after each pass: {@code truenas-gitops.commit-status.*}, mapped to
 * {@link io.truenasgitops.commitstatus.StatusSettings} by {@link CommitStatusReporting}. Off until a token file is
 * set. Retries and timeouts as {@link DeliveryConfig} says.
 */
@ConfigMapping(prefix = "truenas-gitops.commit-status")
public interface CommitStatusConfig extends DeliveryConfig {

    /** A file holding the Git host's API token (Bitbucket: {@code user:app-password}); setting it turns statuses on. */
    Optional<Path> tokenFile();

    /** {@code github}, {@code gitlab}, {@code gitea}, {@code forgejo} or {@code bitbucket}; told by the Git URL's host when unset. */
    Optional<String> provider();

    /** The host's API base URL ({@code https://git.home.lan/api/v1}); the host's usual one when unset. */
    Optional<String> apiUrl();

    /** The repository on the host ({@code owner/name}; GitLab: the project path or id); the Git URL's path when unset. */
    Optional<String> repository();

    /** The statuses' name prefix: each stack's status is named {@code <context>/<stack>}. */
    @WithDefault("truenas-gitops")
    String context();

    /** The status page linked from each status (its stack's page); {@code truenas-gitops.notify.status-url} when unset. */
    Optional<String> statusUrl();

    /** A PEM file with the CA (or self-signed certificate) to trust for the host instead of the JVM's CAs. */
    Optional<Path> caFile();
}
