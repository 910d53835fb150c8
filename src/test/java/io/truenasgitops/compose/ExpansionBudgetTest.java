package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The bounds of interpolation: nesting depth, one value's length, and what a whole stack may expand. */
class ExpansionBudgetTest {

    static final Function<String, Optional<String>> NONE = name -> Optional.empty();

    static String nested(int depth) {
        return "${A:-".repeat(depth) + "x" + "}".repeat(depth);
    }

    @Test
    void defaultsNestedUpToTheBoundExpand() throws Exception {
        assertThat(Interpolator.substitute(nested(ExpansionBudget.MAX_NESTING), NONE)).isEqualTo("x");
    }

    @Test
    void defaultsNestedPastTheBoundAreATemplateErrorNotAStackOverflow() {
        assertThatThrownBy(() -> Interpolator.substitute(nested(ExpansionBudget.MAX_NESTING + 1), NONE))
                .isInstanceOf(Interpolator.TemplateException.class)
                .hasMessageContaining("nested more than " + ExpansionBudget.MAX_NESTING + " deep");
        assertThatThrownBy(() -> Interpolator.substitute(nested(100_000), NONE))
                .isInstanceOf(Interpolator.TemplateException.class);
    }

    @Test
    void aValueLongerThanTheValueBoundIsATemplateError() {
        String half = "z".repeat(ExpansionBudget.MAX_VALUE_CHARS / 2 + 1);
        assertThatThrownBy(() -> Interpolator.substitute("$A$A", name -> Optional.of(half)))
                .isInstanceOf(Interpolator.TemplateException.class)
                .hasMessageContaining("more than " + ExpansionBudget.MAX_VALUE_CHARS + " characters");
    }

    @Test
    void aValueUpToTheValueBoundExpands() throws Exception {
        String half = "z".repeat(ExpansionBudget.MAX_VALUE_CHARS / 2);
        assertThat(Interpolator.substitute("$A$A", name -> Optional.of(half))).hasSize(ExpansionBudget.MAX_VALUE_CHARS);
    }

    @Test
    void aTreeThatExpandsPastTheStackBudgetGivesOneProblemAndStops() {
        String value = "w".repeat(60_000);
        Map<String, Object> env = new LinkedHashMap<>();
        for (int i = 0; i < 500; i++) {
            env.put("V" + i, "${LONG}");
        }
        Variables vars = Variables.builder().plain(".env", Map.of("LONG", value)).build();
        ExpansionBudget budget = ExpansionBudget.perStack();

        Interpolator.Result result = Interpolator.interpolate(Map.of("environment", env), vars,
                SourceMap.empty("compose.yaml"), budget);

        assertThat(budget.isSpent()).isTrue();
        assertThat(result.problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("more than " + ExpansionBudget.MAX_STACK_CHARS));
    }

    @Test
    void textWithoutVariablesCostsNothing() throws Exception {
        ExpansionBudget budget = ExpansionBudget.perStack();
        Interpolator.substitute("plain text", NONE, budget);
        assertThat(budget.used()).isZero();
    }

    @Test
    void aDotEnvWhoseLinesDoubleNamesTheFirstLineOverTheBoundAndStaysSmall() {
        StringBuilder env = new StringBuilder("A0=0123456789abcdef\n");
        for (int i = 1; i < 40; i++) {
            env.append("A").append(i).append("=${A").append(i - 1).append("}${A").append(i - 1).append("}\n");
        }
        ExpansionBudget budget = ExpansionBudget.perStack();

        DotEnv.Result result = DotEnv.parse(env.toString(), ".env", NONE, budget);

        assertThat(result.problems()).isNotEmpty().hasSizeLessThan(5).allSatisfy(p -> assertThat(p.isError()).isTrue());
        assertThat(result.problems().get(0).line()).isEqualTo(14); // 16 chars doubled 13 times: 131072 > 65536
        assertThat(result.values().values()).allSatisfy(v -> assertThat(v.length())
                .isLessThanOrEqualTo(ExpansionBudget.MAX_VALUE_CHARS));
    }
}
