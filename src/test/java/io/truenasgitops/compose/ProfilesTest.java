package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProfilesTest {

    @TempDir
    Path dir;

    ComposeRenderer.Result render(String yaml) {
        return ComposeRenderer.render(new ComposeRenderer.Request("app", yaml, "stacks/app/compose.yaml", dir,
                "stacks/app", Variables.none(), null));
    }

    static Stream<Arguments> cases() {
        String web = "services:\n  web:\n    image: a\n";
        return Stream.of(
                // yaml, services rendered, warnings, errors
                Arguments.of(web, List.of("web"), 0, 0),
                Arguments.of(web + "    profiles: []\n", List.of("web"), 0, 0),
                Arguments.of(web + "  debug:\n    image: b\n    profiles: [dev]\n", List.of("web"), 1, 0),
                Arguments.of(web + "  a:\n    image: b\n    profiles: [dev]\n  b:\n    image: c\n    profiles: [x, y]\n",
                        List.of("web"), 2, 0),
                Arguments.of(web + "    depends_on: [db]\n  db:\n    image: b\n    profiles: [dev]\n", null, 1, 1),
                Arguments.of(web + "    depends_on:\n      db:\n        condition: service_healthy\n"
                        + "  db:\n    image: b\n    profiles: [dev]\n", null, 1, 1),
                Arguments.of(web + "    depends_on:\n      db:\n        condition: service_started\n"
                        + "        required: false\n  db:\n    image: b\n    profiles: [dev]\n", List.of("web"), 1, 0));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void servicesWithProfilesAreLeftOutAsComposeUpWithoutProfileDoes(String yaml, List<String> services,
            int warnings, int errors) {
        ComposeRenderer.Result r = render(yaml);
        assertThat(r.problems().stream().filter(p -> !p.isError()).count()).as(r.problems().toString())
                .isEqualTo(warnings);
        assertThat(r.problems().stream().filter(Problem::isError).count()).as(r.problems().toString())
                .isEqualTo(errors);
        if (services == null) {
            assertThat(r.ok()).isFalse();
        } else {
            assertThat(r.ok()).as(r.problems().toString()).isTrue();
            assertThat(((Map<?, ?>) r.rendered().compose().get("services")).keySet().stream().map(String::valueOf).toList())
                    .isEqualTo(services);
        }
    }

    @Test
    void theWarningNamesTheServiceItsProfilesAndItsLine() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n  debug:\n    image: b\n"
                + "    profiles: [dev, debug]\n");
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isFalse();
            assertThat(p.line()).isEqualTo(6);
            assertThat(p.message()).contains("'debug'", "'dev' or 'debug'", "--profile");
        });
    }

    @Test
    void aDependencyOnALeftOutServiceIsAnErrorNamingBothServices() {
        ComposeRenderer.Result r = render("services:\n  web:\n    image: a\n    depends_on: [db]\n"
                + "  db:\n    image: b\n    profiles: [dev]\n");
        assertThat(r.problems()).filteredOn(Problem::isError).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("stacks/app/compose.yaml");
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.message()).contains("'db' is needed by service 'web'", "profiles");
        });
    }

    @Test
    void anActiveProfileKeepsItsServices() {
        Object tree = Map.of("services", Map.of("debug", Map.of("image", "b", "profiles", List.of("dev"))));
        Profiles.Result r = Profiles.apply(tree, java.util.Set.of("dev"), SourceMap.empty("c"));
        assertThat(r.problems()).isEmpty();
        assertThat(r.tree()).isEqualTo(tree);
    }
}
