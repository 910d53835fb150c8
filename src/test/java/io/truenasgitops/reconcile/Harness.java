package io.truenasgitops.reconcile;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** One engine wired to fakes: repo, NAS (target "default"), clock and a JSON state file in a temp dir. */
final class Harness implements AutoCloseable {
    final FakeRepo repo = new FakeRepo();
    final FakeTrueNas nas = new FakeTrueNas();
    final FakeClock clock = new FakeClock();
    final Path stateDir;
    final RecordingMetrics metrics = new RecordingMetrics();
    ReconcileConfig config;
    Reconciler engine;

    Harness(Path stateDir) {
        this(stateDir, c -> c);
    }

    Harness(Path stateDir, UnaryOperator<ReconcileConfig> tweak) {
        this.stateDir = stateDir;
        this.config = tweak.apply(TestConfig.defaults(stateDir));
        this.engine = newEngine();
    }

    Reconciler newEngine() {
        return Reconciler.builder().config(config).source(repo).scanner(repo).target("default", nas)
                .store(new JsonFileStatusStore(stateDir)).metrics(metrics).clock(clock).build();
    }

    /** Simulates a daemon restart: a new engine on the same state dir (and the same NAS). */
    void restart() {
        engine.close();
        engine = newEngine();
    }

    PassResult sync() {
        return engine.syncOnce(SyncOptions.all());
    }

    StackStatus status(String name) {
        return engine.status(name).orElseThrow(() -> new AssertionError("no status for " + name));
    }

    @Override
    public void close() {
        engine.close();
    }
}
