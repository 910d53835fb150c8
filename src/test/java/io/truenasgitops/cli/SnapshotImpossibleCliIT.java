package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code snapshot:} policy that cannot protect its stack's data, from the command line: {@code validate} warns with
 * the fix, {@code plan} shows it under the stack (table and JSON), {@code sync} holds the apply back; against the
 * emulator, whose {@code pool.dataset.query} hides what the middleware hides.
 */
@QuarkusMainTest
class SnapshotImpossibleCliIT {

    static final String WEB = """
            services:
              web:
                image: nginx:1.27
                volumes:
                  - /mnt/tank/apps/web:/usr/share/nginx/html
                  - cache:/var/cache/nginx
            volumes:
              cache: {}
            """;
    static final String JELLYFIN = """
            services:
              jellyfin:
                image: jellyfin/jellyfin:10.10
                volumes:
                  - /mnt/tank/apps/jellyfin/config:/config
            """;

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;
    Path repo;
    Path keyFile;

    @BeforeEach
    void setUp() throws Exception {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        emulator.storage().seedDataset("tank/apps");
        keyFile = tmp.resolve("api-key");
        Files.writeString(keyFile, emulator.apiKey());
        repo = tmp.resolve("repo");
        Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call().close();
        RepoCommits.commit(repo, "stacks/jellyfin/compose.yaml", JELLYFIN);
        RepoCommits.commit(repo, "stacks/web/compose.yaml", WEB);
    }

    @AfterEach
    void tearDown() {
        emulator.close();
    }

    String[] args(String command, String... extra) {
        List<String> a = new ArrayList<>(List.of(command, "--repo", repo.toString(), "--url", emulator.url(),
                "--api-key-file", keyFile.toString(), "--username", emulator.username(), "--tls-fingerprint",
                emulator.tlsFingerprint(), "--settle-time", "1"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void validateWarnsOfANamedVolumeWithBothFixesAndStillPasses(QuarkusMainLauncher launcher) throws Exception {
        RepoCommits.commit(repo, "stacks/web/stack.yaml", "# data\nsnapshot:\n  keepLast: 3\n");

        LaunchResult r = launcher.launch("validate", repo.toString());

        assertThat(r.exitCode()).as(r.getOutput()).isZero();
        assertThat(CliOutput.lines(r)).anySatisfy(l -> assertThat(l).startsWith(
                "stacks/web/stack.yaml:2: warning: snapshot: named volume 'cache' of stack 'web' lives in the apps'"
                        + " shared ix-apps/docker dataset").contains("held back (SnapshotImpossible)")
                .contains("a dataset of its own").contains("snapshot: {required: false} in stacks/web/stack.yaml"));
        assertThat(CliOutput.lines(r).get(CliOutput.lines(r).size() - 1)).endsWith("1 warning");
    }

    @Test
    void planShowsTheSharedDatasetUnderTheStackAndSyncHoldsTheApplyBack(QuarkusMainLauncher launcher)
            throws Exception {
        RepoCommits.commit(repo, "stacks/web/compose.yaml", WEB.replace("      - cache:/var/cache/nginx\n", "")
                .replace("volumes:\n  cache: {}\n", ""));
        RepoCommits.commit(repo, "stacks/web/stack.yaml", "snapshot: true\n");

        LaunchResult plan = launcher.launch(args("plan"));
        assertThat(plan.exitCode()).as(plan.getErrorOutput()).isEqualTo(ExitCodes.FAILED);
        assertThat(plan.getOutput()).contains("! blocked", "SnapshotImpossible: the snapshot policy of stack 'web'"
                + " cannot protect its data, so app 'web' is not created: host path /mnt/tank/apps/web of stack 'web'"
                + " is on dataset 'tank/apps', which 'jellyfin' mounts too");
        assertThat(emulator.calls().count("pool.dataset.query")).isEqualTo(1);

        LaunchResult json = launcher.launch(args("plan", "-o", "json"));
        JsonNode web = null;
        for (JsonNode a : new ObjectMapper().readTree(String.join("\n", CliOutput.lines(json))).get("actions")) {
            if (a.get("stack").asText().equals("web")) {
                web = a;
            }
        }
        assertThat(web).isNotNull();
        assertThat(web.get("action").asText()).isEqualTo("blocked");
        assertThat(web.get("reason").get("code").asText()).isEqualTo("SnapshotImpossible");

        emulator.calls().reset();
        LaunchResult sync = launcher.launch(args("sync"));
        assertThat(sync.exitCode()).isNotZero();
        assertThat(emulator.apps().get("web")).isEmpty();
        assertThat(emulator.apps().get("jellyfin")).as("a broken stack fails alone").isPresent();
        assertThat(emulator.calls().count("app.create")).isEqualTo(1);
    }

    @Test
    void requiredFalseIsAWarningLineUnderTheStackAndTheApplyGoesOn(QuarkusMainLauncher launcher) throws Exception {
        RepoCommits.commit(repo, "stacks/web/stack.yaml", "snapshot:\n  required: false\n");

        LaunchResult plan = launcher.launch(args("plan"));
        assertThat(plan.getOutput()).contains("+ create", "NotDeployed", "warning: the snapshot policy does not"
                + " protect all of the data of stack 'web' (required: false, so it is applied anyway)");

        LaunchResult json = launcher.launch(args("plan", "-o", "json"));
        assertThat(String.join("\n", CliOutput.lines(json))).contains("\"warnings\" : [ \"the snapshot policy does"
                + " not protect all of the data of stack 'web'");

        launcher.launch(args("sync"));
        assertThat(emulator.apps().get("web")).isPresent();
    }
}
