package io.truenasgitops.git;

import io.truenasgitops.git.GitSourceException.Kind;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * The remote's URL and the credential policy: the URL as shown (without credentials) and as handed to JGit
 * (without a password, with the ssh user), which settings a URL needs (a deploy key and known_hosts for ssh,
 * https for a token to a remote host), and the credentials of each fetch.
 *
 * @param shown the URL without credentials, for messages and the state file
 * @param transport the URL JGit connects to: no password, no user for http(s), the configured user for ssh
 * @param user the user named in the URL, or null
 * @param password the password of an http(s) URL, or null; never shown
 * @param ssh whether the URL is an ssh one (scp-like {@code host:path} included)
 * @param plainHttp whether the URL is plain {@code http://}
 */
record RemoteUrl(String shown, String transport, String user, String password, boolean ssh, boolean plainHttp) {

    /**
     * @throws GitSourceException of kind {@code CONFIG} for a URL that cannot be parsed, an ssh URL without key
     *     or known_hosts file (or with a token file), a token over plain http to a remote host
     */
    static RemoteUrl of(GitSettings settings) {
        String shownUrl = Redaction.url(settings.url());
        URIish uri;
        try {
            uri = new URIish(settings.url());
        } catch (URISyntaxException e) {
            throw new GitSourceException(Kind.CONFIG, "invalid git url '" + shownUrl + "': " + Redaction.text(e.getMessage()));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean ssh = scheme.startsWith("ssh") || scheme.endsWith("+ssh")
                || (scheme.isEmpty() && uri.getHost() != null && !isLocalPath(settings.url()));
        boolean plainHttp = scheme.equals("http");
        boolean http = plainHttp || scheme.equals("https");
        String urlPassword = http ? uri.getPass() : null;
        URIish forTransport = uri.setPass(null);
        if (http) {
            forTransport = forTransport.setUser(null);
        } else if (ssh && (forTransport.getUser() == null || forTransport.getUser().isEmpty())) {
            forTransport = forTransport.setUser(settings.username());
        }
        if (ssh) {
            if (settings.sshKeyFile() == null) {
                throw new GitSourceException(Kind.CONFIG, "git url " + shownUrl
                        + " uses ssh but no deploy key is configured: set truenas-gitops.git.ssh-key-file");
            }
            if (settings.knownHostsFile() == null) {
                throw new GitSourceException(Kind.CONFIG, "git url " + shownUrl
                        + " uses ssh but no known_hosts file is configured: set truenas-gitops.git.known-hosts-file"
                        + " (create it with ssh-keyscan, see docs/git-source.md); host keys are never trusted blindly");
            }
            if (settings.tokenFile() != null) {
                throw new GitSourceException(Kind.CONFIG, "git url " + shownUrl
                        + " uses ssh, but a token file is configured: tokens are for https urls, use a deploy key");
            }
        }
        if (plainHttp && (settings.tokenFile() != null || urlPassword != null) && !isLoopback(uri.getHost())) {
            throw new GitSourceException(Kind.CONFIG, "refusing to send the git token in clear text over http to "
                    + uri.getHost() + ": use an https url");
        }
        return new RemoteUrl(shownUrl, forTransport.toString(), uri.getUser(), urlPassword, ssh, plainHttp);
    }

    /**
     * The credentials for one fetch; the token file is read every time so a rotated token is picked up.
     * {@code source} names the source in the errors.
     */
    CredentialsProvider credentials(GitSettings settings, String source) {
        if (settings.tokenFile() != null && !ssh) {
            String token;
            try {
                token = Files.readString(settings.tokenFile(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new GitSourceException(Kind.CONFIG, "failed to fetch " + source + ": cannot read token file "
                        + settings.tokenFile() + " (" + e.getClass().getSimpleName() + "); check "
                        + "truenas-gitops.git.token-file and the file's permissions");
            }
            if (token.isEmpty()) {
                throw new GitSourceException(Kind.CONFIG, "failed to fetch " + source + ": token file "
                        + settings.tokenFile() + " is empty; write the access token into it");
            }
            return new UsernamePasswordCredentialsProvider(settings.username(), token);
        }
        if (password != null) {
            return new UsernamePasswordCredentialsProvider(user == null ? settings.username() : user, password);
        }
        return NoCredentials.INSTANCE;
    }

    /** Every secret a message must not show: the URL's password and the token. */
    List<String> secrets(GitSettings settings) {
        List<String> secrets = new ArrayList<>();
        if (password != null) {
            secrets.add(password);
        }
        if (settings.tokenFile() != null) {
            try {
                secrets.add(Files.readString(settings.tokenFile(), StandardCharsets.UTF_8).strip());
            } catch (IOException | RuntimeException e) {
                // nothing to hide when it cannot be read
            }
        }
        return secrets;
    }

    /** JGit prefixes its messages with the URL, which the context already names. */
    String withoutUrlPrefix(String message) {
        String m = message;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String prefix : List.of(transport + ": ", shown + ": ", Redaction.url(transport) + ": ")) {
                if (m.startsWith(prefix)) {
                    m = m.substring(prefix.length());
                    changed = true;
                }
            }
        }
        while (m.endsWith(".")) {
            m = m.substring(0, m.length() - 1);
        }
        return m.isBlank() ? message : m;
    }

    @Override
    public String toString() {
        return "RemoteUrl[" + shown + "]";
    }

    private static boolean isLocalPath(String url) {
        return url.startsWith("/") || url.startsWith("./") || url.startsWith("../") || url.startsWith("~")
                || url.matches("^[A-Za-z]:[\\\\/].*");
    }

    private static boolean isLoopback(String host) {
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("::1")
                || host.equals("[::1]"));
    }

    /** Never prompts and never answers: a server that wants credentials gets none (an AUTH error). */
    private static final class NoCredentials extends CredentialsProvider {
        static final NoCredentials INSTANCE = new NoCredentials();

        @Override
        public boolean isInteractive() {
            return false;
        }

        @Override
        public boolean supports(CredentialItem... items) {
            return false;
        }

        @Override
        public boolean get(URIish uri, CredentialItem... items) {
            return false;
        }
    }
}
