package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.git.Snapshot;
import io.truenasgitops.notify.CommitLinks;
import io.truenasgitops.notify.EngineSnapshot;
import io.truenasgitops.notify.Notification;
import io.truenasgitops.notify.NotificationKind;
import io.truenasgitops.notify.ProblemTracker;
import io.truenasgitops.stacks.StackSettings.OnFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code onFailure: rollback} (stack.yaml, or the daemon's repository-wide default): an update that fails puts the
 * last revision that passed the health gate on this NAS back (compose only), marks the stack {@code RolledBack} with
 * both revisions and does not try the failing revision again until Git changes. Real Git, the emulator (in memory).
 */
class OnFailureRollbackIT {

    static final String WEB = "services:\n  web:\n    image: nginx:1.27\n";
    static final String WEB_V2 = WEB + "    environment:\n      MODE: \"2\"\n";
    static final String WEB_V3 = WEB + "    environment:\n      MODE: \"3\"\n";

    @TempDir
    Path tmp;

    EmulatedSetup setup;
    TrueNasEmulator emulator;
    GitFixture git;
    Reconciler engine;

    @BeforeEach
    void setUp() throws Exception {
        setup = EmulatedSetup.start(tmp);
        emulator = setup.emulator;
        git = setup.git;
    }

    @AfterEach
    void tearDown() {
        StatusInvariants.assertValid(engine);
        engine.close();
        setup.close();
    }

    PassResult sync() {
        return engine.syncOnce(SyncOptions.all());
    }

    @SuppressWarnings("unchecked")
    Object mode() {
        Map<String, Object> compose = emulator.apps().get("web").orElseThrow().compose();
        Map<String, Object> web = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("web");
        Object env = web.get("environment");
        return env instanceof Map<?, ?> m ? m.get("MODE") : null;
    }

    /** web runs at a first revision; the update to MODE 2 fails (compose up) and leaves the app stopped. */
    String[] goodThenFailingUpdate(String stackYaml) throws Exception {
        git.write("stacks/web/compose.yaml", WEB);
        if (stackYaml != null) {
            git.write("stacks/web/stack.yaml", stackYaml);
        }
        String good = git.commit("web");
        sync();
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");
        emulator.faults().failNextJobWithComposeError("app.update", "web");
        String bad = git.write("stacks/web/compose.yaml", WEB_V2).commit("web: mode 2");
        emulator.calls().reset();
        sync();
        return new String[] {good, bad};
    }

    @Test
    void aFailedUpdateIsRolledBackToTheLastRevisionThatPassedTheGateAndNotTriedAgainUntilGitChanges()
            throws Exception {
        engine = setup.engine(setup.config()).build();
        String[] revs = goodThenFailingUpdate("onFailure: rollback\n");

        assertThat(emulator.calls().count("app.update")).as("the failed update, then the rollback").isEqualTo(2);
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");
        assertThat(mode()).as("the first revision's compose").isNull();
        StackStatus s = engine.status("web").orElseThrow();
        assertThat(s.isStalled()).isTrue();
        assertThat(s.lastReason().code()).isEqualTo(Reasons.ROLLED_BACK);
        assertThat(s.lastError()).contains("was rolled back from " + Snapshot.shorten(revs[1]) + " to "
                + Snapshot.shorten(revs[0]) + " (onFailure: rollback)")
                .contains("Failed 'up' action for 'web' app").contains("its data stays");
        assertThat(s.failedApply().rolledBackTo()).isEqualTo(revs[0]);
        assertThat(s.failedApply().revision()).isEqualTo(revs[1]);
        assertThat(engine.events(Optional.of("web"), 5)).extracting(Event::reason).contains(Reasons.ROLLED_BACK);
        assertThat(engine.history("web", 1)).singleElement().satisfies(h -> {
            // the shape of a person's rollback: to the revision that runs now, from the one it left
            assertThat(h.kind()).isEqualTo(HistoryEntry.Kind.ROLLED_BACK);
            assertThat(h.operation()).isEqualTo(HistoryEntry.Operation.ROLLBACK);
            assertThat(h.revision()).isEqualTo(revs[0]);
            assertThat(h.fromRevision()).isEqualTo(revs[1]);
            assertThat(h.reason().code()).isEqualTo(Reasons.ROLLED_BACK);
            assertThat(h.reason().message()).contains("(onFailure: rollback)");
        });

        emulator.calls().reset();
        sync();
        sync();
        assertThat(emulator.calls().writes()).as("the failing revision is not tried again").isZero();
        assertThat(engine.status("web").orElseThrow().condition(Condition.STALLED).orElseThrow().reason())
                .isEqualTo(Reasons.ROLLED_BACK);

        git.write("stacks/web/compose.yaml", WEB_V3).commit("web: mode 3");
        sync();
        assertThat(mode()).isEqualTo("3");
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");
        StackStatus fixed = engine.status("web").orElseThrow();
        assertThat(fixed.isReady()).isTrue();
        assertThat(fixed.failedApply()).isNull();
    }

    @Test
    void anAutomaticRollbackIsOneNotificationWithBothRevisionsAndTheNextCommitThatWorksIsOneRecovery()
            throws Exception {
        engine = setup.engine(setup.config()).build();
        ProblemTracker tracker = new ProblemTracker(Duration.ofHours(6), new CommitLinks(null), null);
        git.write("stacks/web/compose.yaml", WEB).write("stacks/web/stack.yaml", "onFailure: rollback\n");
        String good = git.commit("web");
        assertThat(tracker.evaluate(EngineSnapshot.of(engine, sync()))).isEmpty();

        emulator.faults().failNextJobWithComposeError("app.update", "web");
        String bad = git.write("stacks/web/compose.yaml", WEB_V2).commit("web: mode 2");
        List<Notification> rolledBack = tracker.evaluate(EngineSnapshot.of(engine, sync()));

        assertThat(rolledBack).as("the RolledBack event and the RolledBack stall are one message").singleElement()
                .satisfies(n -> {
                    assertThat(n.kind()).isEqualTo(NotificationKind.ROLLED_BACK);
                    assertThat(n.stack()).isEqualTo("web");
                    assertThat(n.message()).contains("was rolled back from " + Snapshot.shorten(bad) + " to "
                            + Snapshot.shorten(good));
                });
        assertThat(tracker.evaluate(EngineSnapshot.of(engine, sync()))).as("a pass that holds it back").isEmpty();

        git.write("stacks/web/compose.yaml", WEB_V3).commit("web: mode 3");
        assertThat(tracker.evaluate(EngineSnapshot.of(engine, sync()))).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(NotificationKind.RECOVERED);
            assertThat(n.recoveredFrom()).isEqualTo(NotificationKind.ROLLED_BACK);
        });
    }

    @Test
    void theRevertOfARolledBackCommitIsInSyncWithoutAWrite() throws Exception {
        engine = setup.engine(setup.config()).build();
        goodThenFailingUpdate("onFailure: rollback\n");

        git.write("stacks/web/compose.yaml", WEB).commit("Revert \"web: mode 2\"");
        emulator.calls().reset();
        sync();

        assertThat(emulator.calls().writes()).isZero();
        StackStatus s = engine.status("web").orElseThrow();
        assertThat(s.isReady()).isTrue();
        assertThat(s.isStalled()).isFalse();
        assertThat(s.failedApply()).isNull();
    }

    @Test
    void theDaemonsDefaultRollsBackAStackWithoutAStackYamlAndAStackSayingStayStays() throws Exception {
        engine = setup.engine(setup.config().withOnFailure(OnFailure.ROLLBACK)).build();
        goodThenFailingUpdate(null);
        assertThat(engine.status("web").orElseThrow().lastReason().code()).isEqualTo(Reasons.ROLLED_BACK);
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");

        emulator.faults().failNextJobWithComposeError("app.update", "web");
        git.write("stacks/web/compose.yaml", WEB_V3).write("stacks/web/stack.yaml", "onFailure: stay\n")
                .commit("web: mode 3, stay");
        emulator.calls().reset();
        sync();

        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertThat(emulator.apps().state("web")).isEqualTo("STOPPED");
        assertThat(engine.status("web").orElseThrow().lastReason().code()).isEqualTo(Reasons.APPLY_FAILED);
    }
}
