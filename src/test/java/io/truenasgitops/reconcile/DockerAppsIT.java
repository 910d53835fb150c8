package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.truenasgitops.emulator.DockerOptions;
import io.truenasgitops.emulator.DockerTestEngine;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.git.GitSettings;
import io.truenasgitops.git.JGitSource;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import io.truenasgitops.truenas.ConnectionSettings;
import io.truenasgitops.truenas.TrueNasClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain on a real Docker Engine: a Git repository in a temp dir, the engine, the emulator with
 * {@code --docker} running the apps as real compose projects ({@code ix-<app>}) from an image built here (busybox,
 * imported; nothing is pulled), and the containers reached on their published 127.0.0.1 ports. Skipped without
 * an engine ({@code DOCKER_HOST}), failed instead under {@code CI=true}.
 */
@QuarkusMainTest
class DockerAppsIT {

    /** Every name this class creates on the shared engine starts with it (images {@code tge2e-...}). */
    static final String SUFFIX = HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(),
            (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
    static final String IMAGE = "tge2e-busybox-" + SUFFIX + ":1";
    static final String WEB = "tge2e-web-" + SUFFIX;
    static final String CRASH = "tge2e-crash-" + SUFFIX;
    static final String OLD = "tge2e-old-" + SUFFIX;
    static final String MISSING = "tge2e-missing-" + SUFFIX;

    static Path imageDir;

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;
    TrueNasClient client;
    GitFixture git;
    JGitSource source;
    Reconciler engine;
    Path keyFile;

    @BeforeAll
    static void buildImage() throws Exception {
        if (DockerTestEngine.unavailableReason() != null) {
            return; // every test is skipped (or failed under CI=true) by requireEngine(), with the reason
        }
        imageDir = Files.createTempDirectory("tge2e-image");
        DockerTestEngine.buildBusyboxImage(IMAGE, imageDir);
    }

    @AfterAll
    static void removeImage() throws Exception {
        if (imageDir != null) {
            DockerTestEngine.removeProjectsAndImage(List.of(), IMAGE);
            Files.deleteIfExists(imageDir);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        DockerTestEngine.requireEngine();
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults()
                .withDocker(new DockerOptions(null, tmp.resolve("ix-apps"))));
        client = TrueNasClient.connect(ConnectionSettings.builder(emulator.url()).apiKey(emulator.apiKey())
                .username(emulator.username()).tlsFingerprint(emulator.tlsFingerprint()).build());
        git = new GitFixture(tmp.resolve("origin"));
        source = new JGitSource(GitSettings.of(git.url(), "main", "", tmp.resolve("git-state")));
        // Real containers: the gate must see an app RUNNING for 3 s (six polls of the emulator's engine mirror).
        ReconcileConfig config = TestConfig.of(Duration.ofMinutes(1), 0.1, Duration.ofSeconds(3), Duration.ofMillis(200),
                Duration.ofSeconds(10), Duration.ofMinutes(5), 4, false, tmp.resolve("state"), Optional.empty(),
                Duration.ofSeconds(30), 500);
        engine = Reconciler.builder().config(config).source(source)
                .scanner(root -> StackRepository.scan(root, StacksOptions.defaults()))
                .target("default", client.apps()).store(new JsonFileStatusStore(config.stateDir())).build();
        keyFile = tmp.resolve("api-key");
        Files.writeString(keyFile, emulator.apiKey() + "\n");
    }

    @AfterEach
    void tearDown() {
        if (emulator == null) {
            return; // skipped: no engine
        }
        try {
            engine.close();
            source.close();
            client.close();
            git.close();
        } finally {
            // Closing the emulated NAS removes its apps' projects; anything left by a failed test goes here.
            emulator.close();
            DockerTestEngine.removeProjectsAndImage(List.of("ix-" + WEB, "ix-" + CRASH, "ix-" + OLD, "ix-" + MISSING),
                    null);
        }
    }

    /** A web server that serves {@code version}; it stops on SIGTERM at once (httpd as pid 1 would ignore it). */
    static String web(int port, String version) {
        return """
                services:
                  web:
                    image: %s
                    command: ["/bin/sh", "-c", "echo serving %s; echo %s > /www/index.html; trap 'exit 0' TERM; /bin/busybox httpd -f -v -p 8080 -h /www & wait"]
                    ports:
                      - "127.0.0.1:%d:8080"
                """.formatted(IMAGE, version, version, port);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String get(int port) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().strip();
        } catch (Exception e) {
            return "unreachable: " + e;
        }
    }

    PassResult sync(boolean prune) {
        return engine.syncOnce(prune ? SyncOptions.all().withPrune(true) : SyncOptions.all());
    }

