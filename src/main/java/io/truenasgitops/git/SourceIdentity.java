package io.truenasgitops.git;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The identity of a Git source, the one place that decides whether two spellings name the same repository: the
 * source in an app's stamp ({@code x-truenas-gitops.source}) is compared through it, and new stamps carry
 * {@link #value()}.
 *
 * <p>Canonical form: {@code scheme://host[:port]/path} with the scheme and host in lower case, no user or
 * password, no default port (443, 80, 22, 9418), no trailing slash and no {@code .git} suffix; an scp-like
 * {@code user@host:owner/repo} is {@code ssh://host/owner/repo}; a local path (absolute, or relative to the
 * working directory) and a {@code file:} URL are {@code file:///absolute/normalised/path}. Spellings the
 * canonical form does not cover (another scheme, {@code https} vs {@code ssh}) stay different sources.
 *
 * @param value the canonical spelling
 */
public record SourceIdentity(String value) {

    /** {@code [user@]host:path}, the scp-like ssh syntax (no scheme; the host is not a single drive letter). */
    private static final Pattern SCP_LIKE = Pattern.compile("^(?:[^@/\\s]+@)?([^:/\\s]{2,}):(?!//)(.*)$");

    /** The identity of {@code url} (a URL, an scp-like address or a local path); null for null or blank. */
    public static SourceIdentity of(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String u = url.strip();
        if (!u.contains("://")) {
            Matcher scp = SCP_LIKE.matcher(u);
            if (scp.matches() && !u.startsWith("/") && !u.startsWith(".")) {
                return new SourceIdentity("ssh://" + scp.group(1).toLowerCase(Locale.ROOT) + "/" + path(scp.group(2)));
            }
            if (!u.startsWith("file:")) {
                return new SourceIdentity(file(Path.of(u)));
            }
        }
        try {
            URI uri = new URI(u);
            String scheme = uri.getScheme() == null ? "file" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("file")) {
                return new SourceIdentity(file(Path.of(uri.getPath() == null || uri.getPath().isEmpty()
                        ? uri.getSchemeSpecificPart() : uri.getPath())));
            }
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port < 0 || port == defaultPort(scheme);
            String path = path(uri.getPath() == null ? "" : uri.getPath());
            return new SourceIdentity(scheme + "://" + host + (defaultPort ? "" : ":" + port) + "/" + path);
        } catch (URISyntaxException | IllegalArgumentException e) {
            // not a URL Java can parse: compare it as written, less a trailing slash and .git
            return new SourceIdentity(trimRepoSuffix(u));
        }
    }

    /** Whether {@code a} and {@code b} name the same source (false when either is null or blank). */
    public static boolean same(String a, String b) {
        SourceIdentity x = of(a);
        return x != null && x.equals(of(b));
    }

    /** The canonical spelling of {@code url}, or {@code url} itself when it is null or blank. */
    public static String canonical(String url) {
        SourceIdentity id = of(url);
        return id == null ? url : id.value();
    }

    @Override
    public String toString() {
        return value;
    }

    private static String file(Path p) {
        String s = p.toAbsolutePath().normalize().toString().replace('\\', '/');
        s = trimRepoSuffix(s);
        return "file://" + (s.startsWith("/") ? "" : "/") + s;
    }

    private static String path(String raw) {
        String p = raw.replaceAll("/{2,}", "/");
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        return trimRepoSuffix(p);
    }

    private static String trimRepoSuffix(String s) {
        String t = s;
        while (t.length() > 1 && t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.endsWith(".git") && t.length() > 4) {
            t = t.substring(0, t.length() - 4);
            while (t.length() > 1 && t.endsWith("/")) {
                t = t.substring(0, t.length() - 1);
            }
        }
        return t;
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "https" -> 443;
            case "http" -> 80;
            case "ssh", "git+ssh", "ssh+git" -> 22;
            case "git" -> 9418;
            default -> -1;
        };
    }
}
