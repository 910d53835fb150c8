package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.compose.ComposeDiff;
import io.truenasgitops.compose.SecretMasker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A rotated secret's old value, still live on the NAS, never shows in a diff. */
class LiveMaskingTest {

    static Map<String, Object> compose(String token) {
        return Map.of("services", Map.of("web", Map.of("image", "nginx", "environment", Map.of("TOKEN", token),
                "command", List.of("run", "--token=" + token))));
    }

    @Test
    void theOldValueOfARotatedSecretIsMaskedOnTheLiveSide() {
        SecretMasker masker = SecretMasker.of(List.of("n3w-s3cr3t"));
        Map<String, Object> live = compose("0ld-s3cr3t");
        Map<String, Object> desired = compose("n3w-s3cr3t");

        ComposeDiff diff = ComposeDiff.between(LiveMasking.maskLive(live, desired, masker), desired, masker);

        assertThat(diff.isEmpty()).isFalse();
        assertThat(diff.unified()).doesNotContain("0ld-s3cr3t").doesNotContain("n3w-s3cr3t");
        assertThat(live).isEqualTo(compose("0ld-s3cr3t"));
    }

    @Test
    void anUnchangedSecretAndPlainValuesAreLeftAsTheyAre() {
        SecretMasker masker = SecretMasker.of(List.of("s3cr3t"));
        Map<String, Object> live = compose("s3cr3t");

        assertThat(LiveMasking.maskLive(live, compose("s3cr3t"), masker)).isEqualTo(live);
        assertThat(ComposeDiff.between(LiveMasking.maskLive(live, compose("s3cr3t"), masker), compose("s3cr3t"), masker)
                .isEmpty()).isTrue();
    }
}
