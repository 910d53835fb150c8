package io.truenasgitops.git;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the daemon reads its desired state from: {@code truenas-gitops.git.*} (environment variables
 * {@code TRUENAS_GITOPS_GIT_URL}, ...). Turned into {@link GitSettings} by {@link GitSettings#from(GitConfig)}.
 */
@ConfigMapping(prefix = "truenas-gitops.git")
public interface GitConfig {

    /**
     * The repository: {@code https://host/org/repo.git}, {@code ssh://git@host/org/repo.git},
     * {@code git@host:org/repo.git}, {@code file:///path} or a local path to a Git repository. Put a token in
     * {@link #tokenFile()}, not in the URL. Absent means no Git source is configured.
     */
    Optional<String> url();

    /**
     * What to check out: a branch name (followed, also when force-pushed), a tag name or a commit id (full,
     * or abbreviated to at least 7 hex digits) which stay put. Absent means the remote's default branch
     * (its {@code HEAD}).
     */
    Optional<String> ref();

    /**
     * The folder inside the repository that holds the stacks, relative to the repository root (for example
     * {@code clusters/nas1}). Absent means the repository root. It must exist in the checked-out revision
     * and may not leave the repository ({@code ..}).
     */
    Optional<String> path();

    /**
     * Where the clone and the checked-out revisions are kept between fetches and restarts. Keep it on a
     * persistent volume: the last good revision is served from here when the remote is unreachable.
     */
    @WithDefault("/var/lib/truenas-gitops/git")
    Path stateDir();

    /**
     * A file holding an HTTPS access token (GitHub/Gitea/Forgejo/GitLab personal or deploy token). Read at
     * every fetch, surrounding whitespace trimmed, so it can be rotated without a restart. Never logged.
     */
    Optional<Path> tokenFile();

    /**
     * The user name sent with the token (HTTPS), and the SSH user when the URL has none. GitHub, GitLab and
     * Gitea accept any non-empty name with a token; Bitbucket wants {@code x-token-auth}.
     */
    @WithDefault("git")
    String username();

    /** The private key (OpenSSH or PEM format, without passphrase) of an SSH deploy key, for ssh URLs. */
    Optional<Path> sshKeyFile();

    /**
     * The known_hosts file the SSH server's host key is checked against (required for ssh URLs; create it
     * with {@code ssh-keyscan}). An unknown or changed host key fails the fetch; nothing is trusted blindly.
     */
    Optional<Path> knownHostsFile();

    /**
     * Fetch only what the wanted revision needs (depth 1) instead of the whole history. Saves time and disk
     * on big repositories; turn it off for servers that reject shallow fetches.
     */
    @WithDefault("true")
    boolean shallow();

    /** How long one network operation (connect, listing refs, fetching) may take before it is abandoned. */
    @WithDefault("60s")
    Duration timeout();
}
