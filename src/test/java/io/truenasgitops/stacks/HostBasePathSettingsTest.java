package io.truenasgitops.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.compose.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where relative bind mounts go (per target, or for all), and what a missing data folder is made as. */
class HostBasePathSettingsTest {

    @TempDir
    Path repo;

    private LoadedStack load(String stackYaml, StacksOptions options) throws Exception {
        Path dir = Files.createDirectories(repo.resolve("stacks/db"));
        Files.writeString(dir.resolve("compose.yaml"),
                "services:\n  db:\n    image: postgres:16\n    volumes:\n      - ./data:/var/lib/postgresql/data\n");
        if (stackYaml != null) {
            Files.writeString(dir.resolve("stack.yaml"), stackYaml);
        }
        return StackRepository.load(repo, dir, options, Map.of());
    }

    @SuppressWarnings("unchecked")
    private static Object volume(LoadedStack s) {
        Map<String, Object> services = (Map<String, Object>) s.rendered().compose().get("services");
        Map<String, Object> db = (Map<String, Object>) services.get("db");
        return ((java.util.List<Object>) db.get("volumes")).get(0);
    }

    @Test
    void aTargetsOwnHostBasePathWinsOverTheGlobalOneForItsStacks() throws Exception {
        StacksOptions options = new StacksOptions("stacks", null, Path.of("/mnt/tank/apps"))
                .withTargetHostBasePaths(Map.of("backup", Path.of("/mnt/backup/apps")));

        LoadedStack onBackup = load("target: backup\n", options);

        assertThat(onBackup.isValid()).as(onBackup.problems().toString()).isTrue();
        assertThat(volume(onBackup).toString()).contains("/mnt/backup/apps/db/data");
    }

    @Test
    void aStackOfATargetWithoutItsOwnHostBasePathUsesTheGlobalOne() throws Exception {
        StacksOptions options = new StacksOptions("stacks", null, Path.of("/mnt/tank/apps"))
                .withTargetHostBasePaths(Map.of("backup", Path.of("/mnt/backup/apps")));

        LoadedStack onDefault = load(null, options);

        assertThat(volume(onDefault).toString()).contains("/mnt/tank/apps/db/data");
        assertThat(onDefault.settings().dataFolders()).isEqualTo(StackSettings.DataFolders.DIRECTORY);
    }

    @Test
    void dataFoldersDatasetIsReadAndAnyOtherValueIsALocatedError() throws Exception {
        StacksOptions options = new StacksOptions("stacks", null, Path.of("/mnt/tank/apps"));
        assertThat(load("dataFolders: dataset\n", options).settings().dataFolders())
                .isEqualTo(StackSettings.DataFolders.DATASET);

        LoadedStack bad = load("state: running\ndataFolders: zvol\n", options);

        assertThat(bad.problems()).filteredOn(Problem::isError).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("stacks/db/stack.yaml");
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("'dataFolders' is 'directory' or 'dataset'").contains("'zvol'");
        });
    }

    @Test
    void aFileBesideTheComposeIsDeliveredAndOnlyTheDataBindIsADataFolder() throws Exception {
        Path dir = Files.createDirectories(repo.resolve("stacks/proxy"));
        Files.writeString(dir.resolve("Caddyfile"), ":80 {\n  respond \"hello\"\n}\n");
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/.gitkeep"), "");
        Files.writeString(dir.resolve("compose.yaml"), "services:\n  caddy:\n    image: caddy:2\n    volumes:\n"
                + "      - ./Caddyfile:/etc/caddy/Caddyfile:ro\n      - ./site:/srv\n      - ./data:/data\n");

        LoadedStack s = StackRepository.load(repo, dir, new StacksOptions("stacks", null, Path.of("/mnt/tank/apps")),
                Map.of());

        assertThat(s.isValid()).as(s.problems().toString()).isTrue();
        assertThat(s.rendered().dataFolders()).extracting(f -> f.hostPath() + " " + f.owner())
                .containsExactly("/mnt/tank/apps/proxy/data 568:568", "/mnt/tank/apps/proxy/site 568:568");
    }

    @Test
    void aRelativeHostBasePathIsRefusedNamingTheSetting() {
        assertThat(StacksOptions.hostBasePathProblem("TRUENAS_HOST_BASE_PATH", Path.of("apps")))
                .hasValue("TRUENAS_HOST_BASE_PATH must be an absolute path on the NAS, such as /mnt/tank/apps, not"
                        + " 'apps'");
        assertThat(StacksOptions.hostBasePathProblem("--host-base-path", Path.of("/mnt/tank/apps"))).isEmpty();
    }
}
