package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UnitsAndShellWordsTest {

    static Stream<Arguments> durations() {
        return Stream.of(Arguments.of("90s", "1m30s"), Arguments.of("1m30s", "1m30s"), Arguments.of("1h", "1h"),
                Arguments.of("3600s", "1h"), Arguments.of("1.5s", "1s500ms"), Arguments.of("500ms", "500ms"),
                Arguments.of("0s", "0s"), Arguments.of("10", "10s"), Arguments.of("2h45m", "2h45m"),
                Arguments.of("100us", "100us"), Arguments.of("1m0s", "1m"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("durations")
    void durationsHaveOneCanonicalSpelling(String in, String out) {
        assertThat(Units.canonicalDuration(in)).isEqualTo(out);
    }

    static Stream<Arguments> sizes() {
        return Stream.of(Arguments.of("1g", 1073741824L), Arguments.of("1024m", 1073741824L),
                Arguments.of("1GB", 1073741824L), Arguments.of("1GiB", 1073741824L), Arguments.of("512k", 524288L),
                Arguments.of("100", 100L), Arguments.of("1.5g", 1610612736L), Arguments.of("2t", 2199023255552L));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("sizes")
    void byteSizesBecomeBytes(String in, long out) {
        assertThat(Units.canonicalBytes(in)).isEqualTo(out);
    }

    static Stream<Arguments> words() {
        return Stream.of(
                Arguments.of("a b  c", List.of("a", "b", "c"), -1),
                Arguments.of("sh -c 'echo a; echo b'", List.of("sh", "-c", "echo a; echo b"), -1),
                Arguments.of("echo \"a \\\"b\\\"\"", List.of("echo", "a \"b\""), -1),
                Arguments.of("echo a\\ b", List.of("echo", "a b"), -1),
                Arguments.of("echo ''", List.of("echo", ""), -1),
                Arguments.of("echo 'a\\b'", List.of("echo", "a\\b"), -1),
                Arguments.of("run && other", List.of("run"), 4),
                Arguments.of("run; other", List.of("run"), 3),
                Arguments.of("cat x | grep y", List.of("cat", "x"), 6),
                Arguments.of("", List.of(), -1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("words")
    void stringsSplitIntoWordsLikeCompose(String line, List<String> expected, int cutAt) {
        ShellWords.Split split = ShellWords.split(line);
        assertThat(split.words()).isEqualTo(expected);
        assertThat(split.cutAt()).isEqualTo(cutAt);
    }
}
