package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.app.ImageAutomation;
import io.truenasgitops.emulator.DockerOptions;
import io.truenasgitops.emulator.DockerTestEngine;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.LoopbackRegistry;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.git.GitSettings;
import io.truenasgitops.git.JGitSource;
import io.truenasgitops.git.WorkingTreeCommit;
import io.truenasgitops.images.RegistryClient;
import io.truenasgitops.images.RegistryCredentials;
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
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image updates through Git on the real Docker Engine ({@code emulator --docker}), without a person: a tag pushed
 * to a registry on 127.0.0.1 that the stack's {@code imagePolicy} allows ends in the daemon's commit on the
 * followed branch and, after the pass it asks for, in the app's container running that tag and answering on its
 * 127.0.0.1 port. Images are made here from busybox; nothing is pulled from outside. Skipped without an engine,
 * failed instead under {@code CI=true}.
 */
class DockerImageAutomationIT {

    static final String SUFFIX = HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(),
            (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
    static final String WEB = "tge2e-auto-web-" + SUFFIX;

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;
    TrueNasClient client;
    JGitSource source;
    Reconciler engine;
    LoopbackRegistry registry;
    Path origin;
    String repository;

    @BeforeEach
    void setUp() throws Exception {
        DockerTestEngine.requireEngine();
        registry = LoopbackRegistry.start(tmp.resolve("registry"));
        repository = "tge2e-auto-" + SUFFIX;
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults()
                .withDocker(new DockerOptions(null, tmp.resolve("ix-apps"))));
        client = TrueNasClient.connect(ConnectionSettings.builder(emulator.url()).apiKey(emulator.apiKey())
                .username(emulator.username()).tlsFingerprint(emulator.tlsFingerprint()).build());
        origin = tmp.resolve("origin.git");
        Git.init().setBare(true).setDirectory(origin.toFile()).setInitialBranch("main").call().close();
        source = new JGitSource(GitSettings.of(origin.toUri().toString(), "main", "", tmp.resolve("git-state")));
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
            engine.close();
            source.close();
            client.close();
        } finally {
            emulator.close();
            DockerTestEngine.removeProjectsAndImage(List.of("ix-" + WEB), registry.reference(repository, "1.0.0"));
            DockerTestEngine.removeProjectsAndImage(List.of(), registry.reference(repository, "1.1.0"));
            registry.close();
        }
    }

    private void commitStack(int port) throws Exception {
        Path work = tmp.resolve("work");
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            git.remoteAdd().setName("origin").setUri(new URIish(origin.toUri().toString())).call();
            Path dir = Files.createDirectories(work.resolve("stacks/" + WEB));
            Files.writeString(dir.resolve("stack.yaml"), "imagePolicy:\n  semver: \"^1\"\n");
            Files.writeString(dir.resolve("compose.yaml"), DockerPullFirstIT.web(registry.reference(repository, "1.0.0"),
                    port, "served"));
            git.add().addFilepattern(".").call();
            PersonIdent me = new PersonIdent("Person", "person@example.invalid");
            git.commit().setMessage("web").setAuthor(me).setCommitter(me).setSign(false).call();
            git.push().setRemote("origin").add("main").call();
        }
    }

    private String containerImage() {
        List<String> containers = DockerTestEngine.containersOf("ix-" + WEB);
        assertThat(containers).hasSize(1);
        return DockerTestEngine.docker("inspect", "--format", "{{.Config.Image}}", containers.get(0)).strip();
    }

    @Test
    void aNewTagInThePolicyEndsInTheContainerRunningItWithoutAPerson() throws Exception {
        registry.pushTags(repository, tmp, "1.0.0");
        int port = DockerAppsIT.freePort();
        commitStack(port);
        PassResult first = engine.syncOnce(SyncOptions.all());
        assertThat(first.failed()).as(first.toString()).isFalse();
        assertThat(containerImage()).isEqualTo(registry.reference(repository, "1.0.0"));
        registry.pushTags(repository, tmp, "1.1.0", "2.0.0");

        PassResult[] applied = new PassResult[1];
        ImageAutomation.Round round = new ImageAutomation(new ImageAutomation.Settings("stacks",
                new WorkingTreeCommit.Identity("truenas-gitops", "truenas-gitops@localhost")), source,
                new RegistryClient(RegistryCredentials.none(), Duration.ofSeconds(10)),
                () -> applied[0] = engine.syncOnce(SyncOptions.all()), new ImageAutomation.Observer() {}).runOnce();

        assertThat(round).isInstanceOf(ImageAutomation.Round.Committed.class);
        assertThat(applied[0]).isNotNull();
        assertThat(applied[0].failed()).as(applied[0].toString()).isFalse();
        assertThat(engine.status(WEB).orElseThrow().lastAppliedRevision())
                .isEqualTo(((ImageAutomation.Round.Committed) round).commit());
        assertThat(containerImage()).isEqualTo(registry.reference(repository, "1.1.0"));
        assertThat(DockerAppsIT.get(port)).isEqualTo("200 served");
    }
}
