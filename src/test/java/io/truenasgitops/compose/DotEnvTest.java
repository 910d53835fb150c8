package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DotEnvTest {

    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of("A=b", "b"),
                Arguments.of("A = b ", "b"),
                Arguments.of("export A=b", "b"),
                Arguments.of("A=", ""),
                Arguments.of("A=b # comment", "b"),
                Arguments.of("A=b#not-a-comment", "b#not-a-comment"),
                Arguments.of("A='single # kept $NOT_EXPANDED'", "single # kept $NOT_EXPANDED"),
                Arguments.of("A=\"double\\nline\"", "double\nline"),
                Arguments.of("A=\"tab\\there\"", "tab\there"),
                Arguments.of("A=\"quote \\\" inside\"", "quote \" inside"),
                Arguments.of("A=\"dollar \\$HOME\"", "dollar $HOME"),
                Arguments.of("A=\"x\" # comment after quotes", "x"),
                Arguments.of("A=\"${OUTSIDE}-x\"", "outside-x"),
                Arguments.of("A=${OUTSIDE:-d}", "outside"),
                Arguments.of("A=${MISSING:-fallback}", "fallback"),
                Arguments.of("A='multi\nline'", "multi\nline"),
                Arguments.of("A=\"multi\nline\"", "multi\nline"),
                Arguments.of("A=postgres://u:p@db:5432/x", "postgres://u:p@db:5432/x"),
                Arguments.of("A=a=b=c", "a=b=c"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("lines")
    void dotEnvLinesReadLikeDockerCompose(String line, String expected) {
        DotEnv.Result r = DotEnv.parse(line + "\n", ".env", n -> "OUTSIDE".equals(n) ? Optional.of("outside")
                : Optional.empty());
        assertThat(r.problems()).isEmpty();
        assertThat(r.values()).containsEntry("A", expected);
    }

    @Test
    void laterLinesSeeEarlierOnesAndTheLastDefinitionWins() {
        DotEnv.Result r = DotEnv.parse("HOST=db\nURL=postgres://${HOST}/x\nHOST=other\n", ".env", n -> Optional.empty());
        assertThat(r.values()).isEqualTo(Map.of("HOST", "other", "URL", "postgres://db/x"));
        assertThat(r.lines()).containsEntry("URL", 2);
    }

    @Test
    void commentsBlankLinesAndBareNamesDefineNothing() {
        DotEnv.Result r = DotEnv.parse("# comment\n\n   \nBARE\n  # indented comment\nA=1\r\n", ".env",
                n -> Optional.empty());
        assertThat(r.values()).isEqualTo(Map.of("A", "1"));
        assertThat(r.lines()).containsEntry("A", 6);
    }

    @Test
    void badLinesAreErrorsWithTheirLine() {
        DotEnv.Result r = DotEnv.parse("A=1\nnot a valid line\nB=\"unterminated\n", "stacks/x/.env", n -> Optional.empty());
        assertThat(r.problems()).hasSize(2);
        assertThat(r.problems().get(0).line()).isEqualTo(2);
        assertThat(r.problems().get(0).file()).isEqualTo("stacks/x/.env");
        assertThat(r.problems().get(1).message()).contains("unterminated double-quoted value of B");
    }

    @Test
    void aMissingVariableInsideAValueIsAnErrorOnItsLine() {
        DotEnv.Result r = DotEnv.parse("A=1\nB=${NOPE}\n", ".env", n -> Optional.empty());
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("NOPE");
        });
    }
}
