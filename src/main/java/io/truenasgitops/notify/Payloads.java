package io.truenasgitops.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The request each HTTP service gets for a notification: what ntfy, Gotify, Discord, Slack, Matrix and the
 * generic webhook expect, built from the same facts. Pure.
 */
public final class Payloads {

    /** The webhook header naming the kind ({@code apply-failed}, ...). */
    public static final String EVENT_HEADER = "X-TrueNAS-GitOps-Event";
    /** The webhook header with the notification's id, the same on every retry. */
    public static final String DELIVERY_HEADER = "X-TrueNAS-GitOps-Delivery";
    /** The webhook header with {@code sha256=<hex HMAC-SHA256 of the body>}, when a signing secret is set. */
    public static final String SIGNATURE_HEADER = "X-TrueNAS-GitOps-Signature-256";

    static final String USER_AGENT = "truenas-gitops";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DISCORD_TITLE_MAX = 256;
    private static final int DISCORD_DESCRIPTION_MAX = 4096;

    private Payloads() {}

    /** The request for {@code n} to the HTTP target {@code t}. */
    public static HttpCall request(TargetSettings t, Notification n) {
        return switch (t.type()) {
            case NTFY -> ntfy(t, n);
            case GOTIFY -> gotify(t, n);
            case DISCORD -> discord(t, n);
            case SLACK -> slack(t, n);
            case MATRIX -> matrix(t, n);
            case WEBHOOK -> webhook(t, n);
            case EMAIL -> throw new IllegalArgumentException("email is not sent over HTTP");
        };
    }

    /** The plain-text body shared by ntfy, Gotify, Matrix and email: the message, then one fact per line. */
    public static String text(Notification n) {
        StringBuilder b = new StringBuilder(n.message());
        b.append("\n");
        if (n.stack() != null) {
            b.append("\nstack: ").append(n.stack());
        }
        if (n.target() != null) {
            b.append("\nNAS: ").append(n.target());
        }
        if (n.revision() != null) {
            b.append("\nrevision: ").append(n.shortRevision());
            if (n.commitUrl() != null) {
                b.append(" (").append(n.commitUrl()).append(")");
            }
        }
        b.append("\nreason: ").append(n.reason());
        if (n.statusUrl() != null) {
            b.append("\nstatus page: ").append(n.statusUrl());
        }
        return b.toString();
    }

