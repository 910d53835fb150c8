package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NewImagesTest {

    static Map<String, Object> compose(Map<String, Object> services) {
        return Map.of("services", services);
    }

    @Test
    void theImagesTheLiveComposeDoesNotNameAreNewEachOnceInServiceOrder() {
        Map<String, Object> desired = compose(new java.util.LinkedHashMap<>(Map.of()));
        ((Map<String, Object>) desired.get("services")).put("web", Map.of("image", "nginx:1.28"));
        ((Map<String, Object>) desired.get("services")).put("db", Map.of("image", "postgres:16"));
        ((Map<String, Object>) desired.get("services")).put("worker", Map.of("image", "nginx:1.28"));
        Map<String, Object> live = compose(Map.of("web", Map.of("image", "nginx:1.27"),
                "db", Map.of("image", "postgres:16")));

        assertThat(NewImages.of(desired, live)).containsExactly("nginx:1.28");
    }

    @Test
    void everyImageOfAnAppThatDoesNotExistIsNew() {
        assertThat(NewImages.of(compose(Map.of("web", Map.of("image", "nginx:1.27"))), Map.of()))
                .containsExactly("nginx:1.27");
    }

    @Test
    void servicesThatAreNeverPulledAndServicesWithoutAnImageAreLeftOut() {
        Map<String, Object> desired = compose(Map.of(
                "local", Map.of("image", "mine:dev", "pull_policy", "never"),
                "built", Map.of("image", "mine:built", "pull_policy", "build"),
                "bare", Map.of("command", "true")));

        assertThat(NewImages.of(desired, Map.of())).isEmpty();
    }
}
