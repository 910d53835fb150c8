package io.truenasgitops.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a verified webhook says, in provider-neutral terms.
 *
 * @param provider who sent it
 * @param kind push, tag push, ping or something else
 * @param event the event name as the provider sent it (for responses and logs)
 * @param ref the pushed ref ({@code refs/heads/main}), or null when the event has none
 * @param revision the commit after the push, or null
 * @param repository the repository's name as the provider reports it, or null
 * @param deleted whether the push deleted the ref
 */
public record WebhookEvent(
        GitProvider provider, Kind kind, String event, String ref, String revision, String repository, boolean deleted) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The kinds of event the daemon distinguishes. */
    public enum Kind {
        PUSH,
        TAG_PUSH,
        PING,
        OTHER
    }

    /**
     * Reads the event from the headers and raw body of a request whose signature was already checked.
     *
     * @throws IllegalArgumentException when the body is not the JSON (or GitHub form) the headers announce
     */
    public static WebhookEvent parse(HeaderLookup headers, byte[] body, String contentType) {
        GitProvider provider = GitProvider.detect(headers);
        String event = eventName(provider, headers);
        Kind kind = kindOf(provider, event);
        if (kind == Kind.OTHER || kind == Kind.PING) {
            return new WebhookEvent(provider, kind, event, null, null, null, false);
        }
        JsonNode root = readBody(body, contentType);
        if (root == null) {
            // A generic sender may post nothing but the signature of an empty body: "something changed".
            return new WebhookEvent(provider, kind, event, null, null, null, false);
        }
        String ref = text(root, "ref");
        if (provider == GitProvider.GITLAB && "tag_push".equals(text(root, "object_kind"))) {
            kind = Kind.TAG_PUSH;
        }
        if (ref != null && ref.startsWith("refs/tags/")) {
            kind = Kind.TAG_PUSH;
        }
        String after = text(root, "after");
        String checkout = text(root, "checkout_sha");
        String revision = after != null ? after : checkout;
        boolean deleted = root.path("deleted").asBoolean(false) || (after != null && after.matches("0{40}|0{64}"));
        String repository = text(root.path("repository"), "full_name");
        if (repository == null) {
            repository = text(root.path("project"), "path_with_namespace");
        }
        return new WebhookEvent(provider, kind, event, ref, revision, repository, deleted);
    }

    /** Whether this event is a push to {@code branch} ({@code main} or {@code refs/heads/main}). */
    public boolean pushesTo(String branch) {
        if (ref == null) {
            return true;
        }
        String wanted = branch.startsWith("refs/") ? branch : "refs/heads/" + branch;
        return ref.equals(wanted);
    }

    private static String eventName(GitProvider provider, HeaderLookup headers) {
        String name = switch (provider) {
            case FORGEJO -> headers.get("X-Forgejo-Event");
            case GITEA -> headers.get("X-Gitea-Event") != null ? headers.get("X-Gitea-Event") : headers.get("X-Gogs-Event");
            case GITLAB -> headers.get("X-Gitlab-Event");
            case GITHUB -> headers.get("X-GitHub-Event");
            case GENERIC -> headers.get("X-Event");
        };
        return name == null ? "push" : name.strip();
    }

    private static Kind kindOf(GitProvider provider, String event) {
        String e = event.toLowerCase(Locale.ROOT);
        if (provider == GitProvider.GITLAB) {
            // GitLab names events "Push Hook", "Tag Push Hook"; "System Hook" carries pushes for admins.
            return switch (e) {
                case "push hook", "system hook" -> Kind.PUSH;
                case "tag push hook" -> Kind.TAG_PUSH;
                default -> Kind.OTHER;
            };
        }
        return switch (e) {
            case "push" -> Kind.PUSH;
            case "ping" -> Kind.PING;
            default -> Kind.OTHER;
        };
    }

    private static JsonNode readBody(byte[] body, String contentType) {
        if (body.length == 0) {
            return null;
        }
        byte[] json = body;
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            json = formPayload(new String(body, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.UTF_8);
        }
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("the webhook body is not a JSON object");
            }
            return root;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the webhook body is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("the webhook body cannot be read: " + e.getMessage(), e);
        }
    }

    /** GitHub's form content type sends the JSON as the {@code payload} form field. */
    private static String formPayload(String form) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals("payload")) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        throw new IllegalArgumentException("the form-encoded webhook body has no payload field");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asText();
    }
}
