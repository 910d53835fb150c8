package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truenasgitops.emulator.DockerState;
import io.truenasgitops.emulator.EmulatedApps;
import io.truenasgitops.emulator.EmulatorOptions;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's engine through a long randomized (seeded, so repeatable) sequence of the emulator's faults over 50
 * stacks: connections dropped mid-job, failed jobs, slow calls, Docker stopped, middleware restarts, daemon
 * restarts, commits and removals in Git. Once the faults stop, everything converges; never is an app created twice,
 * deleted without being asked, or a secret written to a log, an event, a status, a diff or the state file.
 */
class ChaosIT {

    static final long SEED = Long.getLong("chaos.seed", 20261202L);
    static final int STACKS = 50;
    static final int STEPS = 40;
    static final String SECRET = "chaos-s3cret-Qx7vLmP2";

    @TempDir
    Path tmp;

    TrueNasEmulator emulator;
    TrueNasClient client;
    GitFixture git;
    JGitSource source;
    Reconciler engine;
    ReconcileConfig config;
    Path secrets;
    final List<String> logs = new ArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (logs) {
                logs.add(r.getMessage() + " " + java.util.Arrays.toString(r.getParameters()));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    /** The test config, with retries fast enough to converge within the test (the daemon's are minutes). */
    static ReconcileConfig chaos(ReconcileConfig base) {
        return new ReconcileConfig(base.interval(), 0, Duration.ofMillis(100), Duration.ofMillis(25),
                Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofMillis(200), 4, false,
                base.stateDir(), Optional.empty(), Duration.ofSeconds(30), 5000);
    }

    @BeforeEach
    void setUp() throws Exception {
        Logger.getLogger("").addHandler(capture);
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withDeployDelay(Duration.ofMillis(50)));
        client = TrueNasClient.connect(ConnectionSettings.builder(emulator.url()).apiKey(emulator.apiKey())
                .username(emulator.username()).tlsFingerprint(emulator.tlsFingerprint()).build());
        git = new GitFixture(tmp.resolve("origin"));
        source = new JGitSource(GitSettings.of(git.url(), "main", "", tmp.resolve("git-state")));
        secrets = Files.createDirectories(tmp.resolve("secrets"));
        Files.writeString(secrets.resolve("DB_PASSWORD"), SECRET + "\n");
        config = chaos(TestConfig.defaults(tmp.resolve("state")));
        engine = newEngine();
    }

    Reconciler newEngine() {
        StacksOptions options = new StacksOptions(StacksOptions.DEFAULT_STACKS_DIR, secrets, null);
        return Reconciler.builder().config(config).source(source)
                .scanner(root -> StackRepository.scan(root, options))
                .target("default", client.apps()).store(new JsonFileStatusStore(config.stateDir())).build();
    }

    @AfterEach
    void tearDown() {
        Logger.getLogger("").removeHandler(capture);
        engine.close();
        source.close();
        client.close();
        emulator.close();
        git.close();
    }

    static String compose(int i, String tag) {
        String env = i % 3 == 0 ? "    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n      DSN: postgres://app:${DB_PASSWORD}@db/app\n" : "";
        return "services:\n  web:\n    image: nginx:" + tag + "\n    ports:\n      - \"" + (20000 + i) + ":80\"\n" + env;
    }

    static String name(int i) {
        return String.format("s%02d", i);
    }

