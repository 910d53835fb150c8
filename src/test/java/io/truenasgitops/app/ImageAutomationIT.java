package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.emulator.DockerTestEngine;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.LoopbackRegistry;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.git.GitSettings;
import io.truenasgitops.git.GitSourceException;
import io.truenasgitops.git.JGitSource;
import io.truenasgitops.git.Snapshot;
import io.truenasgitops.git.WorkingTreeCommit;
import io.truenasgitops.images.ImageUpdates;
import io.truenasgitops.images.RegistryClient;
import io.truenasgitops.images.RegistryCredentials;
import io.truenasgitops.reconcile.JsonFileStatusStore;
import io.truenasgitops.reconcile.ReconcileConfig;
import io.truenasgitops.reconcile.Reconciler;
import io.truenasgitops.reconcile.SyncOptions;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import io.truenasgitops.truenas.ConnectionSettings;
import io.truenasgitops.truenas.TrueNasClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's image automation end to end, without a person: tags pushed by the real engine to a registry on
 * 127.0.0.1 (Debian's docker-registry; images made from busybox, nothing pulled), a Git remote the test owns, the
 * daemon's own Git source pushing to it, and a reconcile pass against the emulator applying the commit.
 */
class ImageAutomationIT {

    private static final String SUFFIX = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private static final WorkingTreeCommit.Identity BOT = new WorkingTreeCommit.Identity("truenas-gitops",
            "truenas-gitops@localhost");

    @TempDir
    Path tmp;

    LoopbackRegistry registry;
    TrueNasEmulator emulator;
    TrueNasClient client;
    JGitSource source;
    Reconciler engine;
    Path origin;
    Path work;
    String repository;
    final List<String> failures = new ArrayList<>();
    final List<String> committed = new ArrayList<>();
    int passesRequested;

    @BeforeEach
    void setUp() throws Exception {
        DockerTestEngine.requireEngine();
        registry = LoopbackRegistry.start(tmp.resolve("registry"));
        repository = "tge2e-auto-" + SUFFIX;
        push("1.0.0");
        origin = tmp.resolve("origin.git");
        Git.init().setBare(true).setDirectory(origin.toFile()).setInitialBranch("main").call().close();
        work = tmp.resolve("work");
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            git.remoteAdd().setName("origin").setUri(new org.eclipse.jgit.transport.URIish(origin.toUri().toString())).call();
            var config = git.getRepository().getConfig();
            config.setString("branch", "main", "remote", "origin");
            config.setString("branch", "main", "merge", "refs/heads/main");
            config.save();
            Files.createDirectories(work.resolve("stacks/web"));
            Files.writeString(work.resolve("stacks/web/stack.yaml"), "imagePolicy:\n  semver: \"^1\"\n");
            Files.writeString(work.resolve("stacks/web/compose.yaml"), """
                    services:
                      web:
                        image: %s   # kept up to date by the daemon
                    """.formatted(registry.reference(repository, "1.0.0")));
            commitAndPush(git, "web: first");
        }
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        client = TrueNasClient.connect(ConnectionSettings.builder(emulator.url()).apiKey(emulator.apiKey())
                .username(emulator.username()).tlsFingerprint(emulator.tlsFingerprint()).build());
        source = new JGitSource(GitSettings.of(origin.toUri().toString(), "main", "", tmp.resolve("git-state")));
        ReconcileConfig config = ReconcileConfig.defaults(tmp.resolve("state")).withSettleTime(Duration.ZERO);
        engine = Reconciler.builder().config(config).source(source)
                .scanner(root -> StackRepository.scan(root, StacksOptions.defaults()))
                .target("default", client.apps()).store(new JsonFileStatusStore(config.stateDir())).build();
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
        if (source != null) {
            source.close();
        }
        if (client != null) {
            client.close();
        }
        if (emulator != null) {
            emulator.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private void push(String... tags) throws Exception {
        registry.pushTags(repository, tmp, tags);
    }

    private static void commitAndPush(Git git, String message) throws Exception {
        git.add().addFilepattern(".").call();
        PersonIdent me = new PersonIdent("Person", "person@example.invalid");
        git.commit().setMessage(message).setAuthor(me).setCommitter(me).setSign(false).call();
        git.push().setRemote("origin").add("main").call();
    }

    private ImageAutomation automation() {
        return new ImageAutomation(new ImageAutomation.Settings("stacks", BOT), source,
                new RegistryClient(RegistryCredentials.none(), Duration.ofSeconds(10)),
                () -> {
                    passesRequested++;
                    engine.syncOnce(SyncOptions.all());
                },
                new ImageAutomation.Observer() {
                    @Override
                    public void committed(ImageUpdates.Finding.Update update, String commit) {
                        committed.add(update.stack() + "/" + update.service() + " " + update.to());
                    }

                    @Override
                    public void failed(String reason) {
                        failures.add(reason);
                    }
                });
    }

    private RevCommit originHead() throws Exception {
        try (Git git = Git.open(origin.toFile())) {
            return git.log().setMaxCount(1).call().iterator().next();
        }
    }

    private String runningImage() {
        return client.apps().get("web", true).orElseThrow().images().get(0);
    }

    @Test
    void aNewTagInThePolicyEndsInACommitOnTheBranchAndTheAppRunningIt() throws Exception {
        engine.syncOnce(SyncOptions.all());
        assertThat(runningImage()).isEqualTo(registry.reference(repository, "1.0.0"));
        push("1.1.0");

        ImageAutomation.Round round = automation().runOnce();

        assertThat(round).isInstanceOf(ImageAutomation.Round.Committed.class);
        RevCommit head = originHead();
        assertThat(head.getName()).isEqualTo(((ImageAutomation.Round.Committed) round).commit());
        assertThat(head.getFullMessage()).startsWith("images: web/web 1.0.0 -> 1.1.0\n")
                .endsWith("Signed-off-by: truenas-gitops <truenas-gitops@localhost>\n");
        assertThat(head.getAuthorIdent().getEmailAddress()).isEqualTo("truenas-gitops@localhost");
        assertThat(committed).containsExactly("web/web 1.1.0");
        assertThat(passesRequested).isEqualTo(1);
        assertThat(runningImage()).isEqualTo(registry.reference(repository, "1.1.0"));
        assertThat(failures).isEmpty();
        try (Git git = Git.open(work.toFile())) {
            git.pull().call();
        }
        assertThat(Files.readString(work.resolve("stacks/web/compose.yaml")))
                .contains("image: " + registry.reference(repository, "1.1.0") + "   # kept up to date by the daemon");
    }

    @Test
    void aCommittedUpdateIsAnEventOfItsStackAndCountedAndAFailedRoundIsAWarning() throws Exception {
        engine.syncOnce(SyncOptions.all());
        push("1.1.0");
        var registryOfMeters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        ImageAutomationEvents events = new ImageAutomationEvents(engine,
                new io.truenasgitops.metrics.DaemonMetrics(registryOfMeters));
        ImageAutomation automation = new ImageAutomation(new ImageAutomation.Settings("stacks",
                BOT), source, new RegistryClient(RegistryCredentials.none(), Duration.ofSeconds(10)), () -> {}, events);

        ImageAutomation.Round round = automation.runOnce();

        String commit = ((ImageAutomation.Round.Committed) round).commit();
        assertThat(ImageAutomationEvents.result(round)).isEqualTo("committed");
        assertThat(engine.events(java.util.Optional.of("web"), 50)).filteredOn(e -> e.reason().equals(
                io.truenasgitops.reconcile.Reasons.IMAGE_UPDATE_COMMITTED)).singleElement().satisfies(e -> {
                    assertThat(e.type()).isEqualTo(io.truenasgitops.reconcile.Event.Type.NORMAL);
                    assertThat(e.revision()).isEqualTo(commit);
                    assertThat(e.message()).isEqualTo("service web: " + registry.reference(repository, "1.0.0")
                            + " -> " + registry.reference(repository, "1.1.0") + " committed as "
                            + Snapshot.shorten(commit) + " (semver ^1); the next pass applies it");
                });
        assertThat(registryOfMeters.get(io.truenasgitops.metrics.MetricNames.IMAGE_UPDATES_COMMITTED.meterName()).tag("stack", "web").counter()
                .count()).isEqualTo(1.0);

        registry.close();
        ImageAutomation.Round failed = automation.runOnce();

        assertThat(ImageAutomationEvents.result(failed)).isEqualTo("failed");
        assertThat(engine.events(java.util.Optional.empty(), 50)).filteredOn(e -> e.reason().equals(
                io.truenasgitops.reconcile.Reasons.IMAGE_UPDATE_FAILED)).singleElement().satisfies(e -> {
                    assertThat(e.type()).isEqualTo(io.truenasgitops.reconcile.Event.Type.WARNING);
                    assertThat(e.message()).startsWith("web/web: registry " + registry.host() + "/" + repository
                            + " cannot be reached");
                });
        registry = null;
    }

    @Test
    void aTagOutsideThePolicyChangesNothing() throws Exception {
        engine.syncOnce(SyncOptions.all());
        String before = originHead().getName();
        push("2.0.0", "1.2.0-rc.1");

        ImageAutomation.Round round = automation().runOnce();

        assertThat(round).isInstanceOf(ImageAutomation.Round.NothingToDo.class);
        assertThat(originHead().getName()).isEqualTo(before);
        assertThat(passesRequested).isZero();
        assertThat(runningImage()).isEqualTo(registry.reference(repository, "1.0.0"));
    }

    @Test
    void aBranchThatMovedSinceTheFetchIsNotPushedToAndNothingIsForced() throws Exception {
        Snapshot stale = source.fetch();
        try (Git git = Git.open(work.toFile())) {
            Files.writeString(work.resolve("README.md"), "a person's commit\n");
            commitAndPush(git, "docs");
        }
        String theirs = originHead().getName();

        assertThatThrownBy(() -> source.commitAndPush(stale, Map.of("stacks/web/compose.yaml", "services: {}\n"),
                "images: test", BOT)).isInstanceOfSatisfying(GitSourceException.class, e -> {
                    assertThat(e.kind()).isEqualTo(GitSourceException.Kind.BAD_REF);
                    assertThat(e.getMessage()).contains("branch main moved since revision "
                            + Snapshot.shorten(stale.revision())).contains("nothing was pushed");
                });
        assertThat(originHead().getName()).isEqualTo(theirs);
    }
}
