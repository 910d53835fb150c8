package io.truenasgitops.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Notifications of state changes (failed applies, drift, an unreachable NAS, ...): {@code truenas-gitops.notify.*},
 * mapped to {@link io.truenasgitops.notify.NotifySettings} by {@link Notifications}.
 */
@ConfigMapping(prefix = "truenas-gitops.notify")
public interface NotifyConfig extends DeliveryConfig {

    /** The daemon's status page as people reach it ({@code https://gitops.home.lan/}), linked from every message. */
    Optional<String> statusUrl();

    /** How often a problem that lasts is told again; {@code 0s}: never. */
    @WithDefault("6h")
    Duration reminderInterval();

    /**
     * A commit link for a Git host not recognised by name, with {@code {host}}, {@code {repo}} and {@code {revision}}:
     * {@code https://git.home.lan/{repo}/commit/{revision}}.
     */
    Optional<String> commitUrlTemplate();

    /** The targets by name. */
    Map<String, Target> targets();

    /** One place messages go. */
    interface Target {

        /** {@code ntfy}, {@code gotify}, {@code discord}, {@code slack}, {@code matrix}, {@code email} or {@code webhook}. */
        Optional<String> type();

        /** The ntfy or Gotify server, the Matrix homeserver, or the webhook URL (without a token in it). */
        Optional<String> url();

        /** A file holding the URL when it carries a token (Discord, Slack, some webhooks); never logged. */
        Optional<Path> urlFile();

        /** A file holding the ntfy access token, Gotify application token or Matrix access token. */
        Optional<Path> tokenFile();

        /** The ntfy topic. */
        Optional<String> topic();

        /** The Matrix room id ({@code !abc123:example.org}). */
        Optional<String> room();

        /** A file holding the webhook's HMAC-SHA256 signing key; without it webhooks are not signed. */
        Optional<Path> secretFile();

        /** A PEM file with the CA (or self-signed certificate) to trust for this target instead of the JVM's CAs. */
        Optional<Path> caFile();

        /** The SMTP server of an email target. */
        Optional<String> smtpHost();

        /** Its port: 587 for STARTTLS, 465 for TLS. */
        @WithDefault("587")
        int smtpPort();

        /** {@code starttls}, {@code tls} (SMTPS) or {@code none} (a local relay only; no password then). */
        @WithDefault("starttls")
        String smtpSecurity();

        /** The SMTP login. */
        Optional<String> username();

        /** A file holding the SMTP password. */
        Optional<Path> passwordFile();

        /** The sender address. */
        Optional<String> from();

        /** The recipients, comma-separated. */
        Optional<List<String>> to();

        /** Only these stacks (names or globs such as {@code media-*}); NAS and Git source messages still pass. */
        Optional<List<String>> stacks();

        /** Only these kinds ({@code apply-failed}, {@code stalled}, ...; see docs/operations.md). */
        Optional<List<String>> kinds();

        /** The lowest severity sent: {@code info}, {@code warning} or {@code error}. */
        @WithDefault("info")
        String minSeverity();
    }
}
