package io.truenasgitops.app;

import io.truenasgitops.api.ApiConfig;
import io.truenasgitops.api.WebhookConfig;
import io.truenasgitops.git.GitConfig;
import io.truenasgitops.git.JGitSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files the daemon's configuration names (secrets, keys, certificates), checked when it starts rather than
 * at first use: a missing webhook secret would otherwise surface as an HTTP 500 at the first push, a missing
 * Git token as a failed fetch in the health check. Reads the files but keeps nothing of them.
 */
final class StartupCheck {

    private final List<String> problems = new ArrayList<>();

    private StartupCheck() {}

    /** One line per problem (what, which file, which setting, what to do); empty when every named file is usable. */
    static List<String> problems(WebhookConfig webhook, ApiConfig api, GitConfig git, TargetsConfig targets,
            boolean checkGit, boolean checkTargets) {
        StartupCheck check = new StartupCheck();
        webhook.secretFile().ifPresent(f -> check.secret(f, "webhook secret file", "truenas-gitops.webhook.secret-file"));
        api.tokenFile().ifPresent(f -> check.secret(f, "API token file", "truenas-gitops.api.token-file"));
        if (checkGit) {
            if (git.url().filter(u -> !u.isBlank()).isEmpty()) {
                check.problems.add("no git source configured: set truenas-gitops.git.url (env TRUENAS_GITOPS_GIT_URL)");
            }
            git.tokenFile().ifPresent(f -> check.secret(f, "Git token file", "truenas-gitops.git.token-file"));
            git.sshKeyFile().ifPresent(f -> {
                if (check.readable(f, "SSH key file", "truenas-gitops.git.ssh-key-file")) {
                    JGitSource.sshKeyFormatProblem(f).ifPresent(why -> check.problems.add("the SSH key file " + f
                            + " (truenas-gitops.git.ssh-key-file) cannot be used: " + why));
                }
            });
            git.knownHostsFile().ifPresent(f -> check.readable(f, "known_hosts file",
                    "truenas-gitops.git.known-hosts-file"));
        }
        if (checkTargets) {
            targets.all().forEach((name, t) -> {
                if (t.url().filter(u -> !u.isBlank()).isEmpty()) {
                    return;
                }
                String prefix = "truenas-gitops.targets." + name + ".";
                t.apiKeyFile().ifPresent(f -> check.secret(f, "API key file of target '" + name + "'", prefix + "api-key-file"));
                t.passwordFile().ifPresent(f -> check.secret(f, "password file of target '" + name + "'",
                        prefix + "password-file"));
                t.sessionTokenFile().ifPresent(f -> check.secret(f, "session token file of target '" + name + "'",
                        prefix + "session-token-file"));
                t.caFile().ifPresent(f -> check.readable(f, "CA file of target '" + name + "'", prefix + "ca-file"));
            });
        }
        return List.copyOf(check.problems);
    }

    /** A readable, non-empty file; adds a problem otherwise. */
    private void secret(Path file, String what, String setting) {
        if (!readable(file, what, setting)) {
            return;
        }
        try {
            if (Files.readString(file, StandardCharsets.UTF_8).isBlank()) {
                problems.add("the " + what + " " + file + " (" + setting + ") is empty: write the value into it");
            }
        } catch (IOException e) {
            problems.add("the " + what + " " + file + " (" + setting + ") cannot be read: " + e.getMessage());
        }
    }

    /** A readable regular file; adds a problem and answers false otherwise. */
    private boolean readable(Path file, String what, String setting) {
        Optional<String> why = Files.isDirectory(file) ? Optional.of("is a directory: name the file in it")
                : !Files.exists(file) ? Optional.of("does not exist: create it or fix the path")
                : !Files.isReadable(file) ? Optional.of("is not readable by this process: fix its owner or permissions")
                : Optional.empty();
        why.ifPresent(w -> problems.add("the " + what + " " + file + " (" + setting + ") " + w));
        return why.isEmpty();
    }
}
