package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.Release;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.git.GitSettings;
import io.truenasgitops.git.JGitSource;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import io.truenasgitops.truenas.ConnectionSettings;
import io.truenasgitops.truenas.Protocol;
import io.truenasgitops.truenas.TrueNasClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrading TrueNAS from 24.10 to 25.04 under a running daemon (docs/upgrading.md): the stacks are synced over
 * 24.10's legacy protocol, the box is upgraded in place (middlewared restarts as 25.04 on the same address,
 * certificate and key; apps kept), and the same engine, with the same client, finds nothing to change and
 * speaks JSON-RPC after its reconnect. The content hash of what the legacy protocol applied must be the one
 * the JSON-RPC protocol reads back, or every app would be recreated after an upgrade.
 */
class ReleaseUpgradeIT {

    /** Shapes the normaliser must treat the same whatever the protocol: ports, env, volumes, lists, x- keys. */
    static final String WEB = """
            x-common: &common
              restart: unless-stopped
            services:
              web:
                <<: *common
                image: nginx:${NGINX_TAG}
                ports: ["8080:80", "8443:443/tcp"]
                environment:
                  TZ: Europe/Berlin
                  DEBUG: "false"
                volumes:
                  - /mnt/tank/apps/web/html:/usr/share/nginx/html:ro
                healthcheck:
                  test: ["CMD", "curl", "-f", "http://localhost"]
                  interval: 30s
                depends_on: [cache]
              cache:
                image: redis:7
                command: redis-server --save 60 1
                volumes:
                  - cache-data:/data
            volumes:
              cache-data: {}
            """;

    static final String DB = """
            services:
              db:
                image: postgres:17
                environment:
                  - POSTGRES_PASSWORD=${DB_PASSWORD}
                  - POSTGRES_DB=app
                user: "999:999"
                labels:
                  com.example.backup: "yes"
            """;

    static final String ARCHIVE = """
            services:
              archive:
                image: busybox:1.37
                command: ["sleep", "infinity"]
            """;

    @TempDir
    Path tmp;

    TrueNasEmulator nas;
    TrueNasClient client;
    GitFixture git;
    JGitSource source;
    Reconciler engine;
    ReconcileConfig config;

    @BeforeEach
    void setUp() throws Exception {
        nas = TrueNasEmulator.start(EmulatorOptions.defaults().withRelease(Release.V24_10));
        git = new GitFixture(tmp.resolve("origin"));
        git.write("stacks/web/compose.yaml", WEB).write("stacks/web/.env", "NGINX_TAG=1.27\n")
                .write("stacks/db/compose.yaml", DB)
                .write("stacks/archive/compose.yaml", ARCHIVE).write("stacks/archive/stack.yaml", "state: stopped\n")
                .commit("three stacks");
        Path secrets = Files.createDirectories(tmp.resolve("secrets"));
        Files.writeString(secrets.resolve("DB_PASSWORD"), "correct horse battery staple");
        source = new JGitSource(GitSettings.of(git.url(), "main", "", tmp.resolve("git-state")));
        // No path in the URL: the protocol is probed, as the documented TRUENAS_URL=wss://nas.local does.
        client = TrueNasClient.connect(connection(nas));
        config = TestConfig.of(Duration.ofMinutes(1), 0.1, Duration.ofMillis(300), Duration.ofMillis(50),
                Duration.ofSeconds(10), Duration.ofMinutes(5), 4, false, tmp.resolve("state"), Optional.empty(),
                Duration.ofSeconds(30), 500);
        StacksOptions stacks = new StacksOptions(StacksOptions.DEFAULT_STACKS_DIR, secrets, null);
        engine = Reconciler.builder().config(config).source(source)
                .scanner(root -> StackRepository.scan(root, stacks))
                .target("default", client.apps()).store(new JsonFileStatusStore(config.stateDir())).build();
    }

    static ConnectionSettings connection(TrueNasEmulator nas) {
        return ConnectionSettings.builder("wss://localhost:" + nas.port()).apiKey(nas.apiKey())
                .username(nas.username()).tlsFingerprint(nas.tlsFingerprint())
                .reconnectInitialDelay(Duration.ofMillis(50)).reconnectMaxDelay(Duration.ofMillis(500)).build();
    }

    @AfterEach
    void tearDown() {
        StatusInvariants.assertValid(engine);
        engine.close();
        source.close();
        client.close();
        nas.close();
        git.close();
    }

