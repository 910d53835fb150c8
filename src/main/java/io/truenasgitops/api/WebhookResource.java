package io.truenasgitops.api;

import io.truenasgitops.secretfiles.Secrets;
import io.truenasgitops.git.Snapshot;
import io.truenasgitops.reconcile.TriggerReason;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * {@code POST /hooks/git}: a push from GitHub, Gitea, Forgejo, GitLab or any sender of a signed body triggers
 * a fetch and a reconcile pass. {@link WebhookHandler} decides; this resource reads the raw body (capped)
 * and hands valid pushes to the loop.
 */
@Path("/hooks/git")
@Tag(name = "webhooks", description = "Git push notifications")
public class WebhookResource {

    private static final Logger LOG = Logger.getLogger(WebhookResource.class);

    @Inject
    RunningEngine daemon;

    @Inject
    WebhookConfig config;

    @ConfigProperty(name = "truenas-gitops.git.ref")
    Optional<String> gitRef;

    private volatile WebhookHandler handler;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Git push webhook", description = "Verified by X-Hub-Signature-256 (GitHub),"
            + " X-Gitea-Signature / X-Forgejo-Signature, X-Gitlab-Token or X-Signature-256 (generic HMAC-SHA256).")
    @APIResponse(responseCode = "202", description = "A pass was triggered, or the event was ignored (see reason)")
    @APIResponse(responseCode = "200", description = "Ping answered")
    @APIResponse(responseCode = "401", description = "No signature")
    @APIResponse(responseCode = "403", description = "Wrong signature, or no webhook secret configured")
    @APIResponse(responseCode = "413", description = "Body larger than truenas-gitops.webhook.max-payload")
    public Response push(HttpHeaders headers, InputStream body) {
        WebhookHandler h = handler();
        String length = headers.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > h.maxPayload()) {
            throw h.tooLarge(Long.parseLong(length));
        }
        byte[] raw = readCapped(body, h);
        WebhookHandler.Outcome outcome = h.handle(headers::getHeaderString, raw,
                headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
        if (outcome instanceof WebhookHandler.Trigger trigger) {
            daemon.loop().trigger(TriggerReason.WEBHOOK, Optional.empty());
            LOG.infof("%s: fetching and reconciling", trigger.reason());
        } else {
            LOG.debugf("webhook ignored: %s", outcome.body().get("reason"));
        }
        return Response.status(outcome.status()).type(MediaType.APPLICATION_JSON).entity(outcome.body()).build();
    }

    private WebhookHandler handler() {
        WebhookHandler h = handler;
        if (h == null) {
            synchronized (this) {
                if (handler == null) {
                    handler = new WebhookHandler(
                            config.secretFile().map(f -> Secrets.readFile(f, "truenas-gitops.webhook.secret-file")),
                            this::followedBranch, config.maxPayload());
                }
                h = handler;
            }
        }
        return h;
    }

    /** The configured branch, else the configured ref, else the branch the last fetch resolved. */
    private Optional<String> followedBranch() {
        if (config.branch().isPresent()) {
            return config.branch();
        }
        if (gitRef.filter(r -> !r.isBlank()).isPresent()) {
            return gitRef;
        }
        try {
            return daemon.source().lastGood().map(Snapshot::ref).filter(r -> !r.isBlank());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    static byte[] readCapped(InputStream body, WebhookHandler h) {
        try (body) {
            byte[] raw = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, h.maxPayload() + 1));
            if (raw.length > h.maxPayload()) {
                throw h.tooLarge(raw.length);
            }
            return raw;
        } catch (IOException e) {
            // the client hung up mid-body: its problem, not ours; before authentication, so one line at most
            // per HANGUP_LOG_INTERVAL, or anyone could flood the log
            HANGUP_COUNT.incrementAndGet();
            if (HANGUPS.allow(System.nanoTime())) {
                LOG.warnf("a webhook client hung up before sending its whole body (%s)%s", e.getMessage(),
                        HANGUPS.suppressedSinceLast() > 0 ? "; " + HANGUPS.suppressedSinceLast() + " more since the"
                                + " last such line" : "");
            }
            throw ApiProblem.badRequest("the request body ended before its announced length");
        }
    }

    private static final java.util.concurrent.atomic.AtomicLong HANGUP_COUNT = new java.util.concurrent.atomic.AtomicLong();

    /** How many webhook clients hung up mid-body since start. */
    public static long hangups() {
        return HANGUP_COUNT.get();
    }

    /** At most one log line per minute about clients that hang up mid-body. */
    static final LogThrottle HANGUPS = new LogThrottle(java.time.Duration.ofMinutes(1));
}
