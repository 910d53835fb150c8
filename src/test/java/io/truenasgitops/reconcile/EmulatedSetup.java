package io.truenasgitops.reconcile;

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
import java.util.Optional;

/**
 * What the engine's integration tests stand on: an emulated NAS with a connected client, a Git origin and the
 * JGit source that follows its {@code main}, all under one temp folder. {@link #engine} gives a builder wired to
 * them the way the daemon wires one target; a test adds what it needs (metrics, storage, a cache) and builds.
 */
final class EmulatedSetup implements AutoCloseable {

    final TrueNasEmulator emulator;
    final TrueNasClient client;
    final GitFixture git;
    final JGitSource source;
    private final Path tmp;

    private EmulatedSetup(Path tmp, TrueNasEmulator emulator) throws Exception {
        this.tmp = tmp;
        this.emulator = emulator;
        // 24.10 has no /api/current: its client speaks the legacy protocol
        String url = emulator.release() == io.truenasgitops.emulator.Release.V24_10 ? emulator.legacyUrl()
                : emulator.url();
        this.client = TrueNasClient.connect(ConnectionSettings.builder(url).apiKey(emulator.apiKey())
                .username(emulator.username()).tlsFingerprint(emulator.tlsFingerprint()).build());
        this.git = new GitFixture(tmp.resolve("origin"));
        this.source = new JGitSource(GitSettings.of(git.url(), "main", "", tmp.resolve("git-state")));
    }

    /** The emulator with its defaults (25.04, in-memory apps). */
    static EmulatedSetup start(Path tmp) throws Exception {
        return start(tmp, EmulatorOptions.defaults());
    }

    /** The emulator with {@code options} (another release, faults). */
    static EmulatedSetup start(Path tmp, EmulatorOptions options) throws Exception {
        return new EmulatedSetup(tmp, TrueNasEmulator.start(options));
    }

    /** Timings for tests: a 1 min interval, a 300 ms settle time, health polled every 50 ms, 4 stacks at once. */
    ReconcileConfig config() {
        return config(Duration.ofMinutes(1), 0.1);
    }

    /** {@link #config()} with another interval and jitter (a test that drives a loop itself). */
    ReconcileConfig config(Duration interval, double jitter) {
        return TestConfig.of(interval, jitter, Duration.ofMillis(300), Duration.ofMillis(50), Duration.ofSeconds(10),
                Duration.ofMinutes(5), 4, false, tmp.resolve("state"), Optional.empty(), Duration.ofSeconds(30), 500);
    }

    /** An engine on this NAS as target "default", this source, stacks scanned plainly, status in the state dir. */
    Reconciler.Builder engine(ReconcileConfig config) {
        return Reconciler.builder().config(config).source(source)
                .scanner(root -> StackRepository.scan(root, StacksOptions.defaults()))
                .target("default", client.apps()).store(new JsonFileStatusStore(config.stateDir()));
    }

    @Override
    public void close() {
        source.close();
        client.close();
        emulator.close();
        git.close();
    }
}
