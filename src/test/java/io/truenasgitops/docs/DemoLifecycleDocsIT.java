package io.truenasgitops.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the README promises about the demo's life, with the real jar started as a person starts it (through the
 * launcher): it listens on loopback only, Ctrl-C (SIGINT) and SIGTERM delete its temporary folder, and a port
 * already taken is named with the way to choose another.
 */
class DemoLifecycleDocsIT {

    @TempDir
    Path scratch;

    Process startDemo(int port, Path out, Path err) throws IOException {
        Path project = DocWalk.projectDir();
        DocWalk.assertJarBuilt(project);
        // The README's command: the packaged launcher, which execs the JVM (so the signals below reach it).
        ProcessBuilder pb = new ProcessBuilder(List.of(project.resolve(DocWalk.LAUNCHER).toString(), "demo"))
                .directory(project.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("TRUENAS") || k.equals("JAVA_OPTS"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.environment().put("TRUENAS_GITOPS_RECONCILE_INTERVAL", "1h");
        return pb.start();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    Path runUntilWelcomeThenSignal(String signal) throws Exception {
        Path out = scratch.resolve(signal + ".out");
        Path err = scratch.resolve(signal + ".err");
        int port = freePort();
        Process demo = startDemo(port, out, err);
        try {
            await("the demo's welcome").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300))
                    .untilAsserted(() -> {
                        assertThat(demo.isAlive()).as(Files.readString(err)).isTrue();
                        assertThat(Files.readString(out)).contains("export DEMO=");
                    });
            String text = Files.readString(out);
            Path dir = Path.of(text.lines().map(String::strip).filter(l -> l.startsWith("export DEMO=")).findFirst()
                    .orElseThrow().substring("export DEMO=".length()));
            assertThat(dir).isDirectory();
            assertThat(text + Files.readString(err)).contains("Listening on: http://127.0.0.1:" + port);
            // SIGINT is what Ctrl-C sends to the terminal's foreground process.
            new ProcessBuilder("kill", "-" + signal, Long.toString(demo.pid())).start().waitFor();
            assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("the demo stops on SIG" + signal).isTrue();
            return dir;
        } finally {
            demo.destroyForcibly();
        }
    }

    @Test
    void ctrlCStopsTheDemoAndDeletesItsTemporaryFolder() throws Exception {
        assertThat(runUntilWelcomeThenSignal("INT")).doesNotExist();
    }

    @Test
    void sigtermStopsTheDemoAndDeletesItsTemporaryFolder() throws Exception {
        assertThat(runUntilWelcomeThenSignal("TERM")).doesNotExist();
    }

    @Test
    void aPortAlreadyTakenIsNamedWithTheWayToPickAnother() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path out = scratch.resolve("taken.out");
            Path err = scratch.resolve("taken.err");
            Process demo = startDemo(taken.getLocalPort(), out, err);
            try {
                assertThat(demo.waitFor(3, TimeUnit.MINUTES)).isTrue();
                String stderr = Files.readString(err);
                assertThat(demo.exitValue()).as(stderr).isEqualTo(2);
                assertThat(stderr).contains("error: port " + taken.getLocalPort(), "already in use",
                        "QUARKUS_HTTP_PORT=" + (taken.getLocalPort() + 1)).doesNotContain("kill -9");
            } finally {
                demo.destroyForcibly();
            }
        }
    }
}
