package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Report mode (observe only), the recommended first week: passes plan and report drift to the status, events and
 * the pass observers (notifications, metrics), and send not one writing call to the NAS, even for a stack a human
 * forces; switching back to sync takes effect at the next pass, without a restart.
 */
class ReportModeIT {
    static final String WEB = """
            services:
              web:
                image: nginx:1.27
                ports: ["8080:80"]
            """;
    static final String DB = """
            services:
              db:
                image: postgres:17
            """;

    @TempDir
    Path tmp;

    EmulatedSetup nas;
    Reconciler engine;
    final List<PassResult> observed = new CopyOnWriteArrayList<>();

    Reconciler start(Mode mode) throws Exception {
        nas = EmulatedSetup.start(tmp);
        engine = nas.engine(nas.config()).mode(mode).passListener(new SyncListener() {
            @Override
            public void onPassEnd(PassResult result) {
                observed.add(result);
            }
        }).build();
        return engine;
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            StatusInvariants.assertValid(engine);
            engine.close();
        }
        if (nas != null) {
            nas.close();
        }
    }

    void editWebInTheUi() {
        Map<String, Object> edited = new LinkedHashMap<>(nas.emulator.apps().get("web").orElseThrow().compose());
        edited.put("services", Map.of("web", Map.of("image", "nginx:edited-in-ui")));
        nas.emulator.apps().uiEdit("web", edited);
    }

    @Test
    void aDaemonStartedInReportModeSendsNoWritingCallAndSaysWhatItWouldDo() throws Exception {
        start(Mode.REPORT);
        nas.git.write("stacks/web/compose.yaml", WEB).commit("web");
        nas.emulator.calls().reset();

        PassResult pass = engine.syncOnce(SyncOptions.all());
        engine.syncOnce(SyncOptions.only(java.util.Set.of("web"))); // a human's sync --stack is held too

        assertThat(nas.emulator.calls().writes()).isZero();
        assertThat(nas.emulator.apps().get("web")).isEmpty();
        assertThat(pass.results()).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(ActionOutcome.BLOCKED);
            assertThat(r.reason().code()).isEqualTo(Reasons.REPORT_ONLY);
            assertThat(r.reason().message()).contains("would create app 'web'", "report mode");
        });
        assertThat(engine.status("web").orElseThrow().lastReason().code()).isEqualTo(Reasons.REPORT_ONLY);
        assertThat(engine.status("web").orElseThrow().isStalled()).isFalse();
        assertThat(engine.plan().action("web").orElseThrow().type()).as("the plan says what sync mode would do")
                .isEqualTo(ActionType.CREATE);
    }

    @Test
    void driftIsStillReportedInReportModeAndNothingIsReverted() throws Exception {
        start(Mode.SYNC);
        nas.git.write("stacks/web/compose.yaml", WEB).write("stacks/web/stack.yaml", "selfHeal: true\n")
                .commit("web, self-healing");
        engine.syncOnce(SyncOptions.all());
        assertThat(nas.emulator.apps().get("web")).isPresent();

        assertThat(engine.setMode(Mode.REPORT)).isTrue();
        editWebInTheUi();
        nas.git.write("stacks/db/compose.yaml", DB).commit("db");
        nas.emulator.calls().reset();
        observed.clear();

        engine.syncOnce(SyncOptions.all());
        engine.syncOnce(SyncOptions.all());

        assertThat(nas.emulator.calls().writes()).isZero();
        StackStatus web = engine.status("web").orElseThrow();
        assertThat(web.drift()).containsExactly(DriftKind.CONFIG);
        assertThat(web.isReady()).isFalse();
        assertThat(web.lastReason().message()).contains("would update app 'web'");
        assertThat(engine.events(Optional.of("web"), 10)).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(Event.Type.WARNING);
            assertThat(e.reason()).isEqualTo(Reasons.REPORT_ONLY);
        });
        assertThat(observed).as("the pass observers (notifications, commit statuses) see every pass").hasSize(2);
        assertThat(observed.get(0).results()).extracting(r -> r.action().stack()).containsExactlyInAnyOrder("db", "web");
        assertThat(nas.emulator.apps().get("db")).isEmpty();
        assertThat(nas.emulator.apps().get("web").orElseThrow().compose().toString()).contains("nginx:edited-in-ui");
    }

    @Test
    void switchingBackToSyncAppliesAtTheNextPassWithoutARestart() throws Exception {
        start(Mode.REPORT);
        nas.git.write("stacks/web/compose.yaml", WEB).commit("web");
        engine.syncOnce(SyncOptions.all());
        assertThat(nas.emulator.calls().writes()).isZero();

        assertThat(engine.setMode(Mode.SYNC)).isTrue();
        assertThat(engine.setMode(Mode.SYNC)).as("already in sync mode").isFalse();
        engine.syncOnce(SyncOptions.all());

        assertThat(nas.emulator.calls().count("app.create")).isEqualTo(1);
        assertThat(engine.status("web").orElseThrow().isReady()).isTrue();
    }

    @Test
    void aRollbackIsRefusedInReportMode() throws Exception {
        start(Mode.REPORT);
        nas.git.write("stacks/web/compose.yaml", WEB).commit("web");

        assertThatThrownBy(() -> engine.rollback("web", "0123456789ab", false, SyncListener.NONE))
                .isInstanceOf(RollbackRefusedException.class).hasMessageContaining("report mode");
        assertThat(nas.emulator.calls().writes()).isZero();
    }

    @Test
    void aModeThatIsNeitherSyncNorReportSaysWhichAreAllowed() {
        assertThat(Mode.parse(" Report ")).isEqualTo(Mode.REPORT);
        assertThatThrownBy(() -> Mode.parse("observe")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown mode 'observe'").hasMessageContaining("sync").hasMessageContaining("report");
    }
}
