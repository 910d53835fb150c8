package io.truenasgitops.notify;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One notification target, as configured under {@code truenas-gitops.notify.targets.<name>.*}.
 *
 * @param name its name in the configuration (and in metrics and logs)
 * @param type the service
 * @param filter what it wants to hear about
 * @param url the service's URL: the ntfy or Gotify server, the Matrix homeserver, or the Discord, Slack or
 *     webhook URL; null for email
 * @param urlIsSecret whether the URL carries a token (read from {@code url-file}): never shown then
 * @param token ntfy access token, Gotify application token or Matrix access token, or null
 * @param topic the ntfy topic
 * @param room the Matrix room id ({@code !abc:example.org})
 * @param signingSecret the webhook's HMAC-SHA256 key, or null for unsigned webhooks
 * @param email the SMTP settings of an email target, else null
 * @param caFile a PEM file of the CA (or self-signed certificate) to trust for this target, or null for the JVM's
 */
public record TargetSettings(String name, ChannelType type, NotificationFilter filter, URI url, boolean urlIsSecret,
        Secret token, String topic, String room, Secret signingSecret, EmailSettings email, Path caFile) {

    public TargetSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        filter = filter == null ? NotificationFilter.all() : filter;
    }

    /** The secrets of this target, to be masked in every message. */
    public List<Secret> secrets() {
        List<Secret> out = new ArrayList<>();
        if (token != null) {
            out.add(token);
        }
        if (signingSecret != null) {
            out.add(signingSecret);
        }
        if (email != null && email.password() != null) {
            out.add(email.password());
        }
        if (url != null && urlIsSecret) {
            out.add(new Secret(url.toString()));
            if (url.getRawPath() != null && url.getRawPath().length() > 1) {
                out.add(new Secret(url.getRawPath()));
            }
            if (url.getRawQuery() != null) {
                out.add(new Secret(url.getRawQuery()));
            }
        }
        return out;
    }

    /** How logs name the target: its name, type and host, never a path or token. */
    public String describe() {
        String where = email != null ? email.host() + ":" + email.port()
                : url == null ? "?" : url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
        return "'" + name + "' (" + type.label() + ", " + where + ")";
    }

    /**
     * What is missing for this target's type, one line each; empty when it can send.
     */
    public List<String> problems() {
        String key = "truenas-gitops.notify.targets." + name + ".";
        List<String> out = new ArrayList<>();
        if (type != ChannelType.EMAIL) {
            if (url == null) {
                out.add("notification target '" + name + "' (" + type.label() + ") has no URL: set " + key + "url"
                        + (type == ChannelType.DISCORD || type == ChannelType.SLACK ? "-file (the URL holds a token)"
                                : " (or " + key + "url-file)"));
            } else if (!"https".equalsIgnoreCase(url.getScheme()) && !"http".equalsIgnoreCase(url.getScheme())) {
                out.add("notification target '" + name + "': the URL must start with https:// or http://");
            }
        }
        switch (type) {
            case NTFY -> {
                if (topic == null || topic.isBlank()) {
                    out.add("notification target '" + name + "' (ntfy) has no topic: set " + key + "topic");
                }
            }
            case GOTIFY -> {
                if (token == null) {
                    out.add("notification target '" + name + "' (gotify) has no application token: set " + key
                            + "token-file");
                }
            }
            case MATRIX -> {
                if (token == null) {
                    out.add("notification target '" + name + "' (matrix) has no access token: set " + key + "token-file");
                }
                if (room == null || room.isBlank()) {
                    out.add("notification target '" + name + "' (matrix) has no room: set " + key
                            + "room (a room id such as !abc:example.org)");
                }
            }
            case EMAIL -> {
                if (email == null || email.host() == null || email.host().isBlank()) {
                    out.add("notification target '" + name + "' (email) has no SMTP server: set " + key + "smtp-host");
                } else {
                    if (email.from() == null || email.from().isBlank() || email.to().isEmpty()) {
                        out.add("notification target '" + name + "' (email) needs a sender and recipients: set " + key
                                + "from and " + key + "to");
                    }
                    if (email.password() != null && email.security() == EmailSettings.SmtpSecurity.NONE) {
                        out.add("notification target '" + name + "' (email): a password is never sent without TLS; set "
                                + key + "smtp-security to starttls or tls");
                    }
                }
            }
            default -> {
                // discord, slack and webhook need only their URL
            }
        }
        return out;
    }
}
