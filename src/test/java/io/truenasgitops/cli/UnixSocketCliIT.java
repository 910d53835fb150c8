package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployment mode (b) from the command line: the middleware's unix socket instead of an API key over the
 * network ({@code --url ws+unix://...}), as the daemon's container on the NAS runs it.
 */
@QuarkusMainTest
class UnixSocketCliIT {

    static final String WEB = "services:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n";

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;

    @AfterEach
    void tearDown() {
        if (emulator != null) {
            emulator.close();
        }
    }

    String url() {
        return "ws+unix://" + tmp.resolve("middlewared.sock");
    }

    TrueNasEmulator startAsSeenFrom(int uid) {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withUnixSocket(tmp.resolve("middlewared.sock"), uid));
        return emulator;
    }

    @Test
    void appsListAsRootNeedsNoKey(QuarkusMainLauncher launcher) {
        startAsSeenFrom(0).apps().put("media", Map.of("services", Map.of("jellyfin",
                Map.of("image", "jellyfin/jellyfin:10.10"))), "RUNNING");

        LaunchResult r = launcher.launch("apps", "list", "--url", url());

        assertThat(r.exitCode()).as(r.getErrorOutput()).isZero();
        assertThat(r.getOutput()).contains("media", "RUNNING");
        assertThat(emulator.calls().count("auth.login_ex")).isZero();
        assertThat(emulator.calls().count("app.query")).isEqualTo(1);
    }

    @Test
    void syncOverTheSocketCreatesTheAppsOfTheRepository(QuarkusMainLauncher launcher) throws Exception {
        startAsSeenFrom(0);
        Path repo = tmp.resolve("repo");
        Path compose = repo.resolve("stacks/web/compose.yaml");
        Files.createDirectories(compose.getParent());
        Files.writeString(compose, WEB);
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            PersonIdent me = new PersonIdent("Test", "test@example.invalid");
            git.commit().setMessage("web").setAuthor(me).setCommitter(me).call();
        }

        LaunchResult r = launcher.launch("sync", "--repo", repo.toString(), "--url", url(), "--settle-time", "1");

        assertThat(r.exitCode()).as(r.getErrorOutput()).isZero();
        assertThat(r.getOutput()).contains("web", "create", "applied");
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");
        assertThat(emulator.calls().count("app.create")).isEqualTo(1);
    }

    @Test
    void aNonRootUidWithAKeyFileLogsInOverTheSocket(QuarkusMainLauncher launcher) throws Exception {
        startAsSeenFrom(10001);
        Path key = tmp.resolve("api-key");
        Files.writeString(key, emulator.apiKey());

        LaunchResult r = launcher.launch("apps", "list", "--url", url(), "--api-key-file", key.toString(),
                "--username", emulator.username());

        assertThat(r.exitCode()).as(r.getErrorOutput()).isZero();
        assertThat(emulator.calls().count("auth.login_ex")).isEqualTo(1);
        assertThat(r.getOutput() + r.getErrorOutput()).doesNotContain(emulator.apiKey());
    }

    @Test
    void aNonRootUidWithoutKeyIsToldWhatToDo(QuarkusMainLauncher launcher) {
        startAsSeenFrom(10001);

        LaunchResult r = launcher.launch("apps", "list", "--url", url());

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.getErrorOutput()).contains("did not log in this process", "TRUENAS_API_KEY_FILE");
    }

    @Test
    void aMissingSocketSaysWhichDirectoryToMount(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("apps", "list", "--url", url());

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.getErrorOutput()).contains("cannot connect to " + url(), "does not exist",
                "/var/run/middleware:/var/run/middleware");
    }
}
