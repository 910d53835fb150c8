package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.truenasgitops.emulator.EmulatedApps.AppView;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The migration of docs/migrating.md, step by step with the documented commands: an app created in the TrueNAS
 * UI is exported with {@code apps config NAME}, committed as {@code stacks/NAME/compose.yaml}, shown as
 * {@code NotOwned} by {@code plan}, adopted with {@code adopt: true} and {@code sync --stack NAME} (containers
 * recreated once, the same compose), and then in sync, also once {@code adopt} is removed again.
 */
@QuarkusMainTest
class MigratingCliIT {

    /** What a user typed in the UI: YAML 1.1 traps, ports, host paths, env, a named volume, a shell command. */
    static final String UI_COMPOSE = """
            services:
              app:
                image: ghcr.io/example/app:2.4
                restart: unless-stopped
                ports:
                  - "8080:80"
                  - "2222:22"
                environment:
                  TZ: Europe/Berlin
                  FEATURE_X: "yes"
                  DEBUG: "false"
                  RETRIES: "3"
                  UMASK: "0022"
                  GREETING: "hello: world # not a comment"
                user: "568:568"
                volumes:
                  - /mnt/tank/apps/app/config:/config
                  - app-cache:/cache
                command: ["sh", "-c", "exec app --port 80 > /proc/1/fd/1"]
                healthcheck:
                  test: ["CMD", "wget", "-qO-", "http://localhost/health"]
                  interval: 30s
              db:
                image: postgres:17
                environment:
                  POSTGRES_PASSWORD: pa$$word
            volumes:
              app-cache: {}
            """;

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;
    Path repo;
    Path keyFile;

    @BeforeEach
    void setUp() throws Exception {
        if (java.security.Security.getProvider("BC") == null) {
            java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withDeployDelay(Duration.ofMillis(100))
                .withRateLimit(1000, Duration.ofSeconds(60), Duration.ZERO));
        keyFile = tmp.resolve("api-key");
        Files.writeString(keyFile, emulator.apiKey());
        repo = tmp.resolve("repo");
        Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call().close();
        @SuppressWarnings("unchecked")
        Map<String, Object> compose = new Yaml().loadAs(UI_COMPOSE, LinkedHashMap.class);
        emulator.apps().put("app", compose, "RUNNING"); // created in the UI: no stamp
    }

    @AfterEach
    void tearDown() {
        emulator.close();
    }

    String[] connection(String... command) {
        List<String> a = new ArrayList<>(List.of(command));
        a.addAll(List.of("--url", "wss://localhost:" + emulator.port(), "--api-key-file", keyFile.toString(),
                "--username", emulator.username(), "--tls-fingerprint", emulator.tlsFingerprint()));
        return a.toArray(String[]::new);
    }

    String[] reconcile(String command, String... extra) {
        List<String> a = new ArrayList<>(List.of(connection(command, "--repo", repo.toString(), "--settle-time", "1")));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    void commit(String path, String content) throws Exception {
        Path f = repo.resolve(path);
        Files.createDirectories(f.getParent());
        if (content == null) {
            Files.delete(f);
        } else {
            Files.writeString(f, content);
        }
        try (Git git = Git.open(repo.toFile())) {
            git.add().addFilepattern(".").call();
            git.add().setUpdate(true).addFilepattern(".").call();
            PersonIdent me = new PersonIdent("Test", "test@example.invalid");
            git.commit().setMessage("change " + path).setAuthor(me).setCommitter(me).call();
        }
    }

    JsonNode plan(QuarkusMainLauncher launcher, int exitCode) throws Exception {
        LaunchResult r = launcher.launch(reconcile("plan", "-o", "json"));
        assertThat(r.exitCode()).as(r.getErrorOutput()).isEqualTo(exitCode);
        return new ObjectMapper().readTree(String.join("\n", CliOutput.lines(r)));
    }

    @SuppressWarnings("unchecked")
    static Object path(Map<String, Object> map, String... keys) {
        Object at = map;
        for (String k : keys) {
            at = ((Map<String, Object>) at).get(k);
        }
        return at;
    }

    @Test
    void anAppCreatedInTheUiIsExportedAdoptedAndThenInSync(QuarkusMainLauncher launcher) throws Exception {
        // 1. export: the output of apps config is the stack's compose file as it is
        LaunchResult export = launcher.launch(connection("apps", "config", "app"));
        assertThat(export.exitCode()).as(export.getErrorOutput()).isZero();
        commit("stacks/app/compose.yaml", String.join("\n", CliOutput.lines(export)) + "\n");

        LaunchResult validate = launcher.launch(new String[] {"validate", repo.toString()});
        assertThat(validate.exitCode()).as(validate.getOutput()).isZero();

        // 2. plan without adopt: blocked, nothing written
        JsonNode blocked = plan(launcher, 1).path("actions").get(0);
        assertThat(blocked.path("action").asText()).isEqualTo("blocked");
        assertThat(blocked.path("reason").path("code").asText()).isEqualTo("NotOwned");

        // 3. adopt: true; the plan is an update without any change to the compose itself
        commit("stacks/app/stack.yaml", "adopt: true\n");
        JsonNode adopt = plan(launcher, 1).path("actions").get(0);
        assertThat(adopt.path("action").asText()).isEqualTo("update");
        assertThat(adopt.path("reason").path("code").asText()).isEqualTo("Adopt");
        assertThat(adopt.path("diff").asText()).as("the export round-trips: nothing but the stamp changes").isEmpty();
        assertThat(emulator.calls().writes()).isZero();

        // 4. sync that stack: one app.update, containers recreated once, the same compose plus our stamp
        AppView before = emulator.apps().get("app").orElseThrow();
        LaunchResult sync = launcher.launch(reconcile("sync", "--stack", "app"));
        assertThat(sync.exitCode()).as(sync.getErrorOutput()).isZero();
        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertThat(emulator.calls().count("app.create") + emulator.calls().count("app.delete")).isZero();
        AppView after = emulator.apps().get("app").orElseThrow();
        assertThat(after.state()).isEqualTo("RUNNING");
        assertThat(after.containerIds()).doesNotContainAnyElementsOf(before.containerIds());
        assertThat(after.compose()).containsKey("x-truenas-gitops");
        // The same settings, in compose's long form (ports and volumes as mappings): what the engine sends.
        assertThat(path(after.compose(), "services", "app", "environment"))
                .isEqualTo(path(before.compose(), "services", "app", "environment"));
        assertThat(path(after.compose(), "services", "db", "environment")).isEqualTo(Map.of("POSTGRES_PASSWORD", "pa$$word"));
        assertThat(path(after.compose(), "services", "app", "image")).isEqualTo("ghcr.io/example/app:2.4");
        assertThat(path(after.compose(), "volumes")).isEqualTo(path(before.compose(), "volumes"));

        // 5. in sync, with or without adopt
        emulator.calls().reset();
        assertThat(plan(launcher, 0).path("inSync").asBoolean()).isTrue();
        commit("stacks/app/stack.yaml", null);
        assertThat(plan(launcher, 0).path("inSync").asBoolean()).isTrue();
        assertThat(emulator.calls().writes()).isZero();
    }
}