    @Test
    void afterAnUpgradeFrom2410To2504TheRunningDaemonReconnectsOverJsonRpcAndChangesNothing() {
        assertThat(client.protocol()).isEqualTo(Protocol.LEGACY);
        PassResult first = engine.syncOnce(SyncOptions.all());
        assertThat(first.failed()).as("%s", first.results()).isFalse();
        assertThat(nas.calls().count("app.create")).isEqualTo(3);
        assertThat(nas.calls().count("auth.login_with_api_key")).isEqualTo(1);
        Map<String, Map<String, Object>> before = composes();
        assertThat(nas.apps().state("archive")).isEqualTo("STOPPED");

        nas.upgradeTo(Release.V25_04);
        nas.calls().reset();

        // planned at once: the calls wait for the reconnect and go out in the new protocol
        Plan plan = engine.plan();
        assertThat(client.protocol()).isEqualTo(Protocol.JSONRPC);
        assertThat(plan.actions()).extracting(Action::type).containsOnly(ActionType.UNCHANGED);
        assertThat(plan.actions()).allSatisfy(a -> assertThat(a.drift()).as(a.stack()).isEmpty());
        assertThat(plan.inSync()).isTrue();
        PassResult second = engine.syncOnce(SyncOptions.all());
        assertThat(second.failed()).isFalse();
        assertThat(nas.calls().writes()).isZero();
        assertThat(nas.calls().count("auth.login_ex")).isEqualTo(1);
        assertThat(nas.calls().count("auth.login_with_api_key")).isZero();
        assertThat(composes()).isEqualTo(before);
        assertThat(engine.statuses()).allSatisfy(s -> assertThat(s.isReady()).as(s.name()).isTrue());
    }

    @Test
    void aDaemonStartedAfterTheUpgradeFindsTheAppsItCreatedOn2410InSync() {
        engine.syncOnce(SyncOptions.all());
        nas.upgradeTo(Release.V25_04);

        try (TrueNasClient fresh = TrueNasClient.connect(connection(nas));
                Reconciler restarted = Reconciler.builder().config(config).source(source)
                        .scanner(root -> StackRepository.scan(root, new StacksOptions(StacksOptions.DEFAULT_STACKS_DIR,
                                tmp.resolve("secrets"), null)))
                        .target("default", fresh.apps()).store(new JsonFileStatusStore(tmp.resolve("state"))).build()) {
            assertThat(fresh.protocol()).isEqualTo(Protocol.JSONRPC);
            nas.calls().reset();
            Plan plan = restarted.plan();
            assertThat(plan.inSync()).as("%s", plan.actions()).isTrue();
            assertThat(plan.hasChanges()).isFalse();
            assertThat(nas.calls().writes()).isZero();
        }
    }

    @Test
    void whileDockerIsStillStartingAfterTheRebootNothingIsRecreatedAndTheStacksComeBackInSync() throws Exception {
        // selfHeal would recreate apps that look deleted: an apps service that is not up yet must not look so
        git.write("stacks/web/stack.yaml", "selfHeal: true\n").write("stacks/db/stack.yaml", "selfHeal: true\n")
                .commit("self-heal");
        engine.syncOnce(SyncOptions.all());
        nas.upgradeTo(Release.V25_04);
        nas.faults().dockerRunning(false); // after the reboot, middlewared answers before Docker runs
        nas.calls().reset();

        PassResult during = engine.syncOnce(SyncOptions.all());

        assertThat(nas.calls().writes()).isZero();
        assertThat(during.plan().actions()).extracting(a -> a.reason().code()).containsOnly(Reasons.DOCKER_NOT_RUNNING);
        assertThat(during.plan().actions()).allSatisfy(a -> assertThat(a.reason().message())
                .contains("the apps service (Docker) on target 'default' is STOPPED"));
        assertThat(engine.statuses()).allSatisfy(s -> assertThat(s.isStalled()).as(s.name()).isFalse());

        nas.faults().dockerRunning(true);
        PassResult after = engine.syncOnce(SyncOptions.all());
        assertThat(nas.calls().writes()).isZero();
        assertThat(after.plan().inSync()).as("%s", after.plan().actions()).isTrue();
        assertThat(engine.statuses()).allSatisfy(s -> assertThat(s.isReady()).as(s.name()).isTrue());
    }

    private Map<String, Map<String, Object>> composes() {
        return nas.apps().list().stream().collect(Collectors.toMap(a -> a.name(), a -> a.compose(), (a, b) -> a,
                java.util.TreeMap::new));
    }
}
