package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.emulator.DockerOptions;
import io.truenasgitops.emulator.DockerTestEngine;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.LoopbackRegistry;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.git.GitSettings;
import io.truenasgitops.git.JGitSource;
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
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safe deploys on the real Docker Engine ({@code emulator --docker}), the pull-first half of issue 22: a stack runs
 * and answers HTTP on its 127.0.0.1 port; a commit that names a tag the registry does not have is pulled first
 * ({@code app.image.pull} through the engine), fails, and sends no {@code app.update}: the container keeps answering,
 * the stack is stalled with {@code ImagePullFailed} and the registry's words; {@code git revert} of that commit brings
 * the stack back in sync without a write. Images are built here from busybox, and the only registry is one this
 * test starts on 127.0.0.1. Skipped without an engine ({@code DOCKER_HOST}), failed instead under {@code CI=true}.
 */
class DockerPullFirstIT {

    static final String SUFFIX = HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(),
            (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
    static final String WEB = "tge2e-pull-web-" + SUFFIX;

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;
    TrueNasClient client;
    GitFixture git;
    JGitSource source;
    Reconciler engine;
    LoopbackRegistry registry;
    String image;

    @BeforeEach
    void setUp() throws Exception {
        DockerTestEngine.requireEngine();
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults()
                .withDocker(new DockerOptions(null, tmp.resolve("ix-apps"))));
        client = TrueNasClient.connect(ConnectionSettings.builder(emulator.url()).apiKey(emulator.apiKey())
                .username(emulator.username()).tlsFingerprint(emulator.tlsFingerprint()).build());
        git = new GitFixture(tmp.resolve("origin"));
        source = new JGitSource(GitSettings.of(git.url(), "main", "", tmp.resolve("git-state")));
        // Real containers: the gate must see the app RUNNING for 3 s (six polls of the emulator's engine mirror).
        ReconcileConfig config = TestConfig.of(Duration.ofMinutes(1), 0.1, Duration.ofSeconds(3), Duration.ofMillis(200),
                Duration.ofSeconds(10), Duration.ofMinutes(5), 4, false, tmp.resolve("state"), Optional.empty(),
                Duration.ofSeconds(30), 500);
        engine = Reconciler.builder().config(config).source(source)
                .scanner(root -> StackRepository.scan(root, StacksOptions.defaults()))
                .target("default", client.apps()).store(new JsonFileStatusStore(config.stateDir())).build();
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
            // Closing the emulated NAS removes its apps' projects; anything left by a failed test goes here.
            emulator.close();
            DockerTestEngine.removeProjectsAndImage(List.of("ix-" + WEB), image);
            if (registry != null) {
                registry.close();
            }
        }
    }

    /** A web server that serves {@code version} on 127.0.0.1:{@code port}; it stops on SIGTERM at once. */
    static String web(String image, int port, String version) {
        return """
                services:
                  web:
                    image: %s
                    command: ["/bin/sh", "-c", "echo %s > /www/index.html; trap 'exit 0' TERM; /bin/busybox httpd -f -p 8080 -h /www & wait"]
                    ports:
                      - "127.0.0.1:%d:8080"
                """.formatted(image, version, port);
    }

    PassResult sync() {
        return engine.syncOnce(SyncOptions.all());
    }

    /** {@code git revert <commit>}, committed as Git writes it. */
    void revert(String commit) throws Exception {
        try (Git g = Git.open(git.dir.toFile())) {
            assertThat(g.revert().include(ObjectId.fromString(commit)).call()).isNotNull();
            assertThat(g.log().setMaxCount(1).call().iterator().next().getFullMessage()).startsWith("Revert");
        }
    }

    @Test
    void aTagTheLoopbackRegistryLacksIsHeldBackWhileTheServiceAnswersAndTheRevertSyncsWithoutAWrite()
            throws Exception {
        registry = LoopbackRegistry.start(tmp.resolve("registry"));
        image = registry.reference("tge2e-pull-web-" + SUFFIX, "1");
        DockerTestEngine.buildBusyboxImage(image, Files.createDirectories(tmp.resolve("image")));
        registry.push(image); // gone from the engine: the first pull downloads it from the registry
        String missing = registry.reference("tge2e-pull-web-" + SUFFIX, "2");

        heldBackAndReverted(image, missing, "manifest for " + missing + " not found: manifest unknown");
    }

    @Test
    void aTagTheEngineLacksIsHeldBackWhileTheServiceAnswersAndTheRevertSyncsWithoutAWrite() throws Exception {
        image = "tge2e-pull-web-" + SUFFIX + ":1";
        DockerTestEngine.buildBusyboxImage(image, Files.createDirectories(tmp.resolve("image")));
        String missing = "tge2e-pull-web-" + SUFFIX + ":2";

        heldBackAndReverted(image, missing, "manifest for " + missing + " not found: manifest unknown");
    }

    private void heldBackAndReverted(String good, String missing, String registryWords) throws Exception {
        int port = DockerAppsIT.freePort();
        git.write("stacks/" + WEB + "/compose.yaml", web(good, port, "version-1")).commit("web");
        PassResult first = sync();
        assertThat(first.failed()).as(first.toString()).isFalse();
        assertThat(emulator.calls().count("app.image.pull")).isEqualTo(1);
        assertThat(DockerAppsIT.get(port)).isEqualTo("200 version-1");
        List<String> containers = DockerTestEngine.containersOf("ix-" + WEB);
        assertThat(containers).hasSize(1);

        String bad = git.write("stacks/" + WEB + "/compose.yaml", web(missing, port, "version-2"))
                .commit("web: tag 2");
        emulator.calls().reset();
        PassResult held = sync();

        assertThat(held.failed()).isTrue();
        assertThat(emulator.calls().count("app.image.pull")).isEqualTo(1);
        assertThat(emulator.calls().count("app.update")).isZero();
        assertThat(emulator.calls().writes()).isZero();
        assertThat(DockerAppsIT.get(port)).isEqualTo("200 version-1");
        assertThat(DockerTestEngine.containersOf("ix-" + WEB)).isEqualTo(containers);
        assertThat(emulator.apps().state(WEB)).isEqualTo("RUNNING");
        StackStatus stalled = engine.status(WEB).orElseThrow();
        assertThat(stalled.isStalled()).isTrue();
        assertThat(stalled.lastReason().code()).isEqualTo(Reasons.IMAGE_PULL_FAILED);
        assertThat(stalled.lastReason().message()).contains("app '" + WEB + "' on target 'default' was not updated")
                .contains("'" + missing + "'").contains(registryWords).contains("the app runs as before");

        revert(bad);
        emulator.calls().reset();
        PassResult back = sync();

        assertThat(back.failed()).as(back.toString()).isFalse();
        assertThat(emulator.calls().writes()).isZero();
        assertThat(emulator.calls().count("app.image.pull")).isZero();
        StackStatus synced = engine.status(WEB).orElseThrow();
        assertThat(synced.isStalled()).isFalse();
        assertThat(synced.isReady()).isTrue();
        assertThat(synced.drift()).isEmpty();
        assertThat(DockerAppsIT.get(port)).isEqualTo("200 version-1");
        assertThat(DockerTestEngine.containersOf("ix-" + WEB)).isEqualTo(containers);
    }
}
