package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComposeDiffTest {

    static Map<String, Object> compose(String yaml) {
        return ComposeNormalizerTest.load(yaml);
    }

    @Test
    void equivalentComposesHaveNoDiff() {
        ComposeDiff d = ComposeDiff.between(
                compose("services:\n  web:\n    image: a\n    environment: [A=1]\n    ports: ['80:80']\n"),
                Stamps.apply(compose("services:\n  web:\n    ports: [{target: 80, published: 80}]\n    image: a\n"
                        + "    environment: {A: 1}\n"), new Stamp("s", "p", "r", "h")),
                SecretMasker.NONE);
        assertThat(d.isEmpty()).isTrue();
        assertThat(d.unified()).isEmpty();
    }

    @Test
    void changesAreListedByPathWithOldAndNewValues() {
        ComposeDiff d = ComposeDiff.between(
                compose("services:\n  web:\n    image: nginx:1.25\n    environment: {A: '1', GONE: x}\n"),
                compose("services:\n  web:\n    image: nginx:1.27\n    environment: {A: '1', NEW: y}\n"
                        + "  db:\n    image: postgres\n"),
                SecretMasker.NONE);
        assertThat(d.changes()).containsExactly(
                new Change(Change.Kind.ADDED, "services.db", null, Map.of("image", "postgres")),
                new Change(Change.Kind.REMOVED, "services.web.environment.GONE", "x", null),
                new Change(Change.Kind.ADDED, "services.web.environment.NEW", null, "y"),
                new Change(Change.Kind.CHANGED, "services.web.image", "nginx:1.25", "nginx:1.27"));
        assertThat(d.changes().get(3).describe()).isEqualTo("~ services.web.image: \"nginx:1.25\" -> \"nginx:1.27\"");
    }

    @Test
    void theUnifiedDiffShowsLiveAgainstDesiredWithContext() {
        ComposeDiff d = ComposeDiff.between(
                compose("services:\n  web:\n    image: nginx:1.25\n    restart: always\n"),
                compose("services:\n  web:\n    image: nginx:1.27\n    restart: always\n"),
                SecretMasker.NONE);
        assertThat(d.unified()).startsWith("--- live\n+++ desired\n@@ ");
        assertThat(d.unified()).contains("-    image: nginx:1.25\n+    image: nginx:1.27\n");
        assertThat(d.unified()).contains("     restart: always\n");
    }

    @Test
    void secretsAreMaskedInChangesAndInTheUnifiedDiff() {
        SecretMasker masker = SecretMasker.of(List.of("old-secret", "new-secret"));
        ComposeDiff d = ComposeDiff.between(
                compose("services:\n  db:\n    image: p\n    environment: {URL: 'pg://u:old-secret@db'}\n"),
                compose("services:\n  db:\n    image: p\n    environment: {URL: 'pg://u:new-secret@db'}\n"),
                masker);
        // Both sides mask to the same text: the rotation is still a change, reported by path only.
        assertThat(d.isEmpty()).isFalse();
        assertThat(d.changes()).containsExactly(new Change(Change.Kind.CHANGED, "services.db.environment.URL",
                "pg://u:***@db", "pg://u:***@db"));
        assertThat(d.unified()).contains("# secret value changed (masked): services.db.environment.URL");
        assertThat(d.toString()).doesNotContain("old-secret").doesNotContain("new-secret");
    }

    @Test
    void aSecretChangeNextToAVisibleChangeNeverLeaks() {
        SecretMasker masker = SecretMasker.of(List.of("hunter2"));
        ComposeDiff d = ComposeDiff.between(
                compose("services:\n  db:\n    image: p:1\n"),
                compose("services:\n  db:\n    image: p:2\n    environment: {PW: hunter2}\n"),
                masker);
        assertThat(d.changes()).hasSize(2);
        assertThat(d.unified()).contains("PW: '***'").doesNotContain("hunter2");
        assertThat(d.changes()).extracting(Change::describe).noneMatch(s -> s.contains("hunter2"));
    }

    @Test
    void listsAreComparedItemByItem() {
        ComposeDiff d = ComposeDiff.between(
                compose("services:\n  web:\n    image: a\n    command: [a, b]\n"),
                compose("services:\n  web:\n    image: a\n    command: [a, c, d]\n"),
                SecretMasker.NONE);
        assertThat(d.changes()).extracting(Change::path).containsExactly("services.web.command[1]",
                "services.web.command[2]");
    }

    @Test
    void aMissingLiveSideShowsEverythingAsAdded() {
        ComposeDiff d = ComposeDiff.between(null, compose("services:\n  web:\n    image: a\n"), SecretMasker.NONE);
        assertThat(d.changes()).singleElement().satisfies(c -> assertThat(c.kind()).isEqualTo(Change.Kind.ADDED));
        assertThat(d.unified()).contains("+services:");
    }
}
