package io.truenasgitops.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ComposeImageEditTest {

    private static final String COMPOSE = """
            # the web front
            services:
              web:
                image: nginx:1.25.3   # pinned on purpose
                ports: ["8080:80"]
              db:
                image: 'postgres:16.2'
              cache:
                image: "redis:7.2"

              worker:
                build: .
            """;

    @Test
    void everyServiceImageIsFoundWithItsLine() {
        Map<String, ComposeImageEdit.ServiceImage> images = ComposeImageEdit.images(COMPOSE);
        assertThat(images).containsOnlyKeys("web", "db", "cache");
        assertThat(images.get("web").image()).isEqualTo("nginx:1.25.3");
        assertThat(images.get("web").line()).isEqualTo(4);
        assertThat(images.get("db").line()).isEqualTo(7);
    }

    @Test
    void anEditChangesThatOneScalarAndKeepsCommentsQuotesAndBlankLines() {
        Map<String, ComposeImageEdit.ServiceImage> images = ComposeImageEdit.images(COMPOSE);
        assertThat(ComposeImageEdit.withImage(COMPOSE, images.get("web"), "nginx:1.25.4"))
                .isEqualTo(COMPOSE.replace("nginx:1.25.3", "nginx:1.25.4"));
        assertThat(ComposeImageEdit.withImage(COMPOSE, images.get("db"), "postgres:16.4"))
                .isEqualTo(COMPOSE.replace("'postgres:16.2'", "'postgres:16.4'"));
        assertThat(ComposeImageEdit.withImage(COMPOSE, images.get("cache"), "redis:7.4"))
                .isEqualTo(COMPOSE.replace("\"redis:7.2\"", "\"redis:7.4\""));
    }

    @Test
    void anImageSharedThroughAnAnchorIsNotEdited() {
        String shared = """
                x-app: &app nginx:1.25.3
                services:
                  a:
                    image: *app
                  b:
                    image: &own busybox:1.36
                """;
        Map<String, ComposeImageEdit.ServiceImage> images = ComposeImageEdit.images(shared);
        assertThat(images.get("a").isEditable()).isFalse();
        assertThat(images.get("a").editable()).contains("YAML anchor");
        assertThat(images.get("b").isEditable()).isTrue();
    }

    @Test
    void textBeyondTheBasicPlaneKeepsItsOffsets() {
        String text = "# caf\u00e9 \uD83D\uDE00\nservices:\n  web:\n    image: nginx:1.25.3\n";
        var web = ComposeImageEdit.images(text).get("web");
        assertThat(ComposeImageEdit.withImage(text, web, "nginx:1.25.4")).isEqualTo(text.replace("1.25.3", "1.25.4"));
    }
}
