package io.truenasgitops.commitstatus;

import io.truenasgitops.notify.DeliverySettings;
import io.truenasgitops.notify.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The commit statuses of the daemon, as configured under {@code truenas-gitops.commit-status.*}.
 *
 * @param forge the Git host's API, or null to tell it from the Git source's host
 * @param apiUrl the API's base URL ({@code https://git.home.lan/api/v1}), or null for the host's usual one
 * @param repository the repository on the host ({@code home/stacks}; GitLab: the project's path or id), or null
 *     for the Git source URL's path
 * @param token the API token (Bitbucket: {@code user:app-password}, or an access token)
 * @param context the statuses' name prefix: each stack's status is {@code <context>/<stack>}
 * @param statusUrl the daemon's status page, linked from each status (its stack's page), or null
 * @param delivery retries and timeouts
 * @param caFile a PEM file of the CA to trust for the host, or null for the JVM's
 */
public record StatusSettings(Forge forge, URI apiUrl, String repository, Secret token, String context,
        String statusUrl, DeliverySettings delivery, Path caFile) {

    /** The default {@link #context}. */
    public static final String DEFAULT_CONTEXT = "truenas-gitops";

    public StatusSettings {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(delivery, "delivery");
        context = context == null || context.isBlank() ? DEFAULT_CONTEXT : context.strip();
        repository = repository == null || repository.isBlank() ? null : repository.strip().replaceAll("^/+|/+$", "");
        statusUrl = statusUrl == null || statusUrl.isBlank() ? null
                : statusUrl.strip().endsWith("/") ? statusUrl.strip() : statusUrl.strip() + "/";
    }

    /** The status name of {@code stack}. */
    public String contextOf(String stack) {
        return context + "/" + stack;
    }

    /** The stack's page on the status page, or null without a status URL. */
    public String linkOf(String stack) {
        return statusUrl == null ? null
                : statusUrl + "stacks/" + java.net.URLEncoder.encode(stack, java.nio.charset.StandardCharsets.UTF_8);
    }
}
