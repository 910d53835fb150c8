package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interpolation corner cases as compose-go does them ({@code template/template.go}): a {@code $} that does not
 * start {@code $$}, {@code $NAME} or {@code ${...}} matches nothing in compose's pattern and stays a literal; the
 * closing brace of {@code ${...}} is found counting every {@code {}, so a default may hold braces. What reaches
 * the NAS doubles each literal {@code $}, since docker compose there interpolates again.
 */
class LiteralDollarTest {

    private static final Map<String, String> VARS = Map.of("SET", "value", "JSON", "{\"json\":2}", "EMPTY", "");
    private static final Function<String, Optional<String>> LOOKUP = name -> Optional.ofNullable(VARS.get(name));

    static Stream<Arguments> cases() {
        return Stream.of(
                // written in the compose file, what the container gets, what is sent to the NAS
                Arguments.of("a $ string", "a $ string", "a $$ string"),
                Arguments.of("^REGEX$", "^REGEX$", "^REGEX$$"),
                Arguments.of("5$", "5$", "5$$"),
                Arguments.of("$}", "$}", "$$}"),
                Arguments.of("$1 and $-", "$1 and $-", "$$1 and $$-"),
                Arguments.of("$", "$", "$$"),
                Arguments.of("$ $SET", "$ value", "$$ value"),
                Arguments.of("100%$ ${SET}", "100%$ value", "100%$$ value"),
                Arguments.of("$$", "$", "$$"),
                Arguments.of("$$SET $SET", "$SET value", "$$SET value"),
                Arguments.of("${JSON:-{\"json\":1}}", "{\"json\":2}", "{\"json\":2}"),
                Arguments.of("${UNSET:-{\"json\":1}}", "{\"json\":1}", "{\"json\":1}"),
                Arguments.of("ok ${JSON-{\"json\":1}}", "ok {\"json\":2}", "ok {\"json\":2}"),
                Arguments.of("ok ${UNSET-{\"json\":1}}", "ok {\"json\":1}", "ok {\"json\":1}"),
                Arguments.of("${UNSET:-$$}}", "$}", "$$}"),
                Arguments.of("${EMPTY:-{a: {b: c}}}", "{a: {b: c}}", "{a: {b: c}}"),
                Arguments.of("${UNSET:-a}b}", "ab}", "ab}"),
                Arguments.of("${UNSET:-${SET}}", "value", "value"));
    }

    @ParameterizedTest(name = "\"{0}\" -> \"{1}\", sent as \"{2}\"")
    @MethodSource("cases")
    void aDollarThatStartsNoVariableIsALiteralAsInCompose(String written, String expanded, String sent)
            throws Exception {
        assertThat(Interpolator.substitute(written, LOOKUP)).isEqualTo(expanded);
        assertThat(ComposeRenderer.escapeDollars(expanded)).isEqualTo(sent);
    }

    @ParameterizedTest(name = "\"{0}\" renders as \"{2}\"")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void theRenderedComposeCarriesTheLiteralEscapedForTheNas(String written, String expanded, String sent) {
        String yaml = "services:\n  web:\n    image: nginx\n    labels:\n      v: '" + written.replace("'", "''") + "'\n";
        Variables vars = Variables.builder().plain("stack.yaml variables", VARS).build();
        ComposeRenderer.Result r = ComposeRenderer.render(new ComposeRenderer.Request("app", yaml,
                "stacks/app/compose.yaml", (Path) null, "stacks/app", vars, null));
        assertThat(r.problems()).isEmpty();
        Map<String, Object> web = (Map<String, Object>) ((Map<String, Object>) r.rendered().compose().get("services"))
                .get("web");
        assertThat(((Map<String, Object>) web.get("labels")).get("v")).isEqualTo(sent);
    }

    static Stream<Arguments> stillInvalid() {
        return Stream.of(
                Arguments.of("${SET", "without a closing '}'"),
                Arguments.of("${}", "does not start with a variable name"),
                Arguments.of("${1}", "does not start with a variable name"),
                Arguments.of("${SET:x}", "after the name use"),
                Arguments.of("${UNSET:-{}", "without a closing '}'"));
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @MethodSource("stillInvalid")
    void aBraceThatOpensNoValidTemplateIsStillAnErrorAsInCompose(String written, String message) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Interpolator.substitute(written, LOOKUP))
                .isInstanceOf(Interpolator.TemplateException.class).hasMessageContaining(message);
    }
}
