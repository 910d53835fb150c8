package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.compose.Stamps;
import io.truenasgitops.emulator.DockerState;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.git.GitSettings;
import io.truenasgitops.git.JGitSource;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import io.truenasgitops.truenas.ConnectionSettings;
import io.truenasgitops.truenas.TrueNasClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine end to end: a real Git repository in a temp dir, fetched with JGit, rendered by the compose
 * pipeline, applied over TLS WebSocket to the TrueNAS emulator on 127.0.0.1 through the real client.
 */
class ReconcilerIT {

    static final String WEB = """
            services:
              web:
                image: nginx:1.27
                ports:
                  - "8080:80"
                restart: unless-stopped
            """;

    /** The same compose, reformatted: other key order, flow style, comments, other quoting. */
    static final String WEB_REFORMATTED = """
            # reformatted by an editor
            services:
              web:
                restart: "unless-stopped"
                ports: ['8080:80']   # same port
                image: 'nginx:1.27'
            """;

    static final String DB = """
            services:
              db:
                image: postgres:17
                environment:
                  POSTGRES_PASSWORD: example
            """;

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;
    TrueNasClient client;
    GitFixture git;
    JGitSource source;
    Reconciler engine;
    ReconcileConfig config;

    @BeforeEach
    void setUp() throws Exception {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        client = TrueNasClient.connect(ConnectionSettings.builder(emulator.url()).apiKey(emulator.apiKey())
                .username(emulator.username()).tlsFingerprint(emulator.tlsFingerprint()).build());
        git = new GitFixture(tmp.resolve("origin"));
        source = new JGitSource(GitSettings.of(git.url(), "main", "", tmp.resolve("git-state")));
        config = TestConfig.of(Duration.ofMinutes(1), 0.1, Duration.ofMillis(300), Duration.ofMillis(50),
                Duration.ofSeconds(10), Duration.ofMinutes(5), 4, false, tmp.resolve("state"), Optional.empty(),
                Duration.ofSeconds(30), 500);
        engine = newEngine();
    }

    Reconciler newEngine() {
        return Reconciler.builder().config(config).source(source)
                .scanner(root -> StackRepository.scan(root, StacksOptions.defaults()))
                .target("default", client.apps()).store(new JsonFileStatusStore(config.stateDir())).build();
    }

    @AfterEach
    void tearDown() {
        StatusInvariants.assertValid(engine);
        engine.close();
        source.close();
        client.close();
        emulator.close();
        git.close();
    }

    PassResult sync() {
        return engine.syncOnce(SyncOptions.all());
    }

    void resetCalls() {
        emulator.calls().reset();
    }

    @Test
    void firstSyncCreatesEveryStackAndTheSecondSendsNoWriteAndOneAppQuery() throws Exception {
        git.write("stacks/web/compose.yaml", WEB).write("stacks/db/compose.yaml", DB).commit("two stacks");

        sync();
        assertThat(emulator.calls().count("app.create")).isEqualTo(2);
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");
        assertThat(engine.status("web").orElseThrow().isReady()).isTrue();
        resetCalls();

        sync();
        assertThat(emulator.calls().writes()).isZero();
        assertThat(emulator.calls().count("app.query")).isEqualTo(1);
    }

    @Test
    void aCommitThatChangesOneStackSendsExactlyOneUpdateAndAReformatSendsNone() throws Exception {
        git.write("stacks/web/compose.yaml", WEB).write("stacks/db/compose.yaml", DB).commit("two stacks");
        sync();

        git.write("stacks/web/compose.yaml", WEB_REFORMATTED).write("README.md", "docs only").commit("reformat");
        resetCalls();
        sync();
        assertThat(emulator.calls().writes()).isZero();

        git.write("stacks/web/compose.yaml", WEB.replace("nginx:1.27", "nginx:1.28")).commit("bump");
        resetCalls();
        sync();
        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertThat(emulator.calls().writes()).isEqualTo(1);
        assertThat(engine.status("web").orElseThrow().isReady()).isTrue();
    }

    @Test
    void aUiEditIsReportedAsConfigDriftAndRevertedWithSelfHeal() throws Exception {
        git.write("stacks/web/compose.yaml", WEB).commit("web");
        sync();
        Map<String, Object> edited = new LinkedHashMap<>(emulator.apps().get("web").orElseThrow().compose());
        edited.put("services", Map.of("web", Map.of("image", "nginx:edited-in-ui")));
        emulator.apps().uiEdit("web", edited);
        resetCalls();

        sync();
        assertThat(emulator.calls().writes()).isZero();
        assertThat(engine.status("web").orElseThrow().drift()).containsExactly(DriftKind.CONFIG);

        git.write("stacks/web/stack.yaml", "selfHeal: true\n").commit("self heal");
        sync();
        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertThat(engine.status("web").orElseThrow().drift()).isEmpty();
        assertThat(engine.status("web").orElseThrow().isReady()).isTrue();
    }

