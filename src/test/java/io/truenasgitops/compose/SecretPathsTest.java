package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a compose holds secrets, recorded in its stamp: positions only, read back from the live config. */
class SecretPathsTest {

    static final SecretMasker MASKER = SecretMasker.of(List.of("s3cr3t-9911", "5432"));

    static Map<String, Object> compose() {
        return Map.of("services", Map.of("web", Map.of("image", "nginx",
                "environment", Map.of("TOKEN", "s3cr3t-9911", "PLAIN", "x"),
                "command", List.of("run", "--token=s3cr3t-9911"),
                "labels", Map.of("key-s3cr3t-9911", "v"),
                "ports", List.of(5432))));
    }

    @Test
    void theStampRecordsWhereSecretsAreAndReadsThemBackWithoutAnyValue() {
        RenderedCompose rendered = new RenderedCompose(compose(), ContentHash.of(compose()), MASKER);

        Map<String, Object> sent = rendered.stamped("https://git.example/r.git", "stacks/web", "abc");
        Stamp back = Stamps.read(sent).orElseThrow();

        assertThat(back.secretPaths()).containsExactlyInAnyOrder("services.web.environment.TOKEN",
                "services.web.command[1]", "services.web.labels", "services.web.ports[0]");
        assertThat(sent.get(Stamp.KEY).toString()).doesNotContain("s3cr3t-9911").doesNotContain("5432");
    }

    @Test
    void aStackWithoutSecretsStampsAsBeforeAndAHandEditedListIsOnlyIgnored() {
        Map<String, Object> sent = new RenderedCompose(compose(), "h", SecretMasker.NONE).stamped("s", "p", "r");
        assertThat(((Map<?, ?>) sent.get(Stamp.KEY)).keySet()).extracting(String::valueOf).containsExactlyInAnyOrder("hash", "path", "revision", "source");

        Map<String, Object> edited = new java.util.HashMap<>(sent);
        edited.put(Stamp.KEY, Map.of("hash", "h", "path", "p", "revision", "r", "source", "s", "secrets", "oops"));
        assertThat(Stamps.read(edited)).hasValueSatisfying(s -> assertThat(s.secretPaths()).isEmpty());
    }
}
