package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The data folders of a compose: its relative data binds under the host base path, owned as the service runs. */
class DataFoldersTest {

    private static ComposeRenderer.Result render(String yaml) {
        return ComposeRenderer.render(new ComposeRenderer.Request("db", yaml, "stacks/db/compose.yaml", null,
                "stacks/db", Variables.none(), Path.of("/mnt/tank/apps")));
    }

    static Stream<Arguments> owners() {
        return Stream.of(
                Arguments.of("user: \"999:999\"", "999:999"),
                Arguments.of("user: \"1000\"", "1000:1000"),
                Arguments.of("user: \"0:0\"", "0:0"),
                Arguments.of("environment: {A: b}", "568:568"),
                Arguments.of("user: postgres", "568:568"),
                Arguments.of("user: \"1000:users\"", "568:568"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("owners")
    void theFolderIsOwnedAsTheServiceRuns(String userLine, String owner) {
        ComposeRenderer.Result r = render("services:\n  db:\n    image: postgres:16\n    " + userLine
                + "\n    volumes:\n      - ./data:/var/lib/postgresql/data\n");

        assertThat(r.ok()).as(r.problems().toString()).isTrue();
        assertThat(r.rendered().dataFolders()).singleElement().satisfies(f -> {
            assertThat(f.hostPath()).isEqualTo("/mnt/tank/apps/db/data");
            assertThat(f.basePath()).isEqualTo("/mnt/tank/apps");
            assertThat(f.service()).isEqualTo("db");
            assertThat(f.owner()).isEqualTo(owner);
        });
    }

    @Test
    void aUserGivenByNameGetsTheAppsUserAndAWarningWithItsLine() {
        ComposeRenderer.Result r = render("services:\n  db:\n    image: postgres:16\n    user: postgres\n"
                + "    volumes:\n      - ./data:/var/lib/postgresql/data\n");

        assertThat(r.problems()).filteredOn(p -> !p.isError()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("stacks/db/compose.yaml");
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.message()).contains("a name that cannot be looked up from the repository")
                    .contains("568:568");
        });
    }

    @Test
    void twoServicesSharingAFolderWithDifferentUsersGiveItTheFirstsOwnerAndAWarning() {
        ComposeRenderer.Result r = render("services:\n  app:\n    image: a:1\n    user: \"1000:1000\"\n"
                + "    volumes:\n      - ./shared:/data\n  worker:\n    image: a:1\n    user: \"2000:2000\"\n"
                + "    volumes:\n      - type: bind\n        source: ./shared\n        target: /data\n");

        assertThat(r.rendered().dataFolders()).singleElement().satisfies(f -> {
            assertThat(f.owner()).isEqualTo("1000:1000");
            assertThat(f.service()).isEqualTo("app");
        });
        assertThat(r.problems()).filteredOn(p -> !p.isError()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(11);
            assertThat(p.message()).contains("is shared by services 'app' (1000:1000) and 'worker' (2000:2000)");
        });
    }

    @Test
    void absoluteBindsNamedVolumesAndNoHostBasePathMakeNoDataFolder() {
        ComposeRenderer.Result r = render("services:\n  db:\n    image: postgres:16\n    volumes:\n"
                + "      - /mnt/tank/pg:/var/lib/postgresql/data\n      - cache:/cache\nvolumes:\n  cache: {}\n");
        assertThat(r.rendered().dataFolders()).isEmpty();

        ComposeRenderer.Result nested = render("services:\n  db:\n    image: postgres:16\n    volumes:\n"
                + "      - ./data/db:/a\n      - ./data:/b\n      - ./data:/c:ro\n");
        assertThat(nested.rendered().dataFolders()).extracting(DataFolder::hostPath)
                .isEqualTo(List.of("/mnt/tank/apps/db/data", "/mnt/tank/apps/db/data/db"));
    }
}
