package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the demo prepares for the person trying it (a real emulator and a Git repository in a temp dir): the
 * README's next steps must work from it on a machine with no Git identity and no token set.
 */
class DemoEnvironmentIT {

    private DemoEnvironment env;

    @BeforeEach
    void prepare() {
        env = DemoEnvironment.prepare(null, false);
    }

    @AfterEach
    void close() {
        env.close();
    }

    @Test
    void theDemoRepositoryConfigCarriesACommitIdentitySoTheReadmesGitCommitWorksWithoutOne() throws Exception {
        // The repository's own config file alone (no base: not the user's ~/.gitconfig, which a fresh box lacks).
        FileBasedConfig local = new FileBasedConfig(null, env.repoDir().resolve(".git/config").toFile(), FS.DETECTED);
        local.load();
        assertThat(local.getString("user", null, "name")).as("user.name in $DEMO/repo/.git/config").isNotBlank();
        assertThat(local.getString("user", null, "email")).as("user.email in $DEMO/repo/.git/config").isNotBlank();
    }

    @Test
    void theBannerExportsTheDaemonTokenFileTheCliReadsAndNamesTheStatusPage() {
        env.daemonProperties(); // as cli.Main does before Quarkus boots: writes the token file
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        env.printWelcome(new PrintStream(bytes, true, StandardCharsets.UTF_8), 8123);
        String banner = bytes.toString(StandardCharsets.UTF_8);
        // The variable cli.DaemonOptions reads, pointing at the file (the token itself is never printed).
        assertThat(banner).containsPattern("(?m)^\\s*export .*\\bTRUENAS_GITOPS_API_TOKEN_FILE=\\$DEMO/api-token\\b");
        assertThat(env.workDir().resolve("api-token")).as("the file the export points at").exists();
        assertThat(banner).doesNotContain(readToken());
        assertThat(banner).containsPattern("(?m)^\\s*http://localhost:8123/\\s+status page");
        assertThat(banner).contains("sync --server http://localhost:8123 --wait");
    }

    private String readToken() {
        try {
            return java.nio.file.Files.readString(env.workDir().resolve("api-token")).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
