package io.truenasgitops.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each HTTP service gets the request its API documents, checked on a receiver on 127.0.0.1. */
class HttpTargetsIT {

    static final ObjectMapper JSON = new ObjectMapper();

    Receiver receiver;
    Receiver other;
    final RecordingMetrics metrics = new RecordingMetrics();
    Dispatcher dispatcher;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        receiver.close();
        if (other != null) {
            other.close();
        }
    }

    Receiver.Request deliver(TargetSettings target) {
        dispatcher = Samples.dispatcher(metrics, 3, target);
        dispatcher.submit(Samples.applyFailed());
        await().until(() -> metrics.delivered(target.name()) == 1);
        assertThat(receiver.requests).hasSize(1);
        return receiver.requests.get(0);
    }

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void aWebhookGetsTheDocumentedJsonSignedWithHmacSha256OfItsExactBody() throws Exception {
        Receiver.Request r = deliver(Samples.http("hook", ChannelType.WEBHOOK, receiver.url("/hooks/gitops"), null,
                null, null, new Secret("webhook-signing-key")));

        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.rawPath()).isEqualTo("/hooks/gitops");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.header("User-Agent")).isEqualTo("truenas-gitops");
        assertThat(r.header("X-TrueNAS-GitOps-Event")).isEqualTo("apply-failed");
        assertThat(r.header("X-TrueNAS-GitOps-Delivery")).isEqualTo(Samples.ID);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("webhook-signing-key".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertThat(r.header("X-TrueNAS-GitOps-Signature-256")).isEqualTo("sha256="
                + HexFormat.of().formatHex(mac.doFinal(r.body().getBytes(StandardCharsets.UTF_8))));
        assertThat(json(r.body())).isEqualTo(json("""
                {"id": "%s", "time": "2026-11-26T06:00:00Z", "kind": "apply-failed", "severity": "error",
                 "title": "apply failed: stack 'media' on nas1", "stack": "media", "target": "nas1",
                 "revision": "%s", "commitUrl": "%s", "reason": "JobFailed", "message": %s,
                 "statusUrl": "https://gitops.home.test/", "reminder": false, "recoveredFrom": null}
                """.formatted(Samples.ID, Samples.REVISION, Samples.COMMIT, JSON.writeValueAsString(Samples.MESSAGE))));
    }

    @Test
    void aWebhookWithoutSigningKeyIsNotSigned() {
        Receiver.Request r = deliver(Samples.http("hook", ChannelType.WEBHOOK, receiver.url("/hook"), null, null,
                null, null));

        assertThat(r.header("X-TrueNAS-GitOps-Signature-256")).isNull();
        assertThat(r.header("X-TrueNAS-GitOps-Event")).isEqualTo("apply-failed");
    }

    @Test
    void ntfyGetsAJsonPublishWithTopicPriorityTagsClickAndTheAccessToken() throws Exception {
        Receiver.Request r = deliver(Samples.http("phone", ChannelType.NTFY, receiver.url("/"), new Secret("tk_abc123"),
                "homelab-alerts", null, null));

        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.rawPath()).isEqualTo("/");
        assertThat(r.header("Authorization")).isEqualTo("Bearer tk_abc123");
        assertThat(json(r.body())).isEqualTo(json("""
                {"topic": "homelab-alerts", "title": "apply failed: stack 'media' on nas1", "message": %s,
                 "priority": 4, "tags": ["rotating_light", "apply-failed"], "click": "https://gitops.home.test/"}
                """.formatted(JSON.writeValueAsString(Samples.TEXT))));
    }

    @Test
    void gotifyGetsAMessageWithTheApplicationTokenInItsHeader() throws Exception {
        Receiver.Request r = deliver(Samples.http("gotify", ChannelType.GOTIFY, receiver.url("/gotify"),
                new Secret("AppTokenX1"), null, null, null));

        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.rawPath()).isEqualTo("/gotify/message");
        assertThat(r.header("X-Gotify-Key")).isEqualTo("AppTokenX1");
        assertThat(json(r.body())).isEqualTo(json("""
                {"title": "apply failed: stack 'media' on nas1", "message": %s, "priority": 8,
                 "extras": {"client::display": {"contentType": "text/plain"},
                            "client::notification": {"click": {"url": "https://gitops.home.test/"}}}}
                """.formatted(JSON.writeValueAsString(Samples.TEXT))));
    }

    @Test
    void discordGetsOneEmbedThatPingsNobody() throws Exception {
        Receiver.Request r = deliver(Samples.http("discord", ChannelType.DISCORD,
                receiver.url("/api/webhooks/123/token-abc"), null, null, null, null));

        assertThat(r.rawPath()).isEqualTo("/api/webhooks/123/token-abc");
        assertThat(json(r.body())).isEqualTo(json("""
                {"username": "truenas-gitops", "allowed_mentions": {"parse": []},
                 "embeds": [{"title": "apply failed: stack 'media' on nas1", "description": %s,
                   "url": "https://gitops.home.test/", "color": 13706287,
                   "fields": [{"name": "Stack", "value": "media", "inline": true},
                              {"name": "NAS", "value": "nas1", "inline": true},
                              {"name": "Revision", "value": "[4f0eadd1c9d1](%s)", "inline": true},
                              {"name": "Reason", "value": "JobFailed", "inline": true}],
                   "timestamp": "2026-11-26T06:00:00Z"}]}
                """.formatted(JSON.writeValueAsString(Samples.MESSAGE), Samples.COMMIT)));
    }

    @Test
    void slackGetsAFallbackTextAndBlocksWithLinks() throws Exception {
        Receiver.Request r = deliver(Samples.http("slack", ChannelType.SLACK, receiver.url("/services/T0/B0/xyz"),
                null, null, null, null));

        assertThat(json(r.body())).isEqualTo(json("""
                {"text": %s,
                 "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": %s}},
                            {"type": "context", "elements": [{"type": "mrkdwn", "text": %s}]}]}
                """.formatted(JSON.writeValueAsString("apply failed: stack 'media' on nas1: " + Samples.MESSAGE),
                JSON.writeValueAsString("*apply failed: stack 'media' on nas1*\n" + Samples.MESSAGE),
                JSON.writeValueAsString("stack `media` · NAS `nas1` · revision <" + Samples.COMMIT + "|4f0eadd1c9d1> · reason"
                        + " `JobFailed` · <https://gitops.home.test/|status page>"))));
    }

    @Test
    void matrixGetsAPutOfANoticeWithTheNotificationIdAsTransactionId() throws Exception {
        Receiver.Request r = deliver(Samples.http("matrix", ChannelType.MATRIX, receiver.url("/"),
                new Secret("syt_access_token"), null, "!ops:example.org", null));

        assertThat(r.method()).isEqualTo("PUT");
        assertThat(r.rawPath()).isEqualTo("/_matrix/client/v3/rooms/%21ops%3Aexample.org/send/m.room.message/"
                + Samples.ID);
        assertThat(r.header("Authorization")).isEqualTo("Bearer syt_access_token");
        String title = "apply failed: stack 'media' on nas1";
        assertThat(json(r.body())).isEqualTo(json("""
                {"msgtype": "m.notice", "body": %s, "format": "org.matrix.custom.html", "formatted_body": %s}
                """.formatted(JSON.writeValueAsString(title + "\n" + Samples.TEXT),
                JSON.writeValueAsString("<strong>" + title + "</strong><br>" + Samples.TEXT
                        .replace("\n", "<br>")))));
    }

    @Test
    void aRateLimitedRequestIsRetriedAfterTheWaitTheServiceAsksFor() {
        receiver.answer(429, Map.of("Retry-After", "0"), "{\"message\": \"You are being rate limited.\"}");
        TargetSettings t = Samples.http("discord", ChannelType.DISCORD, receiver.url("/api/webhooks/1/t"), null, null,
                null, null);
        dispatcher = Samples.dispatcher(metrics, 3, t);

        dispatcher.submit(Samples.applyFailed());

        await().until(() -> metrics.delivered("discord") == 1);
        assertThat(receiver.requests).hasSize(2);
        assertThat(receiver.requests.get(1).body()).isEqualTo(receiver.requests.get(0).body());
        assertThat(metrics.failures("discord")).isZero();
    }

    @Test
    void theWaitOfARateLimitIsReadFromTheHeaderOrTheBody() {
        assertThat(HttpSender.retryAfter(response(Map.of("Retry-After", "7"), ""))).isEqualTo(Duration.ofSeconds(7));
        assertThat(HttpSender.retryAfter(response(Map.of(), "{\"errcode\":\"M_LIMIT_EXCEEDED\",\"retry_after_ms\":2500}")))
                .isEqualTo(Duration.ofMillis(2500));
        assertThat(HttpSender.retryAfter(response(Map.of(), "{\"retry_after\": 1.5, \"global\": false}")))
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(HttpSender.retryAfter(response(Map.of(), "{}"))).isNull();
    }

    @Test
    void aServerThatKeepsFailingIsGivenUpAfterTheLastAttemptAndCountedAsAFailure() {
        receiver.answer(503, Map.of(), "").answer(502, Map.of(), "").answer(500, Map.of(), "");
        TargetSettings t = Samples.http("hook", ChannelType.WEBHOOK, receiver.url("/hook"), null, null, null, null);
        dispatcher = Samples.dispatcher(metrics, 3, t);

        dispatcher.submit(Samples.applyFailed());

        await().until(() -> metrics.failures("hook") == 1);
        assertThat(receiver.requests).hasSize(3);
        assertThat(metrics.delivered("hook")).isZero();
    }

    @Test
    void aRefusedTokenIsNotRetriedAndNeverShownInTheError() {
        receiver.answer(401, Map.of(), "{\"error\": \"token tk_wrong_one is not valid\"}");
        TargetSettings t = Samples.http("phone", ChannelType.NTFY, receiver.url("/"), new Secret("tk_wrong_one"),
                "alerts", null, null);
        try (HttpChannel channel = new HttpChannel(t, Duration.ofSeconds(5))) {
            SendResult r = channel.send(Samples.applyFailed());

            assertThat(r).isInstanceOf(SendResult.Rejected.class);
            assertThat(((SendResult.Rejected) r).why()).isEqualTo("HTTP 401: {\"error\": \"token *** is not valid\"}");
        }
        assertThat(receiver.requests).hasSize(1);
    }

    @Test
    void aTargetThatHangsDelaysNoOtherTarget() throws Exception {
        other = new Receiver();
        receiver.hang();
        TargetSettings slow = Samples.http("slow", ChannelType.WEBHOOK, receiver.url("/hook"), null, null, null, null);
        TargetSettings fast = Samples.http("fast", ChannelType.WEBHOOK, other.url("/hook"), null, null, null, null);
        dispatcher = Samples.dispatcher(metrics, 3, slow, fast);

        dispatcher.submit(Samples.applyFailed());
        dispatcher.submit(Samples.recovered());

        await().until(() -> metrics.delivered("fast") == 2);
        assertThat(receiver.requests).hasSize(1);
        assertThat(metrics.delivered("slow")).isZero();
        receiver.release();
        await().until(() -> metrics.delivered("slow") == 2);
    }

    @Test
    void eachTargetGetsOnlyWhatItsFilterAccepts() throws Exception {
        other = new Receiver();
        TargetSettings errorsOnly = new TargetSettings("pager", ChannelType.WEBHOOK,
                new NotificationFilter(java.util.List.of(), java.util.Set.of(), Severity.ERROR), receiver.url("/h"),
                false, null, null, null, null, null, null);
        TargetSettings otherStacks = new TargetSettings("team", ChannelType.WEBHOOK,
                new NotificationFilter(java.util.List.of("nextcloud-*"), java.util.Set.of(), Severity.INFO),
                other.url("/h"), false, null, null, null, null, null, null);
        dispatcher = Samples.dispatcher(metrics, 3, errorsOnly, otherStacks);

        dispatcher.submit(Samples.applyFailed());
        dispatcher.submit(Samples.recovered());

        await().until(() -> metrics.delivered("pager") == 2);
        assertThat(receiver.requests).extracting(q -> q.header("X-TrueNAS-GitOps-Event"))
                .containsExactly("apply-failed", "recovered");
        assertThat(other.requests).isEmpty();
    }

    static java.net.http.HttpResponse<String> response(Map<String, String> headers, String body) {
        return new java.net.http.HttpResponse<>() {
            public int statusCode() {
                return 429;
            }

            public java.net.http.HttpRequest request() {
                return null;
            }

            public java.util.Optional<java.net.http.HttpResponse<String>> previousResponse() {
                return java.util.Optional.empty();
            }

            public java.net.http.HttpHeaders headers() {
                java.util.Map<String, java.util.List<String>> m = new java.util.HashMap<>();
                headers.forEach((k, v) -> m.put(k, java.util.List.of(v)));
                return java.net.http.HttpHeaders.of(m, (a, b) -> true);
            }

            public String body() {
                return body;
            }

            public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
                return java.util.Optional.empty();
            }

            public URI uri() {
                return null;
            }

            public java.net.http.HttpClient.Version version() {
                return java.net.http.HttpClient.Version.HTTP_1_1;
            }
        };
    }
}
