package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden tests of the Compose Specification schema check: each {@code compose-schema/<case>.yaml} is rendered as
 * stack {@code app} (with {@code REPLICAS=3}) and its problems are compared with {@code <case>.txt}. Run with
 * {@code -Dgolden.update=true} to rewrite them after a deliberate change.
 */
class ComposeSchemaTest {

    static final Path CASES = Path.of("src/test/resources/compose-schema");
    static final boolean UPDATE = Boolean.getBoolean("golden.update");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(CASES)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length())).sorted().toList().stream();
        }
    }

    static ComposeRenderer.Result render(String yaml) {
        Variables variables = Variables.builder().plain("stack.yaml variables", Map.of("REPLICAS", "3")).build();
        return ComposeRenderer.render(new ComposeRenderer.Request("app", yaml, "stacks/app/compose.yaml", null,
                "stacks/app", variables, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everySchemaViolationIsReportedOnceWithItsLineColumnAndTheClosestKey(String name) throws IOException {
        String yaml = Files.readString(CASES.resolve(name + ".yaml"), StandardCharsets.UTF_8);
        String actual = render(yaml).problems().stream().map(Problem::format).collect(Collectors.joining("\n")) + "\n";
        Path expected = CASES.resolve(name + ".txt");
        if (UPDATE) {
            Files.writeString(expected, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    }

    @Test
    void aTypoInAServiceKeyIsAnErrorThatNamesTheKeyItMeant() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: nginx\n    enviroment:\n      A: b\n");
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.column()).isEqualTo(5);
            assertThat(p.path()).isEqualTo("services.web.enviroment");
            assertThat(p.message()).contains("unknown key 'enviroment' in service 'web'")
                    .contains("did you mean 'environment'?");
        });
    }

    @Test
    void extensionKeysAreAllowedWhereComposeAllowsThem() {
        ComposeRenderer.Result r = render("""
                x-defaults: &defaults
                  restart: unless-stopped
                services:
                  web:
                    <<: *defaults
                    image: nginx
                    x-owner: me
                networks:
                  front:
                    x-note: shared
                """);
        assertThat(r.problems()).isEmpty();
        assertThat(r.ok()).isTrue();
    }

    @Test
    void interpolatedStringsAreCastBeforeTheCheckAsComposeDoes() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: nginx\n    privileged: \"false\"\n"
                + "    deploy:\n      replicas: ${REPLICAS}\n    healthcheck:\n      retries: \"3\"\n");
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void theClosestKeyToleratesCaseSeparatorsAndAFewTypos() {
        List<String> keys = List.of("environment", "env_file", "restart", "read_only", "networks", "healthcheck");
        assertThat(ComposeSchema.closest("enviroment", keys)).contains("environment");
        assertThat(ComposeSchema.closest("Environment", keys)).contains("environment");
        assertThat(ComposeSchema.closest("read-only", keys)).contains("read_only");
        assertThat(ComposeSchema.closest("restrat", keys)).contains("restart");
        assertThat(ComposeSchema.closest("helthcheck", keys)).contains("healthcheck");
        assertThat(ComposeSchema.closest("completely_else", keys)).isEmpty();
    }

    /** Before: the library warned "Unknown keyword deprecated" on validate, plan, sync, serve and demo. */
    @Test
    void everyKeywordOfTheComposeSchemaIsKnownToTheDialectSoTheLibraryWarnsAboutNone() throws IOException {
        com.fasterxml.jackson.databind.JsonNode schema;
        try (var in = ComposeSchema.class.getResourceAsStream(ComposeSchema.RESOURCE)) {
            schema = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
        }
        java.util.Set<String> used = new java.util.TreeSet<>();
        keywords(schema, used);
        used.removeAll(List.of("$schema", "$id"));
        assertThat(ComposeSchema.DIALECT.getKeywords().keySet()).containsAll(used);
    }

    /** Keys of every schema object, skipping the maps whose keys are names (properties, definitions). */
    private static void keywords(com.fasterxml.jackson.databind.JsonNode node, java.util.Set<String> out) {
        if (node.isArray()) {
            node.forEach(n -> keywords(n, out));
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                out.add(e.getKey());
                if (List.of("properties", "definitions", "patternProperties").contains(e.getKey())) {
                    e.getValue().forEach(n -> keywords(n, out));
                } else if (!List.of("enum", "const", "default", "examples", "required").contains(e.getKey())) {
                    keywords(e.getValue(), out);
                }
            });
        }
    }
}
