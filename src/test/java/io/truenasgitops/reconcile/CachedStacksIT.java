package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.stackcache.StackCache;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import io.truenasgitops.truenas.TrueNasClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine with the daemon's stack cache, end to end against the emulator: a pass over unchanged stacks renders
 * none of them, and a rotated secret, an edited {@code .env}, {@code env_file} or {@code stack.yaml} still reaches
 * the app on the NAS.
 */
class CachedStacksIT {

    static final String WEB = """
            services:
              web:
                image: nginx:${TAG}
                env_file: [app.env]
                environment:
                  PASSWORD: ${DB_PASSWORD}
                  GREETING: ${GREETING}
            """;

    @TempDir
    Path tmp;

    EmulatedSetup setup;
    TrueNasEmulator emulator;
    TrueNasClient client;
    GitFixture git;
    Reconciler engine;
    Path secrets;
    final AtomicInteger renders = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        setup = EmulatedSetup.start(tmp);
        emulator = setup.emulator;
        client = setup.client;
        git = setup.git;
        secrets = Files.createDirectories(tmp.resolve("secrets"));
        Files.writeString(secrets.resolve("DB_PASSWORD"), "first-password\n");
        StacksOptions options = new StacksOptions(StacksOptions.DEFAULT_STACKS_DIR, secrets, null);
        StackCache cache = new StackCache(options, (root, dir, opts, values) -> {
            renders.incrementAndGet();
            return StackRepository.load(root, dir, opts, values);
        });
        engine = setup.engine(setup.config()).scanner(cache::scan).build();
        git.write("stacks/web/compose.yaml", WEB).write("stacks/web/.env", "TAG=1.27\n")
                .write("stacks/web/app.env", "MODE=one\n").write("stacks/web/stack.yaml", "variables:\n  GREETING: hello\n")
                .write("stacks/db/compose.yaml", "services:\n  db:\n    image: postgres:17\n").commit("two stacks");
        engine.syncOnce(SyncOptions.all());
        assertThat(liveWeb()).contains("nginx:1.27", "first-password", "one", "hello");
        emulator.calls().reset();
        renders.set(0);
    }

    @AfterEach
    void tearDown() {
        StatusInvariants.assertValid(engine);
        engine.close();
        setup.close();
    }

    String liveWeb() {
        return emulator.apps().get("web").orElseThrow().compose().toString();
    }

    void syncAndExpectOneUpdate(int expectedRenders) {
        engine.syncOnce(SyncOptions.all());
        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertThat(emulator.calls().writes()).isEqualTo(1);
        assertThat(renders.get()).as("stacks rendered").isEqualTo(expectedRenders);
    }

    @Test
    void aPassOverUnchangedStacksRendersNoneAndWritesNothing() throws Exception {
        engine.syncOnce(SyncOptions.all());
        git.write("README.md", "a commit outside the stacks").commit("docs");
        engine.syncOnce(SyncOptions.all());

        assertThat(renders.get()).isZero();
        assertThat(emulator.calls().writes()).isZero();
        assertThat(emulator.calls().count("app.query")).isEqualTo(2);
    }

    @Test
    void aRotatedSecretUpdatesTheApp() throws Exception {
        Files.writeString(secrets.resolve("DB_PASSWORD"), "second-password\n");
        // a secret is an input of every stack: both are rendered again, only the one using it changed
        syncAndExpectOneUpdate(2);
        assertThat(liveWeb()).contains("second-password").doesNotContain("first-password");
    }

    @Test
    void anEditedDotEnvUpdatesTheApp() throws Exception {
        git.write("stacks/web/.env", "TAG=1.28\n").commit("bump the tag");
        syncAndExpectOneUpdate(1);
        assertThat(liveWeb()).contains("nginx:1.28");
    }

    @Test
    void anEditedEnvFileUpdatesTheApp() throws Exception {
        git.write("stacks/web/app.env", "MODE=two\n").commit("change the mode");
        syncAndExpectOneUpdate(1);
        assertThat(liveWeb()).contains("two").doesNotContain("MODE=one");
    }

    @Test
    void anEditedStackYamlUpdatesTheApp() throws Exception {
        git.write("stacks/web/stack.yaml", "variables:\n  GREETING: bonjour\n").commit("say it in french");
        syncAndExpectOneUpdate(1);
        assertThat(liveWeb()).contains("bonjour").doesNotContain("hello");
    }
}
