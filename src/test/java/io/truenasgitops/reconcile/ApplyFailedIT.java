package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.emulator.TrueNasEmulator;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Know your own failures: an update by this tool that fails and leaves the app stopped or crashed is
 * {@code ApplyFailed} with its cause in words, and the retry or the next commit brings the app up again (update,
 * then start), also after a daemon restart; it is never taken for a person's stop. Real Git, the emulator (in
 * memory) over TLS.
 */
class ApplyFailedIT {

    static final String WEB = "services:\n  web:\n    image: nginx:1.27\n";
    static final String WEB_V2 = WEB + "    environment:\n      MODE: \"2\"\n";

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
        engine = engine(setup.config());
    }

    Reconciler engine(ReconcileConfig config) {
        return setup.engine(config).build();
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

    /** The setup's timings with a stalled stack tried again at once (the slow backoff run out). */
    ReconcileConfig retryingAtOnce() {
        ReconcileConfig c = setup.config();
        return new ReconcileConfig(c.interval(), c.jitter(), c.settleTime(), c.healthPollInterval(),
                c.retryInitialBackoff(), c.retryMaxBackoff(), Duration.ofMillis(1), Duration.ofMillis(1),
                c.parallelism(), c.prune(), c.stateDir(), c.selfAppName(), c.shutdownTimeout(), c.eventHistory());
    }

    void webRuns() throws Exception {
        git.write("stacks/web/compose.yaml", WEB).commit("web");
        sync();
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");
    }

    @Test
    void anUpdateWhoseJobLeavesTheAppStoppedIsApplyFailedWithTheJobsOwnErrorOnceAndThePassFails() throws Exception {
        webRuns();
        emulator.faults().failNextJobWithComposeError("app.update", "web");
        String v2 = git.write("stacks/web/compose.yaml", WEB_V2).commit("web: mode 2");

        PassResult pass = sync();

        assertThat(emulator.apps().state("web")).isEqualTo("STOPPED");
        assertThat(pass.result()).isEqualTo(PassOutcome.FAILURE);
        StackStatus s = engine.status("web").orElseThrow();
        assertThat(s.isStalled()).isTrue();
        assertThat(s.lastReason().code()).isEqualTo(Reasons.APPLY_FAILED);
        assertThat(s.condition(Condition.STALLED).orElseThrow().reason()).isEqualTo(Reasons.APPLY_FAILED);
        assertThat(s.lastError()).contains("the update of app 'web' on target 'default' failed and left it STOPPED")
                .contains("compose up failed after the old containers were removed")
                .contains("Failed 'up' action for 'web' app");
        assertThat(s.lastError().split("app_lifecycle\\.log", -1)).as("the NAS's log file named once").hasSize(2);
        assertThat(s.failedApply()).isNotNull();
        assertThat(s.failedApply().revision()).isEqualTo(v2);
        assertThat(engine.events(java.util.Optional.of("web"), 1).get(0).reason()).isEqualTo(Reasons.APPLY_FAILED);
    }

    @Test
    void theRevertOfAnUpdateThatLeftTheAppStoppedUpdatesAndStartsItAlsoAfterARestart() throws Exception {
        webRuns();
        emulator.faults().failNextJobWithComposeError("app.update", "web");
        git.write("stacks/web/compose.yaml", WEB_V2).commit("web: mode 2");
        sync();
        assertThat(emulator.apps().state("web")).isEqualTo("STOPPED");
        engine.close();
        engine = engine(setup.config()); // a daemon restart: the failed apply is remembered in the state file
        assertThat(engine.status("web").orElseThrow().failedApply()).isNotNull();

        git.write("stacks/web/compose.yaml", WEB).commit("Revert \"web: mode 2\"");
        emulator.calls().reset();
        PassResult pass = sync();

        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertThat(emulator.calls().count("app.start")).isEqualTo(1);
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");
        assertThat(pass.result()).isEqualTo(PassOutcome.SUCCESS);
        StackStatus back = engine.status("web").orElseThrow();
        assertThat(back.isReady()).isTrue();
        assertThat(back.isStalled()).isFalse();
        assertThat(back.drift()).isEmpty();
        assertThat(back.failedApply()).isNull();
        assertThat(back.lastReason().message()).contains("updated and started").doesNotContain("reported only");
        emulator.calls().reset();
        sync();
        assertThat(emulator.calls().writes()).as("in sync").isZero();
    }

    @Test
    void theRetryOfAnUpdateThatLeftTheAppStoppedStartsIt() throws Exception {
        engine.close();
        engine = engine(retryingAtOnce());
        webRuns();
        emulator.faults().failNextJobWithComposeError("app.update", "web");
        git.write("stacks/web/compose.yaml", WEB_V2).commit("web: mode 2");
        sync();
        assertThat(emulator.apps().state("web")).isEqualTo("STOPPED");

        emulator.calls().reset();
        sync();

        assertThat(emulator.calls().count("app.start")).isEqualTo(1);
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");
        StackStatus s = engine.status("web").orElseThrow();
        assertThat(s.isReady()).isTrue();
        assertThat(s.failedApply()).isNull();
    }

    @Test
    void anUpdateWhoseContainerCrashesAtOnceIsApplyFailedWithItsLastLogLinesAndTheNextCommitBringsItUp()
            throws Exception {
        webRuns();
        emulator.faults().exitAfterEveryStart("web", "web", 1);
        git.write("stacks/web/compose.yaml", WEB_V2).commit("web: mode 2");

        sync();

        assertThat(emulator.apps().state("web")).isEqualTo("CRASHED");
        StackStatus s = engine.status("web").orElseThrow();
        assertThat(s.lastReason().code()).isEqualTo(Reasons.APPLY_FAILED);
        assertThat(s.lastError()).contains("failed and left it CRASHED")
                .contains("what its containers printed last:")
                .contains("service 'web' (container ")
                .contains("starting web (nginx:1.27)");
        assertThat(s.failedApply()).isNotNull();

        emulator.faults().exitAfterEveryStart("web", "web", -1);
        git.write("stacks/web/compose.yaml", WEB_V2 + "      FIXED: \"1\"\n").commit("web: fixed");
        sync();

        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");
        assertThat(engine.status("web").orElseThrow().isReady()).isTrue();
        assertThat(engine.status("web").orElseThrow().failedApply()).isNull();
    }

    @Test
    void anAppStoppedByAPersonIsStillOnlyReported() throws Exception {
        webRuns();
        emulator.apps().setState("web", "STOPPED");
        git.write("stacks/web/compose.yaml", WEB_V2).commit("web: mode 2");
        emulator.calls().reset();

        sync();

        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertThat(emulator.calls().count("app.start")).isZero();
        assertThat(emulator.apps().state("web")).isEqualTo("STOPPED");
        assertThat(engine.status("web").orElseThrow().drift()).contains(DriftKind.STATE);
    }
}
