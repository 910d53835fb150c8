package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InterpolatorTest {

    /** SET=value, EMPTY="" and UNSET missing. */
    private static final Map<String, String> VARS = Map.of("SET", "value", "EMPTY", "", "PORT", "8080", "NESTED", "n");
    private static final Function<String, Optional<String>> LOOKUP = name -> Optional.ofNullable(VARS.get(name));

    static Stream<Arguments> forms() {
        return Stream.of(
                Arguments.of("plain text", "plain text"),
                Arguments.of("$SET", "value"),
                Arguments.of("${SET}", "value"),
                Arguments.of("pre-${SET}-post", "pre-value-post"),
                Arguments.of("$SET.x", "value.x"),
                Arguments.of("${EMPTY}", ""),
                Arguments.of("${UNSET:-default}", "default"),
                Arguments.of("${EMPTY:-default}", "default"),
                Arguments.of("${SET:-default}", "value"),
                Arguments.of("${UNSET-default}", "default"),
                Arguments.of("${EMPTY-default}", ""),
                Arguments.of("${SET-default}", "value"),
                Arguments.of("${SET:?must be set}", "value"),
                Arguments.of("${EMPTY?must exist}", ""),
                Arguments.of("${SET:+alt}", "alt"),
                Arguments.of("${EMPTY:+alt}", ""),
                Arguments.of("${UNSET:+alt}", ""),
                Arguments.of("${SET+alt}", "alt"),
                Arguments.of("${EMPTY+alt}", "alt"),
                Arguments.of("${UNSET+alt}", ""),
                Arguments.of("${UNSET:-${SET}}", "value"),
                Arguments.of("${UNSET:-${ALSO_UNSET:-deep}}", "deep"),
                Arguments.of("${UNSET:-a ${SET} b}", "a value b"),
                Arguments.of("${SET:+${PORT}:80}", "8080:80"),
                Arguments.of("${UNSET:-}", ""),
                Arguments.of("$$", "$"),
                Arguments.of("$${SET}", "${SET}"),
                Arguments.of("$$SET", "$SET"),
                Arguments.of("cost: 5$$", "cost: 5$"),
                Arguments.of("${UNSET:-$$literal}", "$literal"),
                Arguments.of("${UNSET:-a}b}", "ab}"),
                Arguments.of("${PORT}:${PORT}", "8080:8080"));
    }

    @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
    @MethodSource("forms")
    void everyComposeInterpolationFormExpandsLikeCompose(String template, String expected) throws Exception {
        assertThat(Interpolator.substitute(template, LOOKUP)).isEqualTo(expected);
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("${UNSET}", "variable UNSET is not set"),
                Arguments.of("$UNSET", "variable UNSET is not set"),
                Arguments.of("${UNSET:?needs a value}", "required variable UNSET is not set: needs a value"),
                Arguments.of("${EMPTY:?needs a value}", "required variable EMPTY is empty: needs a value"),
                Arguments.of("${UNSET?}", "required variable UNSET is not set"),
                Arguments.of("${SET", "without a closing '}'"),
                Arguments.of("${}", "does not start with a variable name"),
                Arguments.of("${1X}", "does not start with a variable name"),
                Arguments.of("${SET%%x}", "after the name use"),
                Arguments.of("${UNSET:-${ALSO_UNSET}}", "variable ALSO_UNSET is not set"));
    }

    @ParameterizedTest(name = "\"{0}\" fails: {1}")
    @MethodSource("errors")
    void badTemplatesAndMissingVariablesAreErrorsNamingTheVariable(String template, String message) {
        assertThatThrownBy(() -> Interpolator.substitute(template, LOOKUP))
                .isInstanceOf(Interpolator.TemplateException.class)
                .hasMessageContaining(message);
    }

    @Test
    void onlyValuesAreInterpolatedNeverKeys() {
        YamlLoader.Result loaded = YamlLoader.load("services:\n  web:\n    labels:\n      ${SET}: ${SET}\n", "c.yaml");
        Variables vars = Variables.builder().plain(".env", VARS).build();
        Interpolator.Result r = Interpolator.interpolate(loaded.root(), vars, loaded.sourceMap());
        assertThat(r.problems()).isEmpty();
        Map<?, ?> labels = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) r.tree()).get("services")).get("web"))
                .get("labels");
        assertThat(labels).isEqualTo(Map.of("${SET}", "value"));
    }

    @Test
    void everyMissingVariableIsReportedWithItsFileAndLine() {
        String yaml = "services:\n  web:\n    image: nginx:${TAG}\n    environment:\n      - A=${A_VAR}\n      - B=${SET}\n";
        YamlLoader.Result loaded = YamlLoader.load(yaml, "stacks/web/compose.yaml");
        Interpolator.Result r = Interpolator.interpolate(loaded.root(),
                Variables.builder().plain(".env", VARS).build(), loaded.sourceMap());
        assertThat(r.problems()).hasSize(2);
        assertThat(r.problems().get(0).format())
                .startsWith("stacks/web/compose.yaml:3:5: error: services.web.image: variable TAG is not set");
        assertThat(r.problems().get(1).line()).isEqualTo(5);
        assertThat(r.problems().get(1).path()).isEqualTo("services.web.environment[0]");
    }

    @Test
    void theFirstLayerThatDefinesAVariableWins() {
        Variables vars = Variables.builder()
                .secrets("secrets", Map.of("A", "from-secrets"))
                .plain(".env", Map.of("A", "from-env", "B", "from-env"))
                .plain("stack.yaml", Map.of("A", "from-stack", "B", "from-stack", "C", "from-stack"))
                .build();
        assertThat(vars.lookup("A")).map(Variables.Value::value).contains("from-secrets");
        assertThat(vars.lookup("A")).map(Variables.Value::secret).contains(true);
        assertThat(vars.lookup("B")).map(Variables.Value::value).contains("from-env");
        assertThat(vars.lookup("C")).map(Variables.Value::value).contains("from-stack");
        assertThat(vars.lookup("D")).isEmpty();
    }

    @Test
    void nonStringScalarsAreLeftAlone() {
        Interpolator.Result r = Interpolator.interpolate(Map.of("a", List.of(1L, true)), Variables.none(),
                SourceMap.empty("x"));
        assertThat(r.tree()).isEqualTo(Map.of("a", List.of(1L, true)));
    }
}
