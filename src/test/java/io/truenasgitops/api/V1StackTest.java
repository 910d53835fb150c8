package io.truenasgitops.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.truenasgitops.reconcile.Condition;
import io.truenasgitops.reconcile.HealthStatus;
import io.truenasgitops.reconcile.Reasons;
import io.truenasgitops.reconcile.StackStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code GET /api/v1/stacks} says about image updates: a flag and the condition that explains it. */
class V1StackTest {

    static final Instant NOW = Instant.parse("2026-12-02T04:00:00Z");
    final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());

    StackStatus web(Condition... conditions) {
        StackStatus.Builder b = StackStatus.initial("web", "default", "stacks/web").toBuilder();
        b.conditions = List.of(conditions);
        b.health = HealthStatus.HEALTHY;
        return b.build();
    }

    @Test
    void aStackWithAReportedImageUpdateSaysSoWithTheConditionThatNamesTheImages() {
        StackStatus s = web(new Condition(Condition.READY, Condition.Status.TRUE, Reasons.UP_TO_DATE, "ok", NOW),
                new Condition(Condition.IMAGE_UPDATE_AVAILABLE, Condition.Status.TRUE, Reasons.IMAGE_UPDATE_AVAILABLE,
                        "the NAS reports a newer image under the same tag for nginx:1.27", NOW));

        JsonNode stack = json.valueToTree(V1.Stack.of(s, false));

        assertThat(stack.path("imageUpdateAvailable").asBoolean()).isTrue();
        assertThat(stack.path("ready").asBoolean()).isTrue();
        assertThat(stack.path("conditions").get(1).path("type").asText()).isEqualTo("ImageUpdateAvailable");
        assertThat(stack.path("conditions").get(1).path("status").asText()).isEqualTo("True");
        assertThat(stack.path("conditions").get(1).path("message").asText()).contains("nginx:1.27");
    }

    @Test
    void aClearedOrNeverReportedUpdateIsFalse() {
        StackStatus cleared = web(new Condition(Condition.IMAGE_UPDATE_AVAILABLE, Condition.Status.FALSE,
                Reasons.IMAGES_UP_TO_DATE, "current again", NOW));

        assertThat(json.valueToTree(V1.Stack.of(cleared, false)).path("imageUpdateAvailable").isBoolean()).isTrue();
        assertThat(V1.Stack.of(cleared, false).imageUpdateAvailable()).isFalse();
        assertThat(V1.Stack.of(web(), false).imageUpdateAvailable()).isFalse();
    }
}
