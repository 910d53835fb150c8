package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code apps list}, {@code apps get} and {@code apps pull-images} show what TrueNAS knows about newer images, in
 * colour on a terminal only; the command line runs in-process so that a colour terminal can be played.
 */
class AppsImageUpdatesIT {

    static final Map<String, Object> WEB = Map.of("services", Map.of(
            "web", Map.of("image", "nginx:1.25"), "cache", Map.of("image", "redis:7")));
    static final Map<String, Object> DB = Map.of("services", Map.of("db", Map.of("image", "postgres:17")));

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;
    Path keyFile;
    Terminal previous;

    @BeforeEach
    void setUp() throws Exception {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        keyFile = tmp.resolve("key");
        Files.writeString(keyFile, emulator.apiKey());
        emulator.apps().put("web", WEB, "RUNNING");
        emulator.apps().put("db", DB, "RUNNING");
        emulator.imageUpdates().markUpdated("nginx:1.25");
        previous = Terminal.current();
    }

    @AfterEach
    void tearDown() {
        Terminal.use(previous);
        emulator.close();
    }

    record Run(int exitCode, String out) {}

    Run run(boolean colours, String... command) {
        Terminal.use(new Terminal() {
            public boolean interactive() {
                return colours;
            }

            public boolean colours() {
                return colours;
            }

            public String ask(PrintWriter err, String question) {
                return null;
            }
        });
        CommandLine cli = RootCommand.commandLine(CommandLine.defaultFactory(), List.of(new AppsCommand()));
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--url", emulator.url(), "--api-key-file", keyFile.toString(), "--username",
                emulator.username(), "--tls-fingerprint", emulator.tlsFingerprint()));
        return new Run(cli.execute(args.toArray(String[]::new)), out.toString());
    }

    @Test
    void onAColourTerminalTheOutdatedImageIsMarkedInYellowWithALegend() {
        Run r = run(true, "apps", "list");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("nginx:1.25\u001b[33m*\u001b[0m").contains("redis:7")
                .doesNotContain("redis:7\u001b[33m*").doesNotContain("postgres:17\u001b[33m*")
                .contains("\u001b[33m*\u001b[0m a newer image under the same tag is on the registry (1 app,");
        assertThat(emulator.calls().count("app.outdated_docker_images")).as("asked for the flagged app only")
                .isEqualTo(1);
    }

    @Test
    void withoutColoursTheMarkIsPlainAndNothingIsMarkedWithoutAnUpdate() {
        Run r = run(false, "apps", "list");

        assertThat(r.out()).doesNotContain("\u001b[").containsPattern("(?m)^web .* (redis:7,nginx:1\\.25\\*|nginx:1\\.25\\*,redis:7)$")
                .containsPattern("(?m)^db .* postgres:17$")
                .contains("* a newer image under the same tag is on the registry (1 app,");

        emulator.imageUpdates().clear();
        assertThat(run(false, "apps", "list").out()).doesNotContain("*");
    }

    @Test
    void jsonAndYamlCarryTheFlagAsTrueNasReportsIt() throws Exception {
        JsonNode apps = new ObjectMapper().readTree(run(false, "apps", "list", "-o", "json").out());
        Map<String, Boolean> flags = new java.util.TreeMap<>();
        apps.forEach(a -> flags.put(a.path("name").asText(), a.path("image_updates_available").asBoolean()));
        assertThat(flags).isEqualTo(Map.of("db", false, "web", true));

        assertThat(run(false, "apps", "list", "-o", "yaml").out()).contains("image_updates_available: true")
                .contains("image_updates_available: false");
    }

    @Test
    void getNamesTheOutdatedImagesInsteadOfACatalogUpgrade() {
        Run r = run(false, "apps", "get", "web");

        assertThat(r.out()).contains("updates:    newer image under the same tag: nginx:1.25 (Git decides")
                .doesNotContain("upgrade:");
        assertThat(run(false, "apps", "get", "db").out()).doesNotContain("updates:");
    }

    @Test
    void pullImagesIsAnActionAPersonAsksForAndClearsTheFlag() {
        Run r = run(false, "apps", "pull-images", "web");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("pulled the images of app 'web' and redeployed it");
        assertThat(emulator.calls().count("app.pull_images")).isEqualTo(1);
        assertThat(emulator.imageUpdates().isOutdated("nginx:1.25")).isFalse();
        assertThat(run(false, "apps", "list").out()).doesNotContain("*");
    }
}
