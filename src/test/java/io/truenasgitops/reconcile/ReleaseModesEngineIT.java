package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.Release;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine against every release mode of the emulator, for what 26.0 and 27.0 change: a container that dies
 * in an app the NAS still calls RUNNING fails the health gate on every release; an app whose metadata is
 * unusable (27.0: ERROR, before: CRASHED) is never started or updated in a loop; a failed create's job log
 * (26.0+) reaches the status, masked.
 */
class ReleaseModesEngineIT {
    static final String WEB_AND_WORKER = """
            services:
              web:
                image: nginx:1.27
                ports: ["8080:80"]
              worker:
                image: busybox:1.36
            """;

    @TempDir
    Path tmp;

    EmulatedSetup nas;
    Reconciler engine;

    Reconciler start(Release release) throws Exception {
        nas = EmulatedSetup.start(tmp, EmulatorOptions.defaults().withRelease(release)
                .withDeployDelay(Duration.ofMillis(100)));
        engine = nas.engine(nas.config()).build();
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

    PassResult sync() {
        return engine.syncOnce(SyncOptions.all());
    }

    @ParameterizedTest
    @EnumSource(Release.class)
    void aRunningAppWithOneDeadContainerFailsTheHealthGateOnEveryRelease(Release release) throws Exception {
        start(release);
        // 137 (SIGKILL, as an OOM kill): CRASHED before 27.0; on 27.0 the container is "exited" and the app RUNNING
        nas.emulator.faults().exitAfterEveryStart("web", "worker", 137);
        nas.git.write("stacks/web/compose.yaml", WEB_AND_WORKER).commit("web and worker");

        sync();

        StackStatus s = engine.status("web").orElseThrow();
        assertThat(s.isStalled()).isTrue();
        assertThat(s.isReady()).isFalse();
        assertThat(s.lastReason().code()).isEqualTo(Reasons.HEALTH_CHECK_FAILED);
        assertThat(s.lastError()).contains("worker");
        assertThat(nas.emulator.apps().state("web"))
                .isEqualTo(release.atLeast(Release.V27_0) ? "RUNNING" : "CRASHED");
        nas.emulator.calls().reset();

        sync();
        sync();
        assertThat(nas.emulator.calls().writes()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Release.class)
    void anOomKilledContainerIsNamedAsSuchWhenTheNasSaysSo(Release release) throws Exception {
        start(release);
        nas.emulator.faults().oomKillAfterEveryStart("web", "worker");
        nas.git.write("stacks/web/compose.yaml", WEB_AND_WORKER).commit("web and worker");

        sync();

        StackStatus s = engine.status("web").orElseThrow();
        assertThat(s.lastReason().code()).isEqualTo(Reasons.HEALTH_CHECK_FAILED);
        assertThat(s.lastError()).contains("worker").contains("out-of-memory killer").contains("memory limit");
    }

    @ParameterizedTest
    @EnumSource(Release.class)
    void aServiceOthersWaitForToCompleteMayExitWithoutFailingTheGate(Release release) throws Exception {
        start(release);
        nas.emulator.faults().exitAfterEveryStart("web", "init", 0);
        nas.git.write("stacks/web/compose.yaml", """
                services:
                  init:
                    image: busybox:1.36
                  web:
                    image: nginx:1.27
                    depends_on:
                      init:
                        condition: service_completed_successfully
                """).commit("web with an init job");

        sync();

        assertThat(engine.status("web").orElseThrow().isReady()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Release.class)
    void anAppWhoseMetadataIsUnusableIsNeverStartedOrUpdatedInALoop(Release release) throws Exception {
        start(release);
        nas.git.write("stacks/web/compose.yaml", WEB_AND_WORKER).commit("web");
        sync();
        assertThat(engine.status("web").orElseThrow().isReady()).isTrue();
        nas.emulator.apps().breakMetadata("web", "METADATA_UNREADABLE");
        nas.git.write("stacks/web/compose.yaml", WEB_AND_WORKER.replace("nginx:1.27", "nginx:1.28")).commit("bump");
        nas.emulator.calls().reset();

        sync();
        int firstPass = nas.emulator.calls().writes();
        nas.emulator.calls().reset();
        sync();
        sync();

        StackStatus s = engine.status("web").orElseThrow();
        assertThat(nas.emulator.calls().writes()).isZero();
        assertThat(s.isStalled()).isTrue();
        if (release.atLeast(Release.V27_0)) {
            assertThat(firstPass).isZero();
            assertThat(s.lastReason().code()).isEqualTo(Reasons.APP_UNUSABLE);
            assertThat(s.lastError()).contains("is in ERROR on the NAS (METADATA_UNREADABLE)")
                    .contains("allows only deleting it").contains("truenas-gitops apps delete web --yes");
            assertThat(s.health()).isEqualTo(HealthStatus.DEGRADED);
        } else {
            // the NAS calls it CRASHED: one update is tried, its health gate fails, and that is not repeated
            assertThat(firstPass).isLessThanOrEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Release.class, names = {"V25_10", "V26_0", "V27_0"})
    void aFailedCreateShowsTheJobsLogFromTwentySixWithTheStacksSecretsMasked(Release release) throws Exception {
        start(release);
        Path secrets = Files.createDirectories(tmp.resolve("secrets"));
        Files.writeString(secrets.resolve("DB_PASSWORD"), "hunter2-very-secret\n");
        engine.close();
        engine = nas.engine(nas.config()).scanner(root -> StackRepository.scan(root,
                new StacksOptions(StacksOptions.DEFAULT_STACKS_DIR, secrets, null))).build();
        nas.emulator.faults().failNextJobWithLogs("app.create", "db",
                "db-1  | connecting with password hunter2-very-secret\ndb-1  | exec: no such file\n");
        nas.git.write("stacks/db/compose.yaml", """
                services:
                  db:
                    image: postgres:17
                    environment:
                      POSTGRES_PASSWORD: ${DB_PASSWORD}
                """).write("stacks/db/stack.yaml", "secrets: [DB_PASSWORD]\n").commit("db");

        sync();

        StackStatus s = engine.status("db").orElseThrow();
        assertThat(s.lastReason().code()).isEqualTo(Reasons.JOB_FAILED);
        if (release.atLeast(Release.V26_0)) {
            assertThat(s.lastError()).contains("the job's log on the NAS (logs_excerpt):\nApp installation logs for db:")
                    .contains("exec: no such file").doesNotContain("hunter2-very-secret");
            assertThat(engine.events(java.util.Optional.of("db"), 10)).anySatisfy(e ->
                    assertThat(e.message()).contains("exec: no such file").doesNotContain("hunter2-very-secret"));
        } else {
            assertThat(s.lastError()).contains("Please check /var/log/app_lifecycle.log");
            assertThat(s.lastError().split("app_lifecycle\\.log", -1)).as("the NAS's log file named once").hasSize(2);
        }
    }
}
