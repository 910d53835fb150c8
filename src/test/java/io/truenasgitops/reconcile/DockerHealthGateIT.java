package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truenasgitops.emulator.DockerOptions;
import io.truenasgitops.emulator.DockerTestEngine;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.git.GitSettings;
import io.truenasgitops.git.JGitSource;
import io.truenasgitops.git.Snapshot;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import io.truenasgitops.truenas.ConnectionSettings;
import io.truenasgitops.truenas.TrueNasClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safe deploys on the real Docker Engine ({@code emulator --docker}), the health-gate half of issue 22: a stack runs
 * and answers HTTP on its 127.0.0.1 port; a commit whose container exits at once (exit code 1) is applied, the
 * engine reports the container exited and the app CRASHED ({@code ix_apps/query.py}), and the health gate fails.
 * With {@code onFailure: rollback} the revision that passed the gate is applied again and answers; without it the
 * stack is {@code ApplyFailed} (the app is down) and the next commit brings it up. Images are built here from
 * busybox; nothing is pulled. Skipped without an engine ({@code DOCKER_HOST}), failed instead under {@code CI=true}.
 */
class DockerHealthGateIT {

    static final String SUFFIX = HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(),
            (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
    static final String WEB = "tge2e-gate-web-" + SUFFIX;
    static final String IMAGE = "tge2e-gate-web-" + SUFFIX + ":1";

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;
    TrueNasClient client;
    GitFixture git;
    JGitSource source;
    Reconciler engine;
    int port;

    @BeforeEach
    void setUp() throws Exception {
        DockerTestEngine.requireEngine();
        DockerTestEngine.buildBusyboxImage(IMAGE, Files.createDirectories(tmp.resolve("image")));
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults()
                .withDocker(new DockerOptions(null, tmp.resolve("ix-apps"))));
        client = TrueNasClient.connect(ConnectionSettings.builder(emulator.url()).apiKey(emulator.apiKey())
                .username(emulator.username()).tlsFingerprint(emulator.tlsFingerprint()).build());
        git = new GitFixture(tmp.resolve("origin"));
        source = new JGitSource(GitSettings.of(git.url(), "main", "", tmp.resolve("git-state")));
        // Real containers: the gate must see the app RUNNING for 3 s, six polls of the emulator's engine mirror
        // (every 500 ms), so a container that exits at once is seen exited before the gate passes.
        ReconcileConfig config = TestConfig.of(Duration.ofMinutes(1), 0.1, Duration.ofSeconds(3), Duration.ofMillis(200),
                Duration.ofSeconds(10), Duration.ofMinutes(5), 4, false, tmp.resolve("state"), Optional.empty(),
                Duration.ofSeconds(30), 500);
        engine = Reconciler.builder().config(config).source(source)
                .scanner(root -> StackRepository.scan(root, StacksOptions.defaults()))
                .target("default", client.apps()).store(new JsonFileStatusStore(config.stateDir())).build();
        port = DockerAppsIT.freePort();
    }

    @AfterEach
    void tearDown() {
        if (emulator == null) {
            return; // skipped: no engine
        }
        try {
            StatusInvariants.assertValid(engine);
            engine.close();
            source.close();
            client.close();
            git.close();
        } finally {
            emulator.close();
            DockerTestEngine.removeProjectsAndImage(List.of("ix-" + WEB), IMAGE);
        }
    }

    /** A web server that serves {@code version} on 127.0.0.1:{@code port}; it stops on SIGTERM at once. */
    String web(String version) {
        return """
                services:
                  web:
                    image: %s
                    command: ["/bin/sh", "-c", "echo %s > /www/index.html; trap 'exit 0' TERM; /bin/busybox httpd -f -p 8080 -h /www & wait"]
                    ports:
                      - "127.0.0.1:%d:8080"
                """.formatted(IMAGE, version, port);
    }

    /** The same service, but its container says why on stderr and exits with code 1 at once. */
    String exitsAtOnce() {
        return """
                services:
                  web:
                    image: %s
                    command: ["/bin/sh", "-c", "echo 'config: no such key' >&2; exit 1"]
                    ports:
                      - "127.0.0.1:%d:8080"
                """.formatted(IMAGE, port);
    }

