package io.truenasgitops.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.truenasgitops.notify.Payloads;
import io.truenasgitops.reconcile.SyncOptions;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The daemon tells its configured webhook about a stack that breaks in Git, once, signed, and counts it. */
@QuarkusTest
@QuarkusTestResource(value = DaemonTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = NotifyReceiverResource.class, restrictToAnnotatedClass = true)
class NotificationsIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Daemon daemon;

    @Test
    void anInvalidCommitIsToldOnceToTheWebhookSignedAndCounted() throws Exception {
        daemon.reconciler().syncOnce(SyncOptions.all());
        DaemonTestResource.commit("stacks/web/compose.yaml", "services:\n  web:\n    image: [not, a, string]\n",
                "break web");

        daemon.reconciler().syncOnce(SyncOptions.all());
        daemon.reconciler().syncOnce(SyncOptions.all());
        DaemonTestResource.commit("stacks/web/compose.yaml", DaemonTestResource.WEB_COMPOSE, "fix web");
        daemon.reconciler().syncOnce(SyncOptions.all());

        await().until(() -> NotifyReceiverResource.received.size() >= 2);
        assertThat(NotifyReceiverResource.received).extracting(r -> r.headers().get("x-truenas-gitops-event"))
                .containsExactly("stalled", "recovered");
        NotifyReceiverResource.Received stalled = NotifyReceiverResource.received.get(0);
        assertThat(stalled.headers().get("x-truenas-gitops-signature-256")).isEqualTo(Payloads.signature(
                NotifyReceiverResource.SIGNING_KEY.getBytes(StandardCharsets.UTF_8),
                stalled.body().getBytes(StandardCharsets.UTF_8)));
        JsonNode body = JSON.readTree(stalled.body());
        assertThat(body.path("stack").asText()).isEqualTo("web");
        assertThat(body.path("target").asText()).isEqualTo("default");
        assertThat(body.path("reason").asText()).isEqualTo("InvalidStack");
        assertThat(body.path("message").asText()).contains("stacks/web/compose.yaml");
        assertThat(body.path("statusUrl").asText()).isEqualTo("https://gitops.home.test/");
        await().until(() -> given().get("/q/metrics").then().extract().asString()
                .contains("truenas_gitops_notifications_sent_total{target=\"hook\"} 2.0"));
    }
}
