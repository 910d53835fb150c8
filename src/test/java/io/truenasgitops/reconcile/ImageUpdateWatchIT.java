package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.metrics.DaemonMetrics;
import io.truenasgitops.metrics.MetricNames;
import io.truenasgitops.metrics.MicrometerReconcileMetrics;
import io.truenasgitops.truenas.JobListener;
import io.truenasgitops.truenas.TrueNasClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image updates TrueNAS reports are shown (condition, event, metric) and never acted on: the engine against the
 * emulator, whose control marks images as having a newer version under their tag.
 */
class ImageUpdateWatchIT {

    static final String DIGEST = "sha256:" + "c".repeat(64);
    static final String WEB = """
            services:
              web:
                image: nginx:1.27
            """;
    static final String DB = """
            services:
              db:
                image: postgres:17@%s
            """.formatted(DIGEST);

    @TempDir
    Path tmp;

    EmulatedSetup setup;
    TrueNasEmulator emulator;
    TrueNasClient client;
    GitFixture git;
    Reconciler engine;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void setUp() throws Exception {
        setup = EmulatedSetup.start(tmp);
        emulator = setup.emulator;
        client = setup.client;
        git = setup.git;
        MicrometerReconcileMetrics metrics = new MicrometerReconcileMetrics(new DaemonMetrics(registry));
        engine = setup.engine(setup.config()).metrics(metrics).build();
        metrics.bindStatuses(engine::statuses);
        git.write("stacks/web/compose.yaml", WEB).write("stacks/db/compose.yaml", DB).commit("two stacks");
        sync();
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");
        emulator.calls().reset();
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

    double metric(String stack) {
        Gauge g = registry.find(MetricNames.IMAGE_UPDATE_AVAILABLE.meterName()).tag(MetricNames.STACK, stack).gauge();
        return g == null ? Double.NaN : g.value();
    }

    List<Event> events(String stack, String reason) {
        return engine.events(Optional.of(stack), 1000).stream().filter(e -> e.reason().equals(reason)).toList();
    }

    @Test
    void noStackShowsAnUpdateUntilTheNasReportsOne() {
        sync();

        assertThat(engine.status("web").orElseThrow().condition(Condition.IMAGE_UPDATE_AVAILABLE)).isEmpty();
        assertThat(metric("web")).isZero();
        assertThat(metric("db")).isZero();
        assertThat(emulator.calls().count("app.outdated_docker_images")).isZero();
    }

    @Test
    void aTagPinnedStackIsReportedOncePerChangeAndNoPassWritesBecauseOfIt() {
        assertThat(emulator.imageUpdates().markAppUpdated("web")).containsExactly("nginx:1.27");
        Map<String, Object> composeBefore = emulator.apps().get("web").orElseThrow().compose();

        PassResult first = sync();
        PassResult second = sync();

        StackStatus web = engine.status("web").orElseThrow();
        Condition c = web.condition(Condition.IMAGE_UPDATE_AVAILABLE).orElseThrow();
        assertThat(c.isTrue()).isTrue();
        assertThat(c.reason()).isEqualTo(Reasons.IMAGE_UPDATE_AVAILABLE);
        assertThat(c.message()).contains("nginx:1.27 (pinned to a tag in Git").contains("nothing is pulled or redeployed")
                .contains("'truenas-gitops apps pull web'");
        assertThat(web.isReady()).as("an update available is not a failure").isTrue();
        assertThat(metric("web")).isEqualTo(1.0);
        assertThat(events("web", Reasons.IMAGE_UPDATE_AVAILABLE)).as("one event per change, not per pass").hasSize(1);
        assertThat(emulator.calls().count("app.outdated_docker_images")).as("asked once, when the flag turned on")
                .isEqualTo(1);
        assertThat(emulator.calls().writes()).as("writes of two passes").isZero();
        assertThat(first.results()).noneMatch(r -> r.action().writes());
        assertThat(second.result()).isEqualTo(PassOutcome.NO_CHANGE);
        assertThat(emulator.apps().get("web").orElseThrow().compose()).isEqualTo(composeBefore);
    }

    @Test
    void aDigestPinnedStackIsNeverFlaggedAndStaysAsGitHasIt() {
        assertThat(emulator.imageUpdates().markAppUpdated("db")).as("the NAS never checks a digest").isEmpty();
        emulator.imageUpdates().markUpdated("postgres:17");

        sync();

        assertThat(engine.status("db").orElseThrow().condition(Condition.IMAGE_UPDATE_AVAILABLE)).isEmpty();
        assertThat(metric("db")).isZero();
        assertThat(emulator.calls().writes()).isZero();
        assertThat(emulator.apps().get("db").orElseThrow().compose().toString()).contains("postgres:17@" + DIGEST);
    }

    @Test
    void pullingTheImagesOnPurposeClearsTheConditionMetricAndSaysSoOnce() {
        emulator.imageUpdates().markAppUpdated("web");
        sync();

        client.apps().pullImages("web", true, JobListener.NONE); // a person asked for it
        emulator.calls().reset();
        sync();
        sync();

        Condition c = engine.status("web").orElseThrow().condition(Condition.IMAGE_UPDATE_AVAILABLE).orElseThrow();
        assertThat(c.isTrue()).isFalse();
        assertThat(c.reason()).isEqualTo(Reasons.IMAGES_UP_TO_DATE);
        assertThat(metric("web")).isZero();
        assertThat(events("web", Reasons.IMAGES_UP_TO_DATE)).hasSize(1);
        assertThat(events("web", Reasons.IMAGE_UPDATE_AVAILABLE)).hasSize(1);
        assertThat(emulator.calls().writes()).as("the passes after the pull").isZero();
    }

    @Test
    void aStoppedAppTellsNothingSoTheConditionStays() {
        emulator.imageUpdates().markAppUpdated("web");
        sync();
        emulator.apps().setState("web", "STOPPED"); // stopped by hand: TrueNAS then reports no flag at all
        emulator.calls().reset();

        sync();

        assertThat(engine.status("web").orElseThrow().is(Condition.IMAGE_UPDATE_AVAILABLE)).isTrue();
        assertThat(events("web", Reasons.IMAGES_UP_TO_DATE)).isEmpty();
        assertThat(metric("web")).isEqualTo(1.0);
        assertThat(emulator.calls().writes()).as("drift is reported, not healed (selfHeal off)").isZero();
    }

    @Test
    void theConditionSurvivesARestartWithoutAnotherEvent() {
        emulator.imageUpdates().markAppUpdated("web");
        sync();
        engine.close();
        engine = setup.engine(setup.config()).build();
        emulator.calls().reset();

        sync();

        assertThat(engine.status("web").orElseThrow().is(Condition.IMAGE_UPDATE_AVAILABLE)).isTrue();
        assertThat(events("web", Reasons.IMAGE_UPDATE_AVAILABLE)).hasSize(1);
        assertThat(emulator.calls().count("app.outdated_docker_images")).isZero();
    }
}