    @Test
    void aFolderNamedLikeTheDaemonsOwnAppWithAdoptChangesNothingOnTheNasAndIsBlocked() throws Exception {
        // the install layout (docs/install.md): the daemon runs as the custom app truenas-gitops, self name set
        emulator.apps().put("truenas-gitops", Map.of("services", Map.of("truenas-gitops",
                Map.of("image", "truenas-gitops:0.1.0"))), "RUNNING");
        engine.close();
        config = config.withSelfApp("truenas-gitops").withPrune(true);
        engine = newEngine();
        git.write("stacks/truenas-gitops/compose.yaml", WEB).write("stacks/truenas-gitops/stack.yaml",
                "adopt: true\nselfHeal: true\nstate: stopped\n").write("stacks/web/compose.yaml",
                WEB.replace("8080", "8081")).commit("a folder for the daemon itself");
        resetCalls();

        PassResult r = sync();

        assertThat(emulator.calls().writes()).isEqualTo(1); // app.create web, nothing else
        assertThat(emulator.calls().count("app.create")).isEqualTo(1);
        assertThat(emulator.apps().state("truenas-gitops")).isEqualTo("RUNNING");
        Action self = r.plan().action("truenas-gitops").orElseThrow();
        assertThat(self.type()).isEqualTo(ActionType.BLOCKED);
        assertThat(self.reason().code()).isEqualTo(Reasons.SELF_APP);
        StackStatus status = engine.status("truenas-gitops").orElseThrow();
        assertThat(status.isStalled()).isTrue();
        assertThat(status.condition(Condition.STALLED).orElseThrow().reason()).isEqualTo(Reasons.SELF_APP);

        git.deleteDir("stacks/truenas-gitops").commit("the folder goes");
        resetCalls();
        sync();
        assertThat(emulator.calls().writes()).as("not pruned either").isZero();
        assertThat(emulator.apps().get("truenas-gitops")).isPresent();
    }

    @Test
    void deletingAFolderPrunesOnlyThatStampedAppAndOnlyWithPrune() throws Exception {
        emulator.apps().put("handmade", Map.of("services", Map.of("x", Map.of("image", "busybox"))), "RUNNING");
        git.write("stacks/web/compose.yaml", WEB).write("stacks/db/compose.yaml", DB)
                .write("stacks/old/compose.yaml", WEB.replace("8080", "8081"))
                .write("stacks/old/stack.yaml", "prune: true\n").commit("three stacks");
        sync();

        git.deleteDir("stacks/db").deleteDir("stacks/old").commit("remove two");
        resetCalls();
        sync();

        assertThat(emulator.calls().count("app.delete")).isEqualTo(1);
        assertThat(emulator.apps().get("old")).isEmpty();
        assertThat(emulator.apps().get("db")).isPresent();
        assertThat(emulator.apps().get("handmade")).isPresent();
        assertThat(engine.status("db").orElseThrow().drift()).containsExactly(DriftKind.ORPHAN);
    }

    @Test
    void aRepositoryWithoutStacksDeletesNothingEvenWithGlobalPrune() throws Exception {
        git.write("stacks/web/compose.yaml", WEB).write("stacks/db/compose.yaml", DB).commit("two");
        sync();
        git.deleteDir("stacks").write("README.md", "moved elsewhere").commit("oops");
        resetCalls();

        engine.syncOnce(SyncOptions.all().withPrune(true));

        assertThat(emulator.calls().writes()).isZero();
        assertThat(emulator.apps().list()).hasSize(2);
    }

