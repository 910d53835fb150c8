package io.truenasgitops.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageUpdatesTest {

    /** A registry written from the tag lists a test gives; it counts what it was asked. */
    static final class FakeRegistry implements TagSource {
        final Map<String, List<String>> tags;
        final List<String> asked = new ArrayList<>();

        FakeRegistry(Map<String, List<String>> tags) {
            this.tags = tags;
        }

        @Override
        public List<String> tags(ImageRef image) throws RegistryException {
            String key = image.registry() + "/" + image.repository();
            asked.add(key);
            List<String> t = tags.get(key);
            if (t == null) {
                throw new RegistryException(RegistryException.Kind.NOT_FOUND, "registry " + key + " has no such repository");
            }
            return t;
        }
    }

    private static final String COMPOSE = """
            services:
              web:
                image: nginx:1.25.3
              proxy:
                image: nginx:1.25.3
              db:
                image: postgres:16.2
              app:
                image: ${APP_IMAGE}
            """;

    private static ImageUpdates.StackInput stack(String stackYaml) {
        return new ImageUpdates.StackInput("site", "stacks/site/compose.yaml", COMPOSE, "stacks/site/stack.yaml", stackYaml);
    }

    private final FakeRegistry registry = new FakeRegistry(Map.of(
            "docker.io/library/nginx", List.of("1.25.3", "1.25.4", "1.27.0", "latest"),
            "docker.io/library/postgres", List.of("16.2", "16.4", "17.0")));

    @Test
    void aStackWidePolicyMovesEveryServiceWhoseTagItAllowsAndAsksEachRepositoryOnce() {
        ImageUpdates.Result r = ImageUpdates.find(List.of(stack("imagePolicy:\n  semver: \"~1.25 || ^16\"\n")), registry);
        assertThat(r.updates()).extracting(u -> u.service() + " " + u.from() + "->" + u.to())
                .containsExactly("web 1.25.3->1.25.4", "proxy 1.25.3->1.25.4", "db 16.2->16.4");
        assertThat(registry.asked).containsExactly("docker.io/library/nginx", "docker.io/library/postgres");
        assertThat(ImageUpdates.apply(COMPOSE, r.updates())).isEqualTo(COMPOSE.replace("nginx:1.25.3", "nginx:1.25.4")
                .replace("postgres:16.2", "postgres:16.4"));
    }

    @Test
    void anImageFromAVariableIsSkippedWithWhereAndWhy() {
        ImageUpdates.Result r = ImageUpdates.find(List.of(stack("imagePolicy:\n  app:\n    semver: ^1\n")), registry);
        assertThat(r.updates()).isEmpty();
        assertThat(r.findings()).singleElement().isInstanceOfSatisfying(ImageUpdates.Finding.Skipped.class, s -> {
            assertThat(s.reason()).startsWith("stacks/site/compose.yaml:9: the image comes from a variable");
            assertThat(s.failure()).isFalse();
        });
    }

    @Test
    void aServicePolicyOnlyMovesThatService() {
        ImageUpdates.Result r = ImageUpdates.find(List.of(stack("imagePolicy:\n  db:\n    semver: ^16\n")), registry);
        assertThat(r.updates()).extracting(ImageUpdates.Finding.Update::service).containsExactly("db");
        assertThat(r.updates().get(0).to()).isEqualTo("16.4");
        assertThat(registry.asked).containsExactly("docker.io/library/postgres");
    }

    @Test
    void aPolicyForAServiceWithoutAnImageIsAProblemAtItsLine() {
        ImageUpdates.Result r = ImageUpdates.find(List.of(stack("imagePolicy:\n  wbe:\n    semver: ^1\n")), registry);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("names service wbe, which has no image:").contains("web, proxy, db, app");
        });
    }

    @Test
    void aRegistryFailureSkipsItsImagesAndTheOthersGoOn() {
        FakeRegistry noPostgres = new FakeRegistry(Map.of("docker.io/library/nginx", List.of("1.25.3", "1.25.9")));
        ImageUpdates.Result r = ImageUpdates.find(List.of(stack("imagePolicy:\n  semver: \"~1.25 || ^16\"\n")), noPostgres);
        assertThat(r.updates()).extracting(ImageUpdates.Finding.Update::service).containsExactly("web", "proxy");
        assertThat(r.hasFailures()).isTrue();
        assertThat(r.findings()).filteredOn(f -> f instanceof ImageUpdates.Finding.Skipped s && s.failure()).singleElement()
                .extracting(ImageUpdates.Finding::service).isEqualTo("db");
    }

    @Test
    void aStackWithoutAPolicyIsNotLookedAt() {
        ImageUpdates.Result r = ImageUpdates.find(List.of(stack("prune: true\n"),
                new ImageUpdates.StackInput("other", "stacks/other/compose.yaml", COMPOSE, null, null)), registry);
        assertThat(r.findings()).isEmpty();
        assertThat(registry.asked).isEmpty();
    }

    @Test
    void upToDateImagesAreSaidSo() {
        String pinned = COMPOSE.replace("nginx:1.25.3", "nginx:1.27.0");
        ImageUpdates.Result r = ImageUpdates.find(List.of(new ImageUpdates.StackInput("site", "c.yaml", pinned,
                "s.yaml", "imagePolicy:\n  web:\n    semver: ^1\n")), registry);
        assertThat(r.findings()).singleElement().isEqualTo(
                new ImageUpdates.Finding.UpToDate("site", "web", "nginx:1.27.0", "1.27.0"));
    }
}
