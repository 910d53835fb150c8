package io.truenasgitops.commitstatus;

import io.truenasgitops.notify.CommitLinks;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the statuses of one repository go: the host's API, its base URL and the repository on it.
 *
 * @param forge which API
 * @param apiBase the API's base URL, without a trailing slash
 * @param repository {@code owner/repo} (GitLab: a project path with groups, or a numeric id)
 */
public record Endpoint(Forge forge, URI apiBase, String repository) {

    /**
     * The endpoint of {@code settings} for a Git source at {@code sourceUrl}: what the settings name, the rest told
     * by the source URL (github.com: {@code https://api.github.com}; GitHub Enterprise {@code /api/v3}; GitLab
     * {@code /api/v4}; Gitea and Forgejo {@code /api/v1}; Bitbucket Cloud {@code https://api.bitbucket.org/2.0}).
     *
     * @throws IllegalArgumentException saying what to configure when the host or repository cannot be told
     */
    public static Endpoint resolve(StatusSettings settings, String sourceUrl) {
        Optional<CommitLinks.Repo> repo = sourceUrl == null ? Optional.empty() : CommitLinks.repository(sourceUrl);
        Forge forge = settings.forge();
        if (forge == null) {
            forge = repo.flatMap(r -> Forge.detect(r.host())).orElseThrow(() -> new IllegalArgumentException(
                    "commit statuses: cannot tell the Git host of " + describe(sourceUrl) + "; set"
                            + " truenas-gitops.commit-status.provider (github, gitlab, gitea, forgejo or bitbucket)"));
        }
        String repository = settings.repository() != null ? settings.repository()
                : repo.map(CommitLinks.Repo::path).orElseThrow(() -> new IllegalArgumentException(
                        "commit statuses: the Git source " + describe(sourceUrl) + " names no repository on a host;"
                                + " set truenas-gitops.commit-status.repository (owner/name)"));
        if (forge != Forge.GITLAB && !repository.matches("[^/]+/[^/]+")) {
            throw new IllegalArgumentException("commit statuses: the repository '" + repository + "' is not"
                    + " owner/name, as " + forge.label() + " wants it; set truenas-gitops.commit-status.repository");
        }
        URI base = settings.apiUrl() != null ? settings.apiUrl() : defaultBase(forge, sourceUrl, repo.orElse(null));
        String b = base.toString().replaceAll("/+$", "");
        return new Endpoint(forge, URI.create(b), repository);
    }

    private static URI defaultBase(Forge forge, String sourceUrl, CommitLinks.Repo repo) {
        if (forge == Forge.BITBUCKET) {
            return URI.create("https://api.bitbucket.org/2.0");
        }
        if (repo == null) {
            throw new IllegalArgumentException("commit statuses: cannot tell the " + forge.label() + " API from "
                    + describe(sourceUrl) + "; set truenas-gitops.commit-status.api-url");
        }
        if (forge == Forge.GITHUB && repo.host().equalsIgnoreCase("github.com")) {
            return URI.create("https://api.github.com");
        }
        // an HTTP(S) source keeps its scheme and port; an SSH one reaches the web API on HTTPS
        String origin = "https://" + repo.host();
        URI u = sourceUrl.contains("://") ? URI.create(sourceUrl.strip()) : null;
        if (u != null && u.getScheme() != null && u.getScheme().toLowerCase(Locale.ROOT).startsWith("http")) {
            origin = u.getScheme().toLowerCase(Locale.ROOT) + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
        }
        return URI.create(origin + switch (forge) {
            case GITHUB -> "/api/v3";
            case GITLAB -> "/api/v4";
            default -> "/api/v1";
        });
    }

    /** A source URL as messages show it: without any user or password. */
    private static String describe(String sourceUrl) {
        if (sourceUrl == null) {
            return "(no source URL yet)";
        }
        return "'" + sourceUrl.replaceAll("://[^/@]*@", "://") + "'";
    }
}
