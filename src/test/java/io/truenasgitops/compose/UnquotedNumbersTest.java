package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The value a container sees for an unquoted {@code environment} value, as docker compose makes it (go-yaml's
 * resolver, then Go's {@code fmt.Sprint}), and whether {@code validate} warns about it.
 */
class UnquotedNumbersTest {

    static Stream<Arguments> scalars() {
        return Stream.of(
                // written, what the container sees, warned
                Arguments.of("0755", "493", true), // leading-zero octal (linuxserver.io UMASK: 022 too)
                Arguments.of("0123", "83", true),
                Arguments.of("022", "18", true),
                Arguments.of("012345678", "1.2345678e+07", true), // 8 is not an octal digit: a float
                Arguments.of("08", "8", true),
                Arguments.of("1000000.0", "1e+06", true),
                Arguments.of("100000000000000000000", "1e+20", true), // too big for 64 bits
                Arguments.of("1_000", "1000", true),
                Arguments.of("1.10", "1.1", true),
                Arguments.of("1.0", "1", true),
                Arguments.of("0x1F", "31", true),
                Arguments.of("0o17", "15", true),
                Arguments.of("+5", "5", true),
                Arguments.of("123456", "123456", false),
                Arguments.of("1234567", "1234567", false), // integers are never written with an exponent
                Arguments.of("1.5", "1.5", false),
                Arguments.of("0", "0", false),
                Arguments.of("-42", "-42", false),
                Arguments.of("0.0001", "0.0001", false),
                Arguments.of("18446744073709551615", "18446744073709551615", false), // fits uint64
                Arguments.of("'0755'", "0755", false),
                Arguments.of("\"1_000\"", "1_000", false),
                Arguments.of("true", "true", false),
                Arguments.of("yes", "yes", false),
                Arguments.of("22:22", "22:22", false));
    }

    @ParameterizedTest(name = "V: {0} reaches the container as V={1}, warned: {2}")
    @MethodSource("scalars")
    @SuppressWarnings("unchecked")
    void unquotedNumbersReachTheContainerAsDockerComposeWritesThem(String written, String seen, boolean warned) {
        String yaml = "services:\n  s:\n    image: alpine\n    environment:\n      V: " + written + "\n";
        ComposeRenderer.Result r = ComposeRenderer.render(new ComposeRenderer.Request("app", yaml,
                "stacks/app/compose.yaml", (Path) null, "stacks/app", Variables.none(), null));
        assertThat(r.ok()).as(r.problems().toString()).isTrue();
        Map<String, Object> s = (Map<String, Object>) ((Map<String, Object>) r.rendered().compose().get("services")).get("s");
        assertThat(((Map<String, Object>) s.get("environment")).get("V")).isEqualTo(seen);
        List<Problem> warnings = r.problems().stream().filter(p -> !p.isError()).toList();
        if (warned) {
            assertThat(warnings).singleElement().satisfies(p -> {
                assertThat(p.format()).startsWith("stacks/app/compose.yaml:5:7: warning: services.s.environment.V: ");
                assertThat(p.message()).contains("reaches the container as V=" + seen)
                        .contains("quote it (\"" + written + "\")");
            });
        } else {
            assertThat(warnings).isEmpty();
        }
    }

    @org.junit.jupiter.api.Test
    void numbersMergedInFromAnAnchorAreWarnedWhereTheyAreUsed() {
        String yaml = """
                x-env: &env
                  environment:
                    UMASK: 022
                services:
                  s:
                    <<: *env
                    image: alpine
                """;
        ComposeRenderer.Result r = ComposeRenderer.render(new ComposeRenderer.Request("app", yaml,
                "stacks/app/compose.yaml", (Path) null, "stacks/app", Variables.none(), null));
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isFalse();
            assertThat(p.path()).isEqualTo("services.s.environment.UMASK");
            assertThat(p.message()).contains("reaches the container as UMASK=18");
        });
    }

    static Stream<Arguments> goFloats() {
        return Stream.of(
                Arguments.of(1e6, "1e+06"),
                Arguments.of(999999.0, "999999"),
                Arguments.of(12345678.0, "1.2345678e+07"),
                Arguments.of(1e20, "1e+20"),
                Arguments.of(1e21, "1e+21"),
                Arguments.of(1e100, "1e+100"),
                Arguments.of(0.0001, "0.0001"),
                Arguments.of(0.00001, "1e-05"),
                Arguments.of(-1.5, "-1.5"),
                Arguments.of(-0.0, "-0"),
                Arguments.of(Double.POSITIVE_INFINITY, "+Inf"),
                Arguments.of(Double.NaN, "NaN"));
    }

    @ParameterizedTest(name = "{0} prints as {1}")
    @MethodSource("goFloats")
    void floatsPrintAsGoPrintsThem(double value, String printed) {
        assertThat(GoScalars.sprint(value)).isEqualTo(printed);
    }
}
