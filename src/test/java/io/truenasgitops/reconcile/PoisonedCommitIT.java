package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.truenas.TrueNasClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit full of poison (templates nested 2000 deep, a .env whose lines double, a compose file and an env_file
 * over their bounds) next to a healthy stack: the running loop keeps applying the healthy one, the poisoned ones
 * are InvalidStack, and the loop's thread never dies. Real Git, the real compose pipeline, the emulator over TLS.
 */
class PoisonedCommitIT {

    static final String WEB = "services:\n  web:\n    image: nginx:1.27\n";

    @TempDir
    Path tmp;

    EmulatedSetup setup;
    TrueNasEmulator emulator;
    TrueNasClient client;
    GitFixture git;
    Reconciler engine;
    ReconcileLoop loop;

    @BeforeEach
    void setUp() throws Exception {
        setup = EmulatedSetup.start(tmp);
        emulator = setup.emulator;
        client = setup.client;
        git = setup.git;
        ReconcileConfig config = setup.config(Duration.ofHours(1), 0);
        engine = setup.engine(config).build();
        loop = new ReconcileLoop(engine, config);
    }

    @AfterEach
    void tearDown() {
        loop.stop();
        StatusInvariants.assertValid(engine);
        engine.close();
        setup.close();
    }

    void writePoison() throws Exception {
        git.write("stacks/deep/compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    environment:\n      V: \""
                + "${A:-".repeat(2000) + "x" + "}".repeat(2000) + "\"\n");
        StringBuilder env = new StringBuilder("A0=0123456789abcdef\n");
        for (int i = 1; i < 40; i++) {
            env.append("A").append(i).append("=${A").append(i - 1).append("}${A").append(i - 1).append("}\n");
        }
        git.write("stacks/doubling/compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    environment:\n"
                + "      V: ${A39}\n").write("stacks/doubling/.env", env.toString());
        StringBuilder keys = new StringBuilder("services:\n  web:\n    image: nginx:1.27\n    labels:\n");
        for (int i = 0; keys.length() < 2_300_000; i++) {
            keys.append("      k").append(i).append(": v\n");
        }
        git.write("stacks/manykeys/compose.yaml", keys.toString());
        git.write("stacks/bigenv/compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    env_file: big.env\n")
                .write("stacks/bigenv/big.env", ("K=" + "v".repeat(98) + "\n").repeat(50_000));
    }

    @Test
    void aPoisonedCommitLeavesTheLoopAliveAndAChangeToAnotherStackIsStillApplied() throws Exception {
        git.write("stacks/web/compose.yaml", WEB);
        writePoison();
        git.commit("web and poison");

        loop.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> loop.passes() >= 1 && !loop.isBusy());
        assertThat(loop.lastFailure()).isEmpty();
        assertThat(emulator.apps().list()).extracting(a -> a.name()).containsExactly("web");
        for (String poisoned : new String[] {"deep", "doubling", "manykeys", "bigenv"}) {
            StackStatus status = engine.status(poisoned).orElseThrow();
            assertThat(status.lastReason().code()).as(poisoned).isEqualTo(Reasons.INVALID_STACK);
        }

        git.write("stacks/web/compose.yaml", WEB.replace("nginx:1.27", "nginx:1.28")).commit("web: nginx 1.28");
        emulator.calls().reset();
        loop.trigger(TriggerReason.WEBHOOK, Optional.empty());

        await().atMost(Duration.ofSeconds(60)).until(() -> loop.passes() >= 2 && !loop.isBusy());
        assertThat(loop.lastFailure()).isEmpty();
        assertThat(loop.isWorkerAlive()).isTrue();
        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertThat(emulator.calls().count("app.create")).isZero();
        assertThat(engine.status("web").orElseThrow().lastAppliedRevision()).isEqualTo(setup.source.lastGood()
                .orElseThrow().revision());
    }
}
