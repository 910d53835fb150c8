package io.truenasgitops.api;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides what to do with a {@code POST /hooks/git}: reject it (no or wrong signature, oversize, unreadable),
 * ignore it (ping, tag, other branch, other event) or trigger a fetch and a reconcile pass.
 *
 * <p>Pure: no JAX-RS, no engine. The resource feeds it the raw body and acts on the {@link Outcome}.
 */
public final class WebhookHandler {

    private final WebhookSignatures signatures;
    private final Supplier<Optional<String>> branch;
    private final long maxPayload;

    /**
     * @param secret the shared secret; empty disables webhooks (every request is refused)
     * @param branch the branch whose pushes trigger a pass ({@code main} or {@code refs/heads/main})
     * @param maxPayload the largest body accepted, in bytes
     */
    public WebhookHandler(Optional<byte[]> secret, String branch, long maxPayload) {
        this(secret, () -> Optional.of(branch), maxPayload);
    }

    /**
     * @param secret the shared secret; empty disables webhooks (every request is refused)
     * @param branch the branch followed, asked at every request (it may only be known after the first fetch);
     *     empty: pushes to any branch trigger a fetch
     * @param maxPayload the largest body accepted, in bytes
     */
    public WebhookHandler(Optional<byte[]> secret, Supplier<Optional<String>> branch, long maxPayload) {
        this.signatures = secret.map(WebhookSignatures::new).orElse(null);
        this.branch = branch;
        this.maxPayload = maxPayload;
    }

    /** What the daemon does with a webhook, and the JSON it answers with when it is not an error. */
    public sealed interface Outcome permits Trigger, Ignore {
        /** The HTTP status to answer with. */
        int status();

        /** The JSON body to answer with. */
        Map<String, Object> body();
    }

    /** Fetch and reconcile now. */
    public record Trigger(WebhookEvent event) implements Outcome {
        @Override
        public int status() {
            return 202;
        }

        @Override
        public Map<String, Object> body() {
            return WebhookHandler.body("triggered", event, "fetching " + event.provider().id()
                    + (event.ref() == null ? " push" : " push to " + event.ref()) + " and starting a reconcile pass");
        }

        /** The reason handed to the loop (shows in logs and events). */
        public String reason() {
            String rev = event.revision() == null ? "" : " " + abbreviate(event.revision());
            return "webhook: " + event.provider().id() + " push" + rev;
        }
    }

    /** Valid, but nothing to do. */
    public record Ignore(WebhookEvent event, int status, String reason) implements Outcome {
        @Override
        public Map<String, Object> body() {
            return WebhookHandler.body("ignored", event, reason);
        }
    }

    /** Whether a secret is configured (webhooks are refused without one). */
    public boolean enabled() {
        return signatures != null;
    }

    /** The largest body accepted, in bytes. */
    public long maxPayload() {
        return maxPayload;
    }

    /**
     * Verifies and interprets one request.
     *
     * @param body the raw body, exactly as received (the signature covers these bytes)
     * @throws ApiProblem 403 when webhooks are disabled or the signature is wrong, 401 when it is missing,
     *     413 when the body is larger than allowed, 400 when a push body is not readable
     */
    public Outcome handle(HeaderLookup headers, byte[] body, String contentType) {
        if (signatures == null) {
            throw new ApiProblem(403, "webhook-disabled", "Webhooks are disabled",
                    "this daemon has no webhook secret: set truenas-gitops.webhook.secret-file"
                            + " (TRUENAS_GITOPS_WEBHOOK_SECRET_FILE) and configure the same secret on the Git server");
        }
        if (body.length > maxPayload) {
            throw tooLarge(body.length);
        }
        WebhookSignatures.Check check = signatures.verify(headers, body);
        if (check.missing()) {
            throw new ApiProblem(401, "webhook-signature-missing", "Webhook signature missing", check.problem());
        }
        if (!check.valid()) {
            throw new ApiProblem(403, "webhook-signature-invalid", "Webhook signature invalid",
                    check.problem() + "; check that the Git server and the daemon use the same secret");
        }
        WebhookEvent event;
        try {
            event = WebhookEvent.parse(headers, body, contentType);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("cannot read the webhook: " + e.getMessage()
                    + "; set the webhook's content type to application/json");
        }
        Optional<String> followed = branch.get();
        String which = followed.map(b -> "branch " + b).orElse("any branch");
        return switch (event.kind()) {
            case PING -> new Ignore(event, 200, "ping received: the webhook is set up; pushes to "
                    + which + " will trigger a reconcile pass");
            case TAG_PUSH -> new Ignore(event, 202, "tag push ignored: only pushes to " + which + " trigger a pass");
            case OTHER -> new Ignore(event, 202, "event '" + event.event() + "' ignored: only push events trigger a pass");
            case PUSH -> {
                if (followed.isPresent() && !event.pushesTo(followed.get())) {
                    yield new Ignore(event, 202, "push to " + event.ref() + " ignored: this daemon follows " + which);
                }
                if (event.deleted()) {
                    yield new Ignore(event, 202, "push deleted " + event.ref() + ": nothing to fetch");
                }
                yield new Trigger(event);
            }
        };
    }

    /** The 413 problem for a body of {@code size} bytes (also used before reading, from Content-Length). */
    public ApiProblem tooLarge(long size) {
        return new ApiProblem(413, "webhook-payload-too-large", "Webhook payload too large",
                "the body has " + size + " bytes, more than the " + maxPayload
                        + " allowed; raise truenas-gitops.webhook.max-payload if your pushes are that large");
    }

    private static Map<String, Object> body(String status, WebhookEvent event, String reason) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("status", status);
        body.put("provider", event.provider().id());
        body.put("event", event.event());
        if (event.ref() != null) {
            body.put("ref", event.ref());
        }
        if (event.revision() != null) {
            body.put("revision", event.revision());
        }
        body.put("reason", reason);
        return body;
    }

    private static String abbreviate(String revision) {
        return io.truenasgitops.git.Snapshot.shorten(revision);
    }
}