    @Test
    void aCrashLoopingAppEndsDegradedAndIsNotRedeployedEveryPass() throws Exception {
        emulator.faults().crashAfterEveryStart("web", true);
        git.write("stacks/web/compose.yaml", WEB).commit("web");

        sync();
        StackStatus s = engine.status("web").orElseThrow();
        assertThat(s.health()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(s.isStalled()).isTrue();
        assertThat(s.isReady()).isFalse();
        resetCalls();

        sync();
        sync();
        assertThat(emulator.calls().writes()).isZero();
        assertThat(engine.status("web").orElseThrow().isStalled()).isTrue();
    }

    @Test
    void aFailedJobStallsAndIsNotRetriedUntilTheStackChanges() throws Exception {
        emulator.faults().failNextJobWithComposeError("app.create", "web");
        git.write("stacks/web/compose.yaml", WEB).commit("web");

        sync();
        assertThat(engine.status("web").orElseThrow().isStalled()).isTrue();
        assertThat(engine.status("web").orElseThrow().lastError()).contains("Failed 'up' action");
        resetCalls();
        sync();
        assertThat(emulator.calls().writes()).isZero();

        git.write("stacks/web/compose.yaml", WEB.replace("nginx:1.27", "nginx:1.28")).commit("fix");
        sync();
        assertThat(emulator.calls().count("app.create")).isEqualTo(1);
        assertThat(engine.status("web").orElseThrow().isReady()).isTrue();
    }

    @Test
    void aConnectionDropDuringAnUpdateStillEndsWithTheJobsTrueResult() throws Exception {
        git.write("stacks/web/compose.yaml", WEB).commit("web");
        sync();
        git.write("stacks/web/compose.yaml", WEB.replace("nginx:1.27", "nginx:1.28")).commit("bump");
        emulator.faults().dropConnectionDuringNextJob("app.update");
        resetCalls();

        PassResult r = sync();

        assertThat(r.results()).singleElement().extracting(PassResult.ActionResult::outcome).isEqualTo(ActionOutcome.APPLIED);
        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertThat(Stamps.read(emulator.apps().get("web").orElseThrow().compose()).orElseThrow().revision())
                .isEqualTo(r.plan().revision());
        resetCalls();
        sync();
        assertThat(emulator.calls().writes()).isZero();
    }

    @Test
    void aRestartedDaemonKeepsStatusAndDoesNotReapply() throws Exception {
        git.write("stacks/web/compose.yaml", WEB).write("stacks/db/compose.yaml", DB).commit("two");
        sync();
        StackStatus before = engine.status("web").orElseThrow();

        engine.close();
        engine = newEngine();
        assertThat(engine.status("web")).contains(before);
        resetCalls();
        sync();

        assertThat(emulator.calls().writes()).isZero();
        assertThat(engine.status("web").orElseThrow().isReady()).isTrue();
    }

    @Test
    void anInvalidStackBlocksOnlyItselfAndDependenciesComeFirst() throws Exception {
        git.write("stacks/web/compose.yaml", WEB).write("stacks/web/stack.yaml", "dependsOn: [db]\n")
                .write("stacks/db/compose.yaml", DB)
                .write("stacks/bad/compose.yaml", "services:\n  x:\n    image: [not, a, string]\n").commit("three");

        PassResult r = sync();

        assertThat(emulator.apps().list()).extracting(a -> a.name()).containsExactlyInAnyOrder("web", "db");
        assertThat(r.plan().action("bad").orElseThrow().type()).isEqualTo(ActionType.BLOCKED);
        assertThat(r.plan().action("bad").orElseThrow().reason().code()).isEqualTo(Reasons.INVALID_STACK);
        List<String> order = r.plan().actions().stream().map(Action::stack).toList();
        assertThat(order.indexOf("db")).isLessThan(order.indexOf("web"));
        List<Event> applied = engine.events(Optional.empty(), 50).stream()
                .filter(e -> e.reason().equals(Reasons.APPLIED)).toList();
        // newest first: web was applied after db
        assertThat(applied).extracting(Event::stack).containsExactly("web", "db");
        assertThat(engine.status("bad").orElseThrow().isStalled()).isTrue();
    }

    @Test
    void aStoppedAppsServiceHoldsTheNasWithoutWritesAndThePassConvergesOnceItRuns() throws Exception {
        // a backoff this short never holds the pass after Docker is back
        config = TestConfig.of(Duration.ofMinutes(1), 0.1, Duration.ofMillis(300), Duration.ofMillis(50),
                Duration.ofMillis(1), Duration.ofMillis(1), 4, false, tmp.resolve("state"), Optional.empty(),
                Duration.ofSeconds(30), 500);
        engine.close();
        engine = newEngine();
        git.write("stacks/web/compose.yaml", WEB).write("stacks/db/compose.yaml", DB).commit("two");
        sync();
        emulator.faults().dockerState(DockerState.STOPPED);
        git.write("stacks/web/compose.yaml", WEB.replace("nginx:1.27", "nginx:1.28")).commit("bump");
        resetCalls();

        // Docker down: app.query answers [] and both apps look missing, yet nothing is re-created
        PassResult down = sync();

        assertThat(emulator.calls().writes()).isZero();
        assertThat(emulator.calls().count("docker.status")).isOne();
        assertThat(down.plan().actions()).extracting(a -> a.reason().code()).containsOnly(Reasons.DOCKER_NOT_RUNNING);
        StackStatus web = engine.status("web").orElseThrow();
        assertThat(web.isReady()).isFalse();
        assertThat(web.isStalled()).isFalse();
        assertThat(web.drift()).isEmpty();
        assertThat(web.condition(Condition.READY).orElseThrow().message())
                .contains("target 'default' is STOPPED (Application(s) have been stopped)");
        assertThat(engine.inventory().get("default", "db")).isPresent();

        emulator.faults().dockerState(DockerState.RUNNING);
        resetCalls();
        PassResult back = sync();

        assertThat(emulator.calls().count("app.create")).as("no existing app is re-created").isZero();
        assertThat(emulator.calls().count("app.update")).isOne();
        assertThat(emulator.calls().count("docker.status")).isZero();
        assertThat(back.plan().action("db").orElseThrow().type()).isEqualTo(ActionType.UNCHANGED);
        assertThat(engine.status("web").orElseThrow().isReady()).isTrue();
        assertThat(engine.status("db").orElseThrow().isReady()).isTrue();
        assertThat(emulator.apps().get("web").orElseThrow().compose().toString()).contains("nginx:1.28");
    }
}
