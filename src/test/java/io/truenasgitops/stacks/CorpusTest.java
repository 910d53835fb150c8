package io.truenasgitops.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.compose.ComposeNormalizer;
import io.truenasgitops.compose.ComposeYaml;
import io.truenasgitops.compose.ContentHash;
import io.truenasgitops.compose.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden tests over real-world compose files: docker/awesome-compose (CC0) and TrueNAS-style stacks of our own.
 * Each stack's problems and, when valid, its rendered canonical compose (secrets masked) are compared with
 * {@code expected/<stack>.txt}. Run with {@code -Dgolden.update=true} to rewrite them after a deliberate change.
 */
class CorpusTest {

    static final Path CORPUS = Path.of("src/test/resources/corpus");
    static final boolean UPDATE = Boolean.getBoolean("golden.update");

    static StacksOptions options(String set) {
        Path secrets = CORPUS.resolve(set).resolve("secrets");
        return new StacksOptions("stacks", Files.isDirectory(secrets) ? secrets : null, null);
    }

    static Stream<Arguments> stacks() {
        return Stream.of("awesome-compose", "own").flatMap(set -> StackRepository.scan(CORPUS.resolve(set), options(set))
                .stacks().stream().map(s -> Arguments.of(set, s.name())));
    }

    @Test
    void theCorpusHasAtLeastThirtyStacksAndEveryOneIsAStack() {
        RepoScan aw = StackRepository.scan(CORPUS.resolve("awesome-compose"), options("awesome-compose"));
        RepoScan own = StackRepository.scan(CORPUS.resolve("own"), options("own"));
        assertThat(aw.stacks()).hasSize(39);
        assertThat(own.stacks().size()).isGreaterThanOrEqualTo(12);
        assertThat(aw.problems()).isEmpty();
        assertThat(own.problems()).isEmpty();
        // Every own stack is TrueNAS-ready; awesome-compose has both kinds.
        assertThat(own.stacks()).allSatisfy(s -> assertThat(s.isValid()).as(s.name()).isTrue());
        assertThat(aw.stacks()).anySatisfy(s -> assertThat(s.isValid()).isTrue());
        assertThat(aw.stacks()).anySatisfy(s -> assertThat(s.isValid()).isFalse());
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("stacks")
    void everyStackLoadsAndIsAcceptedOrRefusedWithEveryProblemLocated(String set, String name) throws IOException {
        LoadedStack stack = StackRepository.scan(CORPUS.resolve(set), options(set)).stack(name).orElseThrow();
        // The YAML itself always loads: refusals are about TrueNAS, not parsing.
        assertThat(stack.problems()).noneMatch(p -> p.message().startsWith("invalid YAML"));
        assertThat(stack.problems()).allSatisfy(p -> {
            assertThat(p.file()).startsWith("stacks/" + name);
            assertThat(p.line()).as(p.format()).isPositive();
        });
        if (stack.isValid()) {
            assertThat(ComposeNormalizer.normalize(stack.rendered().compose())).isEqualTo(stack.rendered().compose());
            assertThat(ContentHash.of(stack.rendered().compose())).isEqualTo(stack.rendered().hash());
        } else {
            assertThat(stack.problems()).anyMatch(Problem::isError);
        }
        String actual = golden(stack);
        Path expected = CORPUS.resolve(set).resolve("expected").resolve(name + ".txt");
        if (UPDATE) {
            Files.createDirectories(expected.getParent());
            Files.writeString(expected, actual, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(expected, StandardCharsets.UTF_8)).isEqualTo(actual);
    }

    static String golden(LoadedStack stack) {
        StringBuilder b = new StringBuilder();
        List<Problem> problems = stack.problems();
        b.append("# problems: ").append(problems.size()).append('\n');
        problems.forEach(p -> b.append(p.format()).append('\n'));
        if (stack.isValid()) {
            b.append("# hash: ").append(stack.rendered().hash()).append('\n');
            b.append(ComposeYaml.dump(stack.rendered().masker().maskTree(stack.rendered().compose())));
        } else {
            b.append("# refused\n");
        }
        return b.toString();
    }
}