    /** The loopback port answers {@code expected} (the server in a container just started may take a moment). */
    void assertAnswers(String expected) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(DockerAppsIT.get(port)).isEqualTo(expected));
    }

    PassResult sync() {
        return engine.syncOnce(SyncOptions.all());
    }

    /** Version 1 runs and answers; returns its commit. */
    String runningVersion1(String stackYaml) throws Exception {
        git.write("stacks/" + WEB + "/compose.yaml", web("version-1"));
        if (stackYaml != null) {
            git.write("stacks/" + WEB + "/stack.yaml", stackYaml);
        }
        String good = git.commit("web");
        PassResult first = sync();
        assertThat(first.failed()).as(first.toString()).isFalse();
        assertAnswers("200 version-1");
        assertThat(emulator.apps().state(WEB)).isEqualTo("RUNNING");
        return good;
    }

    @Test
    void aContainerThatExitsAtOnceFailsTheGateAndOnFailureRollbackPutsTheAnsweringRevisionBack() throws Exception {
        String good = runningVersion1("onFailure: rollback\n");

        String bad = git.write("stacks/" + WEB + "/compose.yaml", exitsAtOnce()).commit("web: exits at once");
        emulator.calls().reset();
        PassResult failed = sync();

        assertThat(failed.failed()).as(failed.toString()).isTrue();
        assertThat(emulator.calls().count("app.update")).as("the failing update, then the rollback").isEqualTo(2);
        assertThat(emulator.calls().writes()).isEqualTo(2);
        assertAnswers("200 version-1");
        assertThat(emulator.apps().state(WEB)).isEqualTo("RUNNING");
        StackStatus s = engine.status(WEB).orElseThrow();
        assertThat(s.isStalled()).isTrue();
        assertThat(s.lastReason().code()).isEqualTo(Reasons.ROLLED_BACK);
        assertThat(s.lastError()).contains("was rolled back from " + Snapshot.shorten(bad) + " to "
                + Snapshot.shorten(good) + " (onFailure: rollback)").contains("'web'")
                .contains("config: no such key").contains("its data stays");
        assertThat(s.failedApply().revision()).isEqualTo(bad);
        assertThat(s.failedApply().rolledBackTo()).isEqualTo(good);
        List<HistoryEntry> history = engine.history(WEB, 10);
        assertThat(history).extracting(HistoryEntry::kind)
                .containsExactly(HistoryEntry.Kind.ROLLED_BACK, HistoryEntry.Kind.APPLIED);
        assertThat(history.get(0).operation()).isEqualTo(HistoryEntry.Operation.ROLLBACK);
        assertThat(history.get(0).revision()).as("rolled back to").isEqualTo(good);
        assertThat(history.get(0).fromRevision()).as("rolled back from").isEqualTo(bad);
        assertThat(history.get(1).revision()).isEqualTo(good);

        emulator.calls().reset();
        PassResult again = sync();
        assertThat(emulator.calls().writes()).as("the failing revision is not tried again: " + again).isZero();
        assertAnswers("200 version-1");
        assertThat(engine.status(WEB).orElseThrow().condition(Condition.STALLED).orElseThrow().reason())
                .isEqualTo(Reasons.ROLLED_BACK);
    }

    @Test
    void aContainerThatExitsAtOnceFailsTheGateAndWithoutRollbackIsApplyFailedUntilTheNextCommitBringsItUp()
            throws Exception {
        String good = runningVersion1(null);

        String bad = git.write("stacks/" + WEB + "/compose.yaml", exitsAtOnce()).commit("web: exits at once");
        emulator.calls().reset();
        PassResult failed = sync();

        assertThat(failed.failed()).as(failed.toString()).isTrue();
        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertThat(emulator.calls().writes()).isEqualTo(1);
        assertThat(DockerAppsIT.get(port)).startsWith("unreachable");
        assertThat(emulator.apps().state(WEB)).isEqualTo("CRASHED");
        StackStatus s = engine.status(WEB).orElseThrow();
        assertThat(s.lastReason().code()).isEqualTo(Reasons.APPLY_FAILED);
        assertThat(s.lastError()).contains("'web'").contains("config: no such key");
        assertThat(s.failedApply().revision()).isEqualTo(bad);
        assertThat(engine.history(WEB, 10)).extracting(HistoryEntry::kind)
                .containsExactly(HistoryEntry.Kind.FAILED, HistoryEntry.Kind.APPLIED);

        String fix = git.write("stacks/" + WEB + "/compose.yaml", web("version-3")).commit("web: version 3");
        emulator.calls().reset();
        PassResult fixed = sync();

        assertThat(fixed.failed()).as(fixed.toString()).isFalse();
        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertAnswers("200 version-3");
        assertThat(emulator.apps().state(WEB)).isEqualTo("RUNNING");
        StackStatus up = engine.status(WEB).orElseThrow();
        assertThat(up.isReady()).isTrue();
        assertThat(up.isStalled()).isFalse();
        assertThat(up.failedApply()).isNull();
        List<HistoryEntry> history = engine.history(WEB, 10);
        assertThat(history).extracting(HistoryEntry::kind)
                .containsExactly(HistoryEntry.Kind.APPLIED, HistoryEntry.Kind.FAILED, HistoryEntry.Kind.APPLIED);
        assertThat(history).extracting(HistoryEntry::revision).containsExactly(fix, bad, good);
    }
}