    /** The generic webhook's JSON body (documented in docs/operations.md). */
    public static ObjectNode webhookBody(Notification n) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", n.id());
        o.put("time", n.time().toString());
        o.put("kind", n.kind().label());
        o.put("severity", n.severity().label());
        o.put("title", n.title());
        o.put("stack", n.stack());
        o.put("target", n.target());
        o.put("revision", n.revision());
        o.put("commitUrl", n.commitUrl());
        o.put("reason", n.reason());
        o.put("message", n.message());
        o.put("statusUrl", n.statusUrl());
        o.put("reminder", n.reminder());
        o.put("recoveredFrom", n.recoveredFrom() == null ? null : n.recoveredFrom().label());
        return o;
    }

    /** {@code sha256=} and the lower-case hex HMAC-SHA256 of {@code body} under {@code key}. */
    public static String signature(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("the JVM cannot compute HMAC-SHA256", e);
        }
    }

    static HttpCall webhook(TargetSettings t, Notification n) {
        byte[] body = bytes(webhookBody(n));
        Map<String, String> h = json();
        h.put(EVENT_HEADER, n.kind().label());
        h.put(DELIVERY_HEADER, n.id());
        if (t.signingSecret() != null) {
            h.put(SIGNATURE_HEADER, signature(t.signingSecret().reveal().getBytes(StandardCharsets.UTF_8), body));
        }
        return new HttpCall("POST", t.url(), h, body);
    }

    static HttpCall ntfy(TargetSettings t, Notification n) {
        ObjectNode o = JSON.createObjectNode();
        o.put("topic", t.topic());
        o.put("title", n.title());
        o.put("message", text(n));
        o.put("priority", switch (n.severity()) {
            case ERROR -> 4;
            case WARNING -> 3;
            case INFO -> 2;
        });
        ArrayNode tags = o.putArray("tags");
        tags.add(switch (n.severity()) {
            case ERROR -> "rotating_light";
            case WARNING -> "warning";
            case INFO -> n.kind() == NotificationKind.RECOVERED ? "white_check_mark" : "information_source";
        });
        tags.add(n.kind().label());
        String click = link(n);
        if (click != null) {
            o.put("click", click);
        }
        Map<String, String> h = json();
        if (t.token() != null) {
            h.put("Authorization", "Bearer " + t.token().reveal());
        }
        // publishing as JSON goes to the server's URL itself, the topic is in the body
        return new HttpCall("POST", t.url(), h, bytes(o));
    }

    static HttpCall gotify(TargetSettings t, Notification n) {
        ObjectNode o = JSON.createObjectNode();
        o.put("title", n.title());
        o.put("message", text(n));
        o.put("priority", switch (n.severity()) {
            case ERROR -> 8;
            case WARNING -> 5;
            case INFO -> 2;
        });
        ObjectNode extras = o.putObject("extras");
        extras.putObject("client::display").put("contentType", "text/plain");
        String click = link(n);
        if (click != null) {
            extras.putObject("client::notification").putObject("click").put("url", click);
        }
        Map<String, String> h = json();
        h.put("X-Gotify-Key", t.token().reveal());
        return new HttpCall("POST", resolve(t.url(), "message"), h, bytes(o));
    }

    static HttpCall discord(TargetSettings t, Notification n) {
        ObjectNode o = JSON.createObjectNode();
        o.put("username", USER_AGENT);
        o.putObject("allowed_mentions").putArray("parse"); // a message never pings anyone
        ObjectNode embed = o.putArray("embeds").addObject();
        embed.put("title", cut(n.title(), DISCORD_TITLE_MAX));
        embed.put("description", cut(n.message(), DISCORD_DESCRIPTION_MAX));
        if (n.statusUrl() != null) {
            embed.put("url", n.statusUrl());
        }
        embed.put("color", color(n));
        ArrayNode fields = embed.putArray("fields");
        if (n.stack() != null) {
            field(fields, "Stack", n.stack());
        }
        if (n.target() != null) {
            field(fields, "NAS", n.target());
        }
        if (n.revision() != null) {
            field(fields, "Revision", n.commitUrl() != null ? "[" + n.shortRevision() + "](" + n.commitUrl() + ")"
                    : n.shortRevision());
        }
        field(fields, "Reason", n.reason());
        embed.put("timestamp", n.time().toString());
        return new HttpCall("POST", t.url(), json(), bytes(o));
    }

    static HttpCall slack(TargetSettings t, Notification n) {
        ObjectNode o = JSON.createObjectNode();
        o.put("text", n.title() + ": " + n.message());
        ArrayNode blocks = o.putArray("blocks");
        ObjectNode section = blocks.addObject();
        section.put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", "*" + slackEscape(n.title()) + "*\n"
                + slackEscape(n.message()));
        StringBuilder facts = new StringBuilder();
        if (n.stack() != null) {
            facts.append("stack `").append(slackEscape(n.stack())).append("` · ");
        }
        if (n.target() != null) {
            facts.append("NAS `").append(slackEscape(n.target())).append("` · ");
        }
        if (n.revision() != null) {
            facts.append("revision ").append(n.commitUrl() != null ? "<" + n.commitUrl() + "|" + n.shortRevision() + ">"
                    : "`" + n.shortRevision() + "`").append(" · ");
        }
        facts.append("reason `").append(slackEscape(n.reason())).append("`");
        if (n.statusUrl() != null) {
            facts.append(" · <").append(n.statusUrl()).append("|status page>");
        }
        ObjectNode context = blocks.addObject();
        context.put("type", "context");
        context.putArray("elements").addObject().put("type", "mrkdwn").put("text", facts.toString());
        return new HttpCall("POST", t.url(), json(), bytes(o));
    }

    static HttpCall matrix(TargetSettings t, Notification n) {
        ObjectNode o = JSON.createObjectNode();
        o.put("msgtype", "m.notice");
        o.put("body", n.title() + "\n" + text(n));
        o.put("format", "org.matrix.custom.html");
        o.put("formatted_body", "<strong>" + html(n.title()) + "</strong><br>" + html(text(n)).replace("\n", "<br>"));
        Map<String, String> h = json();
        h.put("Authorization", "Bearer " + t.token().reveal());
        // the notification id is the transaction id: a retry of a request that did arrive is not posted twice
        URI uri = resolve(t.url(), "_matrix/client/v3/rooms/" + pathSegment(t.room()) + "/send/m.room.message/"
                + pathSegment(n.id()));
        return new HttpCall("PUT", uri, h, bytes(o));
    }

    private static String link(Notification n) {
        return n.statusUrl() != null ? n.statusUrl() : n.commitUrl();
    }

    private static int color(Notification n) {
        if (n.kind() == NotificationKind.RECOVERED || n.kind() == NotificationKind.DRIFT_HEALED) {
            return 0x2EA043;
        }
        return switch (n.severity()) {
            case ERROR -> 0xD1242F;
            case WARNING -> 0xD4A72C;
            case INFO -> 0x0969DA;
        };
    }

    private static void field(ArrayNode fields, String name, String value) {
        fields.addObject().put("name", name).put("value", cut(value, 1024)).put("inline", true);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static String slackEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String pathSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static URI resolve(URI base, String path) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b : b + "/") + path);
    }

    private static Map<String, String> json() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        return h;
    }

    private static byte[] bytes(ObjectNode o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a notification", e);
        }
    }
}