    @Test
    void underRandomFaultsItConvergesWithoutDuplicateCreatesUnaskedDeletesOrLeakedSecrets() throws Exception {
        Random random = new Random(SEED);
        Map<String, String> tags = new LinkedHashMap<>();
        Set<String> prunable = new TreeSet<>();
        for (int i = 0; i < STACKS; i++) {
            tags.put(name(i), "1.27");
            git.write("stacks/" + name(i) + "/compose.yaml", compose(i, "1.27"));
            if (i % 10 == 9) {
                prunable.add(name(i));
                git.write("stacks/" + name(i) + "/stack.yaml", "prune: true\n");
            }
        }
        git.commit("50 stacks");
        // an app somebody made by hand: never ours, never touched
        Map<String, Object> manual = Map.of("services", Map.of("x", Map.of("image", "redis:7")));
        emulator.apps().put("manual", manual, "RUNNING");
        Set<String> removed = new TreeSet<>();
        List<String> diffs = new ArrayList<>();
        List<String> steps = new ArrayList<>();

        for (int step = 0; step < STEPS; step++) {
            String target = name(random.nextInt(STACKS));
            int kind = random.nextInt(10);
            switch (kind) {
                case 0 -> emulator.faults().dropConnectionDuringNextJob(random.nextBoolean() ? "app.update" : "app.create");
                case 1 -> emulator.faults().failNextJobWithComposeError("app.update", target);
                case 2 -> emulator.faults().latency("app.query", Duration.ofMillis(150));
                case 3 -> emulator.faults().dockerState(DockerState.STOPPED);
                case 4 -> emulator.restartMiddleware();
                case 5 -> {
                    engine.close();
                    engine = newEngine();
                }
                case 6 -> emulator.faults().failNextJobWithComposeError("app.create", target);
                default -> { }
            }
            steps.add(step + ":" + kind + ":" + target);
            // a commit on most steps: a new tag for one or two stacks, sometimes a pruned folder
            if (random.nextInt(3) > 0 && !removed.contains(target)) {
                String tag = "1." + (28 + step);
                tags.put(target, tag);
                git.write("stacks/" + target + "/compose.yaml", compose(Integer.parseInt(target.substring(1)), tag));
                git.commit(target + " " + tag);
            } else if (random.nextInt(8) == 0) {
                String gone = prunable.stream().filter(p -> !removed.contains(p)).findFirst().orElse(null);
                if (gone != null) {
                    removed.add(gone);
                    tags.remove(gone);
                    git.deleteDir("stacks/" + gone);
                    git.commit("remove " + gone);
                }
            }
            PassResult r = engine.syncOnce(SyncOptions.all());
            r.plan().actions().stream().filter(a -> a.diff() != null).forEach(a -> diffs.add(a.diff().unified()));
            if (kind == 3) {
                emulator.faults().dockerState(DockerState.RUNNING);
            }
            if (kind == 2) {
                emulator.faults().latency("app.query", Duration.ZERO);
            }
        }

        emulator.faults().clear();
        // passes until everything is there; the (millisecond) backoffs of the last failures run out meanwhile
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            engine.syncOnce(SyncOptions.all());
            return converged(tags);
        });

        assertThat(notConverged(tags)).as("converged after the faults stopped; steps " + steps).isEmpty();
        List<EmulatedApps.AppView> apps = emulator.apps().list();
        Set<String> names = new TreeSet<>();
        apps.forEach(a -> names.add(a.name()));
        Set<String> expected = new TreeSet<>(tags.keySet());
        expected.add("manual");
        assertThat(names).as("exactly Git's stacks and the hand-made app; only pruned folders deleted")
                .isEqualTo(expected);
        assertThat(emulator.apps().get("manual").orElseThrow().compose()).isEqualTo(manual);
        assertThat(emulator.calls().count("app.delete")).as("deletes only of folders removed with prune: true")
                .isEqualTo(removed.size());
        List<Event> events = engine.events(Optional.empty(), 5000);
        assertThat(events).as("no create ever met an app that already existed")
                .noneMatch(e -> e.message().contains("already exists"));
        StatusInvariants.assertValid(engine);

        String state = Files.readString(config.stateDir().resolve(JsonFileStatusStore.FILE_NAME));
        assertThat(state).doesNotContain(SECRET);
        assertThat(events).noneMatch(e -> e.message().contains(SECRET));
        assertThat(diffs).noneMatch(d -> d.contains(SECRET));
        synchronized (logs) {
            assertThat(logs).isNotEmpty().noneMatch(l -> l.contains(SECRET));
        }
    }

    /** What is not there yet, with the app's state and the engine's last reason. */
    List<String> notConverged(Map<String, String> tags) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> t : tags.entrySet()) {
            Optional<EmulatedApps.AppView> app = emulator.apps().get(t.getKey());
            Optional<StackStatus> s = engine.status(t.getKey());
            boolean ok = app.isPresent() && "RUNNING".equals(app.get().state())
                    && app.get().compose().toString().contains("nginx:" + t.getValue())
                    && s.isPresent() && s.get().isReady();
            if (!ok) {
                out.add(t.getKey() + " want " + t.getValue() + ": app " + app.map(a -> a.state() + " "
                        + a.compose().toString().replaceAll(".*nginx:([0-9.]+).*", "$1")).orElse("absent")
                        + ", status " + s.map(x -> x.lastReason() == null ? "-" : x.lastReason().code() + " "
                                + x.lastReason().message()).orElse("none"));
            }
        }
        return out;
    }

    /** Every stack in Git is on the NAS at its current tag, stamped, running, and Ready in the engine. */
    boolean converged(Map<String, String> tags) {
        for (Map.Entry<String, String> t : tags.entrySet()) {
            Optional<EmulatedApps.AppView> app = emulator.apps().get(t.getKey());
            if (app.isEmpty() || !"RUNNING".equals(app.get().state())
                    || !app.get().compose().toString().contains("nginx:" + t.getValue())) {
                return false;
            }
            Optional<StackStatus> s = engine.status(t.getKey());
            if (s.isEmpty() || !s.get().isReady()) {
                return false;
            }
        }
        return true;
    }
}
