package io.truenasgitops.notify;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Links to a commit on the forge the Git source lives on. Known by host: GitHub, GitLab (gitlab.com or a host
 * with "gitlab" in its name), Bitbucket Cloud, Gitea and Forgejo (codeberg.org, or a host with "gitea" or
 * "forgejo" in its name). Other hosts get a link only through a template with {@code {repo}} (the path without
 * {@code .git}), {@code {host}} and {@code {revision}}.
 */
public final class CommitLinks {

    /** {@code git@host:owner/repo.git}, the scp-like form of SSH URLs. */
    private static final Pattern SCP_LIKE = Pattern.compile("^[\\w.-]+@([\\w.-]+):(.+)$");

    private final String template;

    /** @param template e.g. {@code https://git.home.lan/{repo}/commit/{revision}}, or null */
    public CommitLinks(String template) {
        this.template = template == null || template.isBlank() ? null : template.strip();
    }

    /** The commit's web page, or empty for an unknown forge, a local path or no revision. */
    public Optional<String> link(String sourceUrl, String revision) {
        if (sourceUrl == null || revision == null || revision.isBlank()) {
            return Optional.empty();
        }
        Optional<Repo> repo = repository(sourceUrl);
        if (repo.isEmpty()) {
            return Optional.empty();
        }
        String host = repo.get().host();
        String path = repo.get().path();
        if (template != null) {
            return Optional.of(template.replace("{host}", host).replace("{repo}", path).replace("{revision}", revision));
        }
        String base = "https://" + host + "/" + path;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("github.com")) {
            return Optional.of(base + "/commit/" + revision);
        }
        if (h.contains("gitlab")) {
            return Optional.of(base + "/-/commit/" + revision);
        }
        if (h.equals("bitbucket.org")) {
            return Optional.of(base + "/commits/" + revision);
        }
        if (h.equals("codeberg.org") || h.contains("gitea") || h.contains("forgejo")) {
            return Optional.of(base + "/commit/" + revision);
        }
        return Optional.empty();
    }

    /**
     * A repository on a forge.
     *
     * @param host the forge's host name
     * @param path the repository's path on it, without {@code .git} ({@code home/stacks})
     */
    public record Repo(String host, String path) {}

    /**
     * The forge host and repository path of a Git URL (HTTPS, SSH or scp-like {@code git@host:owner/repo.git}), or
     * empty for a local path or a URL without a path.
     */
    public static Optional<Repo> repository(String url) {
        String u = url.strip();
        Matcher scp = SCP_LIKE.matcher(u);
        if (!u.contains("://") && scp.matches()) {
            return repo(scp.group(1), scp.group(2));
        }
        try {
            URI uri = new URI(u);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") && !scheme.equals("ssh") && !scheme.equals("git")
                    || uri.getHost() == null) {
                return Optional.empty();
            }
            return repo(uri.getHost(), uri.getPath());
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static Optional<Repo> repo(String host, String rawPath) {
        String path = rawPath == null ? "" : rawPath.replaceAll("^/+", "").replaceAll("/+$", "");
        if (path.endsWith(".git")) {
            path = path.substring(0, path.length() - 4);
        }
        return path.isEmpty() ? Optional.empty() : Optional.of(new Repo(host, path));
    }
}
