package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class YamlLoaderTest {

    static Stream<Arguments> plainScalars() {
        return Stream.of(
                Arguments.of("22:22", "22:22"), // no sexagesimal (YAML 1.1 would read 1342)
                Arguments.of("yes", "yes"),
                Arguments.of("no", "no"),
                Arguments.of("on", "on"),
                Arguments.of("off", "off"),
                Arguments.of("y", "y"),
                Arguments.of("true", true),
                Arguments.of("True", true),
                Arguments.of("FALSE", false),
                Arguments.of("null", null),
                Arguments.of("~", null),
                Arguments.of("", null),
                Arguments.of("0755", 493L), // go-yaml, as docker compose reads it: a leading 0 is octal
                Arguments.of("0o755", 493L),
                Arguments.of("0x1F", 31L),
                Arguments.of("-42", -42L),
                Arguments.of("+7", 7L),
                Arguments.of("1_000", 1000L), // go-yaml drops '_' before parsing
                Arguments.of("012345678", 12345678.0), // not octal: read as a float
                Arguments.of("100000000000000000000", 1e20), // too big for 64 bits: a float
                Arguments.of("18446744073709551615", new java.math.BigInteger("18446744073709551615")), // uint64
                Arguments.of("0b101", 5L),
                Arguments.of("-0x10", -16L),
                Arguments.of("1e400", "1e400"), // out of range for a double: go-yaml keeps the string
                Arguments.of("1.5", 1.5),
                Arguments.of("1e3", 1000.0),
                Arguments.of(".inf", Double.POSITIVE_INFINITY),
                Arguments.of("-.Inf", Double.NEGATIVE_INFINITY),
                Arguments.of("2001-12-14", "2001-12-14"), // no timestamps
                Arguments.of("80:80", "80:80"),
                Arguments.of("127.0.0.1:8080:80", "127.0.0.1:8080:80"),
                Arguments.of("1.10", 1.1));
    }

    @ParameterizedTest(name = "plain {0} reads as {1}")
    @MethodSource("plainScalars")
    void plainScalarsFollowTheYaml12CoreSchemaLikeCompose(String text, Object expected) {
        YamlLoader.Result r = YamlLoader.load("v: " + text + "\n", "f.yaml");
        assertThat(r.problems()).isEmpty();
        assertThat(((Map<?, ?>) r.root()).get("v")).isEqualTo(expected);
    }

    static Stream<Arguments> quotedAndTagged() {
        return Stream.of(
                Arguments.of("'22:22'", "22:22"),
                Arguments.of("\"true\"", "true"),
                Arguments.of("'0755'", "0755"),
                Arguments.of("!!str 80", "80"),
                Arguments.of("!!str true", "true"),
                Arguments.of("!!int \"12\"", 12L),
                Arguments.of("!!float 1", 1L),
                Arguments.of("|\n  line\n", "line\n"));
    }

    @ParameterizedTest(name = "{0} reads as {1}")
    @MethodSource("quotedAndTagged")
    void quotedScalarsAreStringsAndExplicitTagsAreHonoured(String text, Object expected) {
        YamlLoader.Result r = YamlLoader.load("v: " + text + "\n", "f.yaml");
        assertThat(r.problems()).isEmpty();
        Object v = ((Map<?, ?>) r.root()).get("v");
        if (expected instanceof Long l && v instanceof Double d) {
            assertThat(d).isEqualTo(l.doubleValue());
        } else {
            assertThat(v).isEqualTo(expected);
        }
    }

    @Test
    void anchorsAliasesAndMergeKeysAreResolvedWithExplicitKeysWinning() {
        String yaml = """
                x-base: &base
                  restart: always
                  image: old
                  environment: &env
                    A: "1"
                x-more: &more
                  image: other
                  tty: true
                services:
                  web:
                    <<: [*base, *more]
                    image: nginx
                    environment: *env
                """;
        YamlLoader.Result r = YamlLoader.load(yaml, "f.yaml");
        assertThat(r.problems()).isEmpty();
        Map<?, ?> web = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) r.root()).get("services")).get("web");
        assertThat(web.get("image")).isEqualTo("nginx");
        assertThat(web.get("restart")).isEqualTo("always");
        assertThat(web.get("tty")).isEqualTo(true);
        assertThat(web.get("environment")).isEqualTo(Map.of("A", "1"));
        assertThat(web.containsKey("<<")).isFalse();
    }

    @Test
    void duplicateKeysAreAnErrorWithTheLineOfTheSecondKey() {
        String yaml = "services:\n  web:\n    image: a\n    image: b\n";
        YamlLoader.Result r = YamlLoader.load(yaml, "stacks/x/compose.yaml");
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.column()).isEqualTo(5);
            assertThat(p.path()).isEqualTo("services.web.image");
            assertThat(p.message()).contains("duplicate key 'image'");
        });
    }

    @Test
    void syntaxErrorsCarryFileLineAndColumn() {
        YamlLoader.Result r = YamlLoader.load("services:\n  web:\n    image: [a\n", "stacks/x/compose.yaml");
        assertThat(r.root()).isNull();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("stacks/x/compose.yaml");
            assertThat(p.line()).isGreaterThan(0);
            assertThat(p.column()).isGreaterThan(0);
            assertThat(p.message()).startsWith("invalid YAML");
        });
    }

    @Test
    void aBillionLaughsDocumentIsRefused() {
        StringBuilder b = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char prev = (char) (c - 1);
            b.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 10; i++) {
                b.append(i == 0 ? "" : ", ").append('*').append(prev);
            }
            b.append("]\n");
        }
        YamlLoader.Result r = YamlLoader.load(b.toString(), "bomb.yaml");
        assertThat(r.ok()).isFalse();
        assertThat(r.root()).isNull();
    }

    @Test
    void exponentialExpansionUnderTheAliasLimitIsStillRefused() {
        // 2 aliases per level stays under the alias limit but doubles the tree 40 times.
        StringBuilder b = new StringBuilder("l0: &l0 [x]\n");
        for (int i = 1; i <= 40; i++) {
            b.append("l").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l")
                    .append(i - 1).append("]\n");
        }
        YamlLoader.Result r = YamlLoader.load(b.toString(), "bomb.yaml");
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.message()).contains("alias"));
    }

    @Test
    void deepNestingIsRefused() {
        String yaml = "a: " + "[".repeat(200) + "]".repeat(200) + "\n";
        assertThat(YamlLoader.load(yaml, "deep.yaml").ok()).isFalse();
    }

    @Test
    void arbitraryTagsAreRefused() {
        YamlLoader.Result r = YamlLoader.load("v: !!javax.script.ScriptEngineManager [x]\n", "f.yaml");
        assertThat(r.ok()).isFalse();
    }

    @Test
    void positionsOfNestedValuesAreKeptForLaterProblems() {
        String yaml = "services:\n  web:\n    image: nginx\n    volumes:\n      - ./data:/data\n      - /mnt/x:/x\n";
        YamlLoader.Result r = YamlLoader.load(yaml, "f.yaml");
        assertThat(r.sourceMap().locate("services.web.volumes[1]")).isEqualTo(new SourceMap.Position(6, 9));
        assertThat(r.sourceMap().locate("services.web.image")).isEqualTo(new SourceMap.Position(3, 5));
        // An unknown path falls back to its nearest located ancestor.
        assertThat(r.sourceMap().locate("services.web.volumes[1].source")).isEqualTo(new SourceMap.Position(6, 9));
    }

    @Test
    void keysKeepTheirTextEvenWhenTheyLookLikeNumbers() {
        YamlLoader.Result r = YamlLoader.load("1.10: a\n80: b\ntrue: c\n", "f.yaml");
        assertThat(List.copyOf(((Map<?, ?>) r.root()).keySet())).isEqualTo(List.of("1.10", "80", "true"));
    }

    @Test
    void anEmptyDocumentLoadsAsNull() {
        YamlLoader.Result r = YamlLoader.load("# only a comment\n", "f.yaml");
        assertThat(r.ok()).isTrue();
        assertThat(r.root()).isNull();
    }

    @Test
    void sequencesKeepTheirOrder() {
        YamlLoader.Result r = YamlLoader.load("l: [c, a, b]\n", "f.yaml");
        assertThat(((Map<?, ?>) r.root()).get("l")).isEqualTo(List.of("c", "a", "b"));
    }
}