    String[] cli(String... command) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of("--url", "wss://localhost:" + emulator.port(), "--api-key-file", keyFile.toString(),
                "--username", emulator.username(), "--tls-fingerprint", emulator.tlsFingerprint()));
        return all.toArray(String[]::new);
    }

    @Test
    void aStackRunsAsARealContainerAndACommitRecreatesItWithTheNewContent(QuarkusMainLauncher launcher)
            throws Exception {
        int port = freePort();
        git.write("stacks/" + WEB + "/compose.yaml", web(port, "version-1")).commit("web");

        PassResult first = sync(false);

        assertThat(first.failed()).as(first.toString()).isFalse();
        assertThat(engine.status(WEB).orElseThrow().isReady()).isTrue();
        assertThat(get(port)).isEqualTo("200 version-1");
        List<String> before = DockerTestEngine.containersOf("ix-" + WEB);
        assertThat(before).hasSize(1);
        assertThat(emulator.apps().get(WEB).orElseThrow().containerIds()).isEqualTo(before);
        assertThat(tmp.resolve("ix-apps/app_configs/" + WEB + "/versions/1.0.0/templates/rendered/docker-compose.yaml"))
                .content().contains("127.0.0.1:" + port + ":8080");

        git.write("stacks/" + WEB + "/compose.yaml", web(port, "version-2")).commit("web: version 2");
        emulator.calls().reset();
        PassResult second = sync(false);

        assertThat(second.failed()).as(second.toString()).isFalse();
        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        List<String> after = DockerTestEngine.containersOf("ix-" + WEB);
        assertThat(after).hasSize(1).doesNotContainAnyElementsOf(before);
        assertThat(get(port)).isEqualTo("200 version-2");

        LaunchResult logs = launcher.launch(cli("apps", "logs", WEB, "--tail", "20"));
        assertThat(logs.exitCode()).as(logs.getErrorOutput()).isZero();
        assertThat(logs.getOutput()).contains("serving version-2").doesNotContain("serving version-1");
    }

    @Test
    void aStackWhoseContainerExitsNonZeroFailsTheHealthGateAndSaysWhy() throws Exception {
        git.write("stacks/" + CRASH + "/compose.yaml", """
                services:
                  job:
                    image: %s
                    command: ["/bin/sh", "-c", "echo failing on purpose; sleep 1; exit 3"]
                """.formatted(IMAGE)).commit("a stack that crashes");

        PassResult pass = sync(false);

        assertThat(pass.failed()).isTrue();
        StackStatus status = engine.status(CRASH).orElseThrow();
        assertThat(status.health()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(status.lastError()).contains("'" + CRASH + "' is CRASHED after the apply")
                .contains("apps logs " + CRASH);
        assertThat(emulator.apps().state(CRASH)).isEqualTo("CRASHED");
        assertThat(DockerTestEngine.docker("inspect", "--format", "{{.State.ExitCode}}",
                DockerTestEngine.containersOf("ix-" + CRASH).get(0)).strip()).isEqualTo("3");
    }

    @Test
    void aDeletedFolderWithPruneRemovesTheComposeProject() throws Exception {
        int webPort = freePort();
        int oldPort = freePort();
        git.write("stacks/" + WEB + "/compose.yaml", web(webPort, "kept"))
                .write("stacks/" + OLD + "/compose.yaml", web(oldPort, "old"))
                .write("stacks/" + OLD + "/stack.yaml", "prune: true\n").commit("two stacks");
        PassResult first = sync(false);
        assertThat(first.failed()).as(first.toString()).isFalse();
        assertThat(DockerTestEngine.containersOf("ix-" + OLD)).hasSize(1);
        assertThat(get(oldPort)).isEqualTo("200 old");

        git.deleteDir("stacks/" + OLD).commit("remove old");
        emulator.calls().reset();
        sync(false);

        assertThat(emulator.calls().count("app.delete")).isEqualTo(1);
        assertThat(DockerTestEngine.containersOf("ix-" + OLD)).isEmpty();
        assertThat(emulator.apps().get(OLD)).isEmpty();
        assertThat(tmp.resolve("ix-apps/app_configs/" + OLD)).doesNotExist();
        assertThat(get(webPort)).isEqualTo("200 kept");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get(oldPort)).startsWith("unreachable"));
    }

    @Test
    void aStackWhoseImageIsNotOnTheEngineFailsItsPullAndIsNotCreated() throws Exception {
        git.write("stacks/" + MISSING + "/compose.yaml", """
                services:
                  app:
                    image: tge2e-not-built-%s:1
                """.formatted(SUFFIX)).commit("an image nobody built");

        PassResult pass = sync(false);

        assertThat(pass.failed()).isTrue();
        assertThat(emulator.calls().count("app.image.pull")).isEqualTo(1);
        assertThat(emulator.calls().count("app.create")).isZero();
        StackStatus status = engine.status(MISSING).orElseThrow();
        assertThat(status.lastReason().code()).isEqualTo(Reasons.IMAGE_PULL_FAILED);
        assertThat(status.lastReason().message()).contains("tge2e-not-built-" + SUFFIX + ":1")
                .contains("manifest unknown");
        assertThat(emulator.apps().get(MISSING)).isEmpty();
        assertThat(DockerTestEngine.containersOf("ix-" + MISSING)).isEmpty();
    }
}
