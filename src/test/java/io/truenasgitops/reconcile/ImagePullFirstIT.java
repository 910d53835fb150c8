package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.emulator.RegistryImages;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.truenas.Job;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull first: before an update or a create that brings new image references, the engine pulls each of them on the
 * NAS ({@code app.image.pull}); a pull the registry refuses stalls the stack with {@code ImagePullFailed} and sends
 * nothing for the app, which runs as before. Real Git, the emulator over TLS.
 */
class ImagePullFirstIT {

    static final String WEB = "services:\n  web:\n    image: nginx:1.27\n";

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
        engine = setup.engine(setup.config()).build();
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

    /** The methods of the jobs a pass ran, in the order they first reported. */
    List<String> syncRecordingJobs() {
        List<String> methods = new CopyOnWriteArrayList<>();
        engine.syncOnce(SyncOptions.all(), new SyncListener() {
            @Override
            public void onJob(Action action, Job job) {
                String key = job.method() + "#" + job.id();
                if (!methods.contains(key)) {
                    methods.add(key);
                }
            }
        });
        return methods.stream().map(m -> m.substring(0, m.indexOf('#'))).toList();
    }

    @SuppressWarnings("unchecked")
    String runningImage(String app) {
        Map<String, Object> compose = emulator.apps().get(app).orElseThrow().compose();
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        return (String) ((Map<String, Object>) services.get("web")).get("image");
    }

    @Test
    void aCommitWithAMissingTagSendsNoUpdateStallsWithThePullReasonAndItsRevertSyncsWithoutAWrite() throws Exception {
        git.write("stacks/web/compose.yaml", WEB).commit("web");
        sync();
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");
        emulator.registryImages().markMissing("nginx:9.99");

        git.write("stacks/web/compose.yaml", WEB.replace("1.27", "9.99")).commit("web: nginx 9.99");
        emulator.calls().reset();
        sync();

        assertThat(emulator.calls().count("app.image.pull")).isEqualTo(1);
        assertThat(emulator.calls().count("app.update")).isZero();
        assertThat(emulator.calls().writes()).isZero();
        assertThat(emulator.apps().state("web")).isEqualTo("RUNNING");
        assertThat(runningImage("web")).isEqualTo("nginx:1.27");
        StackStatus stalled = engine.status("web").orElseThrow();
        assertThat(stalled.isStalled()).isTrue();
        assertThat(stalled.lastReason().code()).isEqualTo(Reasons.IMAGE_PULL_FAILED);
        assertThat(stalled.lastReason().message()).contains("app 'web' on target 'default' was not updated")
                .contains("failed to pull image 'nginx:9.99'").contains("manifest unknown")
                .contains("the app runs as before");
        emulator.calls().reset();
        sync();
        assertThat(emulator.calls().count("app.image.pull")).as("held until its slow retry").isZero();
        assertThat(engine.status("web").orElseThrow().isStalled()).isTrue();

        git.write("stacks/web/compose.yaml", WEB).commit("Revert \"web: nginx 9.99\"");
        emulator.calls().reset();
        sync();

        assertThat(emulator.calls().writes()).isZero();
        assertThat(emulator.calls().count("app.image.pull")).isZero();
        StackStatus back = engine.status("web").orElseThrow();
        assertThat(back.isStalled()).isFalse();
        assertThat(back.isReady()).isTrue();
    }

    @Test
    void aNewTagTheRegistryHasIsPulledBeforeTheUpdate() throws Exception {
        git.write("stacks/web/compose.yaml", WEB).commit("web");
        sync();

        git.write("stacks/web/compose.yaml", WEB.replace("1.27", "1.28")).commit("web: nginx 1.28");
        emulator.calls().reset();
        List<String> jobs = syncRecordingJobs();

        assertThat(jobs).containsExactly("app.image.pull", "app.update");
        assertThat(emulator.calls().count("app.image.pull")).isEqualTo(1);
        assertThat(runningImage("web")).isEqualTo("nginx:1.28");
        assertThat(engine.status("web").orElseThrow().isReady()).isTrue();
    }

    @Test
    void aChangeThatKeepsTheImagesPullsNothing() throws Exception {
        git.write("stacks/web/compose.yaml", WEB).commit("web");
        sync();

        git.write("stacks/web/compose.yaml", WEB + "    environment:\n      A: \"1\"\n").commit("web: env");
        emulator.calls().reset();
        sync();

        assertThat(emulator.calls().count("app.image.pull")).isZero();
        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
    }

    @Test
    void aNewStackWhoseImageIsMissingIsNotCreated() throws Exception {
        emulator.registryImages().failPulls("ghcr.io/org/private:1", RegistryImages.PullFailure.UNAUTHORIZED);
        git.write("stacks/web/compose.yaml", WEB.replace("nginx:1.27", "ghcr.io/org/private:1")).commit("web");

        sync();

        assertThat(emulator.calls().count("app.create")).isZero();
        assertThat(emulator.apps().get("web")).isEmpty();
        StackStatus s = engine.status("web").orElseThrow();
        assertThat(s.isStalled()).isTrue();
        assertThat(s.lastReason().code()).isEqualTo(Reasons.IMAGE_PULL_FAILED);
        assertThat(s.lastReason().message()).contains("was not created").contains("unauthorized");
    }

    @Test
    void aRateLimitedPullIsRetriedAndSendsNoUpdate() throws Exception {
        git.write("stacks/web/compose.yaml", WEB).commit("web");
        sync();
        emulator.registryImages().failPulls("nginx:1.28", RegistryImages.PullFailure.RATE_LIMITED);

        git.write("stacks/web/compose.yaml", WEB.replace("1.27", "1.28")).commit("web: nginx 1.28");
        emulator.calls().reset();
        sync();

        assertThat(emulator.calls().count("app.update")).isZero();
        StackStatus s = engine.status("web").orElseThrow();
        assertThat(s.isStalled()).isFalse();
        assertThat(s.lastReason().code()).isEqualTo(Reasons.IMAGE_PULL_FAILED);
        assertThat(s.lastReason().message()).contains("toomanyrequests").contains("retrying in");
        assertThat(s.nextRetryAt()).isNotNull();
    }
}
