package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeRendererTest {

    @TempDir
    Path dir;

    ComposeRenderer.Result render(String yaml, Variables vars) {
        return ComposeRenderer.render(new ComposeRenderer.Request("app", yaml, "stacks/app/compose.yaml", dir,
                "stacks/app", vars, null));
    }

    static Variables secrets(Map<String, String> values) {
        return Variables.builder().secrets("secrets directory", values).build();
    }

    @Test
    void secretValuesNeverReachAProblemMessage() {
        // The secret lands in a relative bind mount, a bad template default and an unknown key's neighbour.
        String yaml = "services:\n  web:\n    image: a\n    volumes:\n      - ./${PW}:/x\n"
                + "    environment:\n      A: ${MISSING:?no ${PW} here}\n";
        ComposeRenderer.Result r = render(yaml, secrets(Map.of("PW", "hunter2")));
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).hasSize(2);
        assertThat(r.problems()).allSatisfy(p -> assertThat(p.format()).doesNotContain("hunter2"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.message()).contains("./***"));
    }

    @Test
    void theMaskerCoversSecretsInsideLongerValuesOfTheRenderedCompose() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    environment:\n"
                + "      URL: postgres://u:${PW}@db/x\n", secrets(Map.of("PW", "hunter2")));
        assertThat(r.ok()).isTrue();
        String shown = ComposeYaml.dump(r.rendered().masker().maskTree(r.rendered().compose()));
        assertThat(shown).contains("postgres://u:***@db/x").doesNotContain("hunter2");
        // The compose to send keeps the real value.
        assertThat(ContentHash.canonicalJson(r.rendered().compose())).contains("hunter2");
    }

    @Test
    void literalDollarsAreEscapedForComposeOnTheNas() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    command: echo $$HOME ${NAME}\n",
                Variables.builder().plain(".env", Map.of("NAME", "cost$1")).build());
        assertThat(r.ok()).isTrue();
        Map<?, ?> web = (Map<?, ?>) ((Map<?, ?>) r.rendered().compose().get("services")).get("web");
        assertThat(web.get("command")).isEqualTo(java.util.List.of("echo", "$$HOME", "cost$$1"));
    }

    @Test
    void theHashIgnoresTheStampSoANewRevisionAloneChangesNothing() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n", Variables.none());
        Map<String, Object> one = r.rendered().stamped("git@x", "stacks/app", "aaaa");
        Map<String, Object> two = r.rendered().stamped("git@x", "stacks/app", "bbbb");
        assertThat(ContentHash.of(one)).isEqualTo(ContentHash.of(two)).isEqualTo(r.rendered().hash());
        assertThat(Stamps.read(one)).contains(new Stamp("git@x", "stacks/app", "aaaa", r.rendered().hash()));
        assertThat(Stamps.strip(one)).isEqualTo(r.rendered().compose());
    }

    @Test
    void aPayloadOverTheFrameLimitIsRefusedWithItsSize() {
        StringBuilder yaml = new StringBuilder("services:\n  web:\n    image: a\n    environment:\n");
        for (int i = 0; i < 1200; i++) {
            yaml.append("      VAR_").append(i).append(": ").append("x".repeat(50)).append('\n');
        }
        ComposeRenderer.Result r = render(yaml.toString(), Variables.none());
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).contains("bytes").contains("64 KiB").contains(String.valueOf(Payload.MAX_BYTES));
            assertThat(p.file()).isEqualTo("stacks/app/compose.yaml");
        });
    }

    @Test
    void yamlErrorsStopThePipelineWithTheirLocation() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    image: b\n", Variables.none());
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.line()).isEqualTo(4));
    }

    @Test
    void stampsWithMissingFieldsAreNotTrusted() {
        assertThat(Stamps.read(Map.of(Stamp.KEY, Map.of("source", "s", "path", "p")))).isEmpty();
        assertThat(Stamps.read(Map.of("services", Map.of()))).isEmpty();
        assertThat(Stamps.read(null)).isEqualTo(Optional.empty());
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> equivalentDocuments() {
        String head = "services:\n  web:\n    image: a\n";
        String tail = "secrets:\n  db_pass:\n    file: /mnt/tank/secrets/db_pass\n";
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("devices short vs long",
                        head + "    devices:\n      - /dev/dri:/dev/dri\n",
                        head + "    devices:\n      - source: /dev/dri\n        target: /dev/dri\n"
                                + "        permissions: rwm\n"),
                org.junit.jupiter.params.provider.Arguments.of("devices source only",
                        head + "    devices:\n      - /dev/dri\n",
                        head + "    devices:\n      - source: /dev/dri\n"),
                org.junit.jupiter.params.provider.Arguments.of("secrets short vs long",
                        head + "    secrets:\n      - db_pass\n" + tail,
                        head + "    secrets:\n      - source: db_pass\n        target: /run/secrets/db_pass\n" + tail),
                org.junit.jupiter.params.provider.Arguments.of("environment \"true\" vs true",
                        head + "    environment:\n      DEBUG: \"true\"\n",
                        head + "    environment:\n      DEBUG: true\n"),
                org.junit.jupiter.params.provider.Arguments.of("environment list vs map with a boolean",
                        head + "    environment:\n      - DEBUG=true\n",
                        head + "    environment:\n      DEBUG: True\n"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("equivalentDocuments")
    void equivalentSpellingsRenderToTheSameHash(String name, String a, String b) {
        ComposeRenderer.Result ra = render(a, Variables.none());
        ComposeRenderer.Result rb = render(b, Variables.none());
        assertThat(ra.ok()).as(ra.problems().toString()).isTrue();
        assertThat(rb.ok()).as(rb.problems().toString()).isTrue();
        assertThat(ra.rendered().hash()).isEqualTo(rb.rendered().hash());
        assertThat(ra.rendered().compose()).isEqualTo(rb.rendered().compose());
    }
}
