package io.truenasgitops.git;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link JGitSource} needs, validated. Holds file paths to credentials, never credentials.
 *
 * @param url the repository URL or local path; a password or token in it is used for HTTPS but never stored
 *     or shown (prefer {@code tokenFile})
 * @param ref a branch, a tag, or a commit id (full or at least 7 hex digits); {@code ""} follows the
 *     remote's default branch
 * @param path the subpath inside the repository holding the stacks; {@code ""} is the repository root
 * @param stateDir where the clone and the checkouts are kept
 * @param tokenFile a file holding an HTTPS token, read at each fetch; null for none
 * @param username the user name sent with the token, and the SSH user when the URL has none
 * @param sshKeyFile the private key of an SSH deploy key; null for none
 * @param knownHostsFile the known_hosts file SSH host keys are checked against; null for none
 * @param shallow fetch only what the wanted revision needs
 * @param timeout the limit of one network operation
 */
public record GitSettings(
        String url,
        String ref,
        String path,
        Path stateDir,
        Path tokenFile,
        String username,
        Path sshKeyFile,
        Path knownHostsFile,
        boolean shallow,
        Duration timeout) {

    /** The default limit of one network operation. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public GitSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(stateDir, "stateDir");
        url = url.strip();
        if (url.isEmpty()) {
            throw new IllegalArgumentException("git url is empty");
        }
        ref = ref == null ? "" : ref.strip();
        path = path == null ? "" : path.strip();
        username = username == null || username.isBlank() ? "git" : username.strip();
        timeout = timeout == null || timeout.isZero() || timeout.isNegative() ? DEFAULT_TIMEOUT : timeout;
    }

    /** Settings for an unauthenticated (local, file:// or public) repository, shallow, default timeout. */
    public static GitSettings of(String url, String ref, String path, Path stateDir) {
        return new GitSettings(url, ref, path, stateDir, null, "git", null, null, true, DEFAULT_TIMEOUT);
    }

    /**
     * The settings configured under {@code truenas-gitops.git}.
     *
     * @throws GitSourceException of kind {@code CONFIG} when {@code truenas-gitops.git.url} is not set
     */
    public static GitSettings from(GitConfig config) {
        String url = config.url()
                .filter(u -> !u.isBlank())
                .orElseThrow(() -> new GitSourceException(
                        GitSourceException.Kind.CONFIG,
                        "no git source configured: set truenas-gitops.git.url (env TRUENAS_GITOPS_GIT_URL)"));
        return new GitSettings(
                url,
                config.ref().orElse(""),
                config.path().orElse(""),
                config.stateDir(),
                config.tokenFile().orElse(null),
                config.username(),
                config.sshKeyFile().orElse(null),
                config.knownHostsFile().orElse(null),
                config.shallow(),
                config.timeout());
    }

    /** The same settings with another ref. */
    public GitSettings withRef(String newRef) {
        return new GitSettings(url, newRef, path, stateDir, tokenFile, username, sshKeyFile, knownHostsFile, shallow, timeout);
    }

    /** The same settings with another subpath. */
    public GitSettings withPath(String newPath) {
        return new GitSettings(url, ref, newPath, stateDir, tokenFile, username, sshKeyFile, knownHostsFile, shallow, timeout);
    }

    /** The same settings with HTTPS token authentication. */
    public GitSettings withToken(Path newTokenFile, String newUsername) {
        return new GitSettings(url, ref, path, stateDir, newTokenFile, newUsername, sshKeyFile, knownHostsFile, shallow, timeout);
    }

    /** The same settings with SSH deploy key authentication. */
    public GitSettings withSsh(Path keyFile, Path knownHosts) {
        return new GitSettings(url, ref, path, stateDir, tokenFile, username, keyFile, knownHosts, shallow, timeout);
    }

    /** The same settings with shallow fetching on or off. */
    public GitSettings withShallow(boolean newShallow) {
        return new GitSettings(url, ref, path, stateDir, tokenFile, username, sshKeyFile, knownHostsFile, newShallow, timeout);
    }

    /** The same settings with another network timeout. */
    public GitSettings withTimeout(Duration newTimeout) {
        return new GitSettings(url, ref, path, stateDir, tokenFile, username, sshKeyFile, knownHostsFile, shallow, newTimeout);
    }

    /** Shows the URL without credentials. */
    @Override
    public String toString() {
        return "GitSettings[url=" + Redaction.url(url) + ", ref=" + ref + ", path=" + path + ", stateDir=" + stateDir
                + ", tokenFile=" + tokenFile + ", username=" + username + ", sshKeyFile=" + sshKeyFile
                + ", knownHostsFile=" + knownHostsFile + ", shallow=" + shallow + ", timeout=" + timeout + "]";
    }
}
