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

    static Map<String, Object> withEnv(Map<String, Object> env, List<Object> command) {
        return Map.of("services", Map.of("web", Map.of("image", "nginx", "environment", env, "command", command)));
    }

    @Test
    void aSecretRotatedAndRenamedInOneChangeStaysMaskedWhereItWasApplied() {
        SecretMasker before = SecretMasker.of(List.of("0ld-s3cr3t"));
        Map<String, Object> applied = withEnv(Map.of("TOKEN", "0ld-s3cr3t"), List.of("run", "--token=0ld-s3cr3t"));
        List<String> paths = LiveMasking.secretPaths(applied, before);
        assertThat(paths).containsExactlyInAnyOrder("services.web.environment.TOKEN", "services.web.command[1]");

        SecretMasker now = SecretMasker.of(List.of("n3w-s3cr3t"));
        Map<String, Object> desired = withEnv(Map.of("API_TOKEN", "n3w-s3cr3t"),
                List.of("--verbose", "run", "--token=n3w-s3cr3t"));

        Map<String, Object> shown = LiveMasking.maskLive(applied, desired, now, paths);
        ComposeDiff diff = ComposeDiff.between(shown, desired, now);

        assertThat(diff.unified()).doesNotContain("0ld-s3cr3t").doesNotContain("n3w-s3cr3t");
        assertThat(diff.changes().toString()).doesNotContain("0ld-s3cr3t");
    }

    @Test
    void withoutRecordedPathsARenamedSecretCouldNotBeFoundWhichIsWhyTheyAreRecorded() {
        SecretMasker now = SecretMasker.of(List.of("n3w-s3cr3t"));
        Map<String, Object> live = withEnv(Map.of("TOKEN", "0ld-s3cr3t"), List.of("run"));
        Map<String, Object> desired = withEnv(Map.of("API_TOKEN", "n3w-s3cr3t"), List.of("run"));

        assertThat(LiveMasking.maskLive(live, desired, now, List.of()).toString()).contains("0ld-s3cr3t");
        assertThat(LiveMasking.maskLive(live, desired, now, List.of("services.web.environment.TOKEN")).toString())
                .doesNotContain("0ld-s3cr3t");
    }

    @Test
    void recordedPathsHoldNoValue() {
        SecretMasker masker = SecretMasker.of(List.of("s3cr3t"));
        assertThat(LiveMasking.secretPaths(compose("s3cr3t"), masker).toString()).doesNotContain("s3cr3t");
        assertThat(LiveMasking.secretPaths(compose("s3cr3t"), SecretMasker.NONE)).isEmpty();
    }

    @Test
    void aSecretRecordedAtAPathAndUnchangedThereIsNotReportedAsAMaskedChange() {
        SecretMasker masker = SecretMasker.of(List.of("k33p-s3cr3t"));
        Map<String, Object> live = Map.of("services", Map.of("web", Map.of("image", "nginx:1.27",
                "environment", Map.of("TOKEN_KEEP", "k33p-s3cr3t", "URL_KEEP", "postgres://u:k33p-s3cr3t@db"))));
        Map<String, Object> desired = Map.of("services", Map.of("web", Map.of("image", "nginx:1.28",
                "environment", Map.of("TOKEN_KEEP", "k33p-s3cr3t", "URL_KEEP", "postgres://u:k33p-s3cr3t@db"))));

        ComposeDiff diff = ComposeDiff.between(LiveMasking.maskLive(live, desired, masker,
                LiveMasking.secretPaths(live, masker)), desired, masker);

        assertThat(diff.changes()).extracting(c -> c.path()).containsExactly("services.web.image");
        assertThat(diff.unified()).doesNotContain("secret value changed").doesNotContain("k33p-s3cr3t");
    }
}
