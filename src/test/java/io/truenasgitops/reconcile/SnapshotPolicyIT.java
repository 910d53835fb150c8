package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.emulator.EmulatedStorage;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.truenas.StorageApiClient;
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
 * The {@code snapshot:} policy and {@code rollback} end to end: a real Git repository, the engine, the real client
 * and the emulator's ZFS datasets and snapshots.
 */
class SnapshotPolicyIT {

    static final String POLICY = """
            snapshot:
              enabled: true
              keepLast: 2
            """;

    static String web(String tag) {
        return """
                services:
                  web:
                    image: nginx:%s
                    volumes:
                      - /mnt/tank/apps/web/data:/data
                      - /etc/localtime:/etc/localtime:ro
                """.formatted(tag);
    }

    @TempDir
    Path tmp;

    EmulatedSetup setup;
    TrueNasEmulator emulator;
    TrueNasClient client;
    GitFixture git;
    Reconciler engine;

    @BeforeEach
    void setUp() throws Exception {
        setup = EmulatedSetup.start(tmp);
        emulator = setup.emulator;
        client = setup.client;
        git = setup.git;
        emulator.storage().seedDataset("tank/apps/web").seedDataset("tank/ix-apps/app_mounts/web");
        StorageApiClient storage = new StorageApiClient(() -> client);
        engine = setup.engine(setup.config()).storage("default", new TargetStorage(storage, storage)).build();
    }

    @AfterEach
    void tearDown() {
        engine.close();
        setup.close();
    }

    PassResult sync() {
        return engine.syncOnce(SyncOptions.all());
    }

    /** 25.04 (the emulator's default) has the snapshot methods as zfs.snapshot.*. */
    int snapshotCalls(String method) {
        return emulator.calls().count("zfs.snapshot." + method);
    }

    List<String> ours(String dataset) {
        return emulator.storage().snapshots(dataset).stream().map(EmulatedStorage.SnapshotView::name)
                .filter(n -> n.startsWith("truenas-gitops-web-")).toList();
    }

    @Test
    void anUpdateTakesOneSnapshotPerDatasetNamedAfterTheRevisionWhoseDataItHolds() throws Exception {
        git.write("stacks/web/compose.yaml", web("1.26")).write("stacks/web/stack.yaml", POLICY);
        String rev1 = git.commit("web 1.26");
        sync();
        assertThat(emulator.storage().snapshots()).as("a create changes no data: no snapshot").isEmpty();

        git.write("stacks/web/compose.yaml", web("1.27"));
        git.commit("web 1.27");
        emulator.calls().reset();
        sync();

        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertThat(snapshotCalls("create")).isEqualTo(1);
        assertThat(emulator.storage().snapshots()).hasSize(1);
        String name = ours("tank/apps/web").get(0);
        assertThat(name).matches("truenas-gitops-web-" + rev1.substring(0, 7) + "-[0-9]{8}T[0-9]{6}Z");
        assertThat(ours("tank/ix-apps/app_mounts/web")).as("pool.dataset.query never shows ix-apps datasets").isEmpty();
        assertThat(engine.events(Optional.of("web"), 50)).extracting(Event::reason)
                .contains(Reasons.SNAPSHOT_TAKEN).as("/etc/localtime:ro is the host's clock, not data")
                .doesNotContain(Reasons.SNAPSHOT_SKIPPED);
        List<String> order = emulator.calls().methods().stream()
                .filter(m -> m.equals("zfs.snapshot.create") || m.equals("app.update")).toList();
        assertThat(order).as("the snapshot is taken first").containsExactly("zfs.snapshot.create", "app.update");
    }

    @Test
    void retentionDestroysTheOldestOfItsOwnSnapshotsAndNoOtherSnapshot() throws Exception {
        emulator.storage().takeSnapshot("tank/apps/web", "manual-before-gitops");
        git.write("stacks/web/compose.yaml", web("1.25")).write("stacks/web/stack.yaml", POLICY);
        git.commit("web 1.25");
        sync();
        for (String tag : List.of("1.26", "1.27", "1.28")) {
            git.write("stacks/web/compose.yaml", web(tag));
            git.commit("web " + tag);
            sync();
        }

        List<String> left = ours("tank/apps/web");
        assertThat(left).hasSize(2);
        assertThat(emulator.storage().snapshots("tank/apps/web")).extracting(EmulatedStorage.SnapshotView::name)
                .contains("manual-before-gitops");
        assertThat(snapshotCalls("create")).isEqualTo(3);
        assertThat(snapshotCalls("delete")).isEqualTo(1);
        assertThat(engine.events(Optional.of("web"), 100)).extracting(Event::reason).contains(Reasons.SNAPSHOT_PRUNED);
    }

    @Test
    void aFailingSnapshotBlocksTheUpdate() throws Exception {
        git.write("stacks/web/compose.yaml", web("1.26")).write("stacks/web/stack.yaml", POLICY);
        git.commit("web 1.26");
        sync();
        emulator.storage().failNextSnapshot("tank/apps/web", "out of space");
        git.write("stacks/web/compose.yaml", web("1.27"));
        git.commit("web 1.27");
        emulator.calls().reset();

        PassResult r = sync();

        assertThat(emulator.calls().count("app.update")).isZero();
        assertThat(emulator.apps().get("web").orElseThrow().compose().toString()).contains("nginx:1.26");
        assertThat(r.result()).isEqualTo(PassOutcome.FAILURE);
        StackStatus s = engine.status("web").orElseThrow();
        assertThat(s.lastReason().code()).isEqualTo(Reasons.SNAPSHOT_FAILED);
        assertThat(s.lastReason().message()).contains("out of space").contains("left as it is");
        assertThat(s.is(Condition.STALLED)).isTrue();
    }

    @Test
    void rollbackRestoresTheDataAndTheComposeOfTheOldRevisionAndLeavesTheStackSuspended() throws Exception {
        git.write("stacks/web/compose.yaml", web("1.26")).write("stacks/web/stack.yaml", POLICY);
        String rev1 = git.commit("web 1.26");
        sync();
        emulator.storage().write("tank/apps/web", "schema-v1");
        git.write("stacks/web/compose.yaml", web("1.27"));
        git.commit("web 1.27: migrates the schema");
        sync();
        emulator.storage().write("tank/apps/web", "schema-v2");
        assertThat(emulator.apps().get("web").orElseThrow().compose().toString()).contains("nginx:1.27");

        RollbackPlan plan = engine.planRollback("web", rev1.substring(0, 7));
        assertThat(plan.datasets()).extracting(RollbackPlan.DatasetRollback::dataset)
                .containsExactly("tank/apps/web");
        assertThat(plan.diff().unified()).contains("nginx:1.26");
        assertThat(plan.destroysNewer()).isFalse();
        emulator.calls().reset();

        RollbackResult result = engine.rollback("web", rev1.substring(0, 7), false, SyncListener.NONE);

        assertThat(result.plan().revision()).isEqualTo(rev1);
        assertThat(emulator.storage().content("tank/apps/web")).isEqualTo("schema-v1");
        assertThat(emulator.apps().get("web").orElseThrow().compose().toString()).contains("nginx:1.26");
        assertThat(emulator.apps().state("web")).isIn("RUNNING", "DEPLOYING");
        assertThat(emulator.calls().count("app.stop")).isEqualTo(1);
        assertThat(snapshotCalls("rollback")).isEqualTo(1);
        assertThat(engine.suspended()).containsExactly("web");
        assertThat(engine.events(Optional.of("web"), 50)).extracting(Event::reason).contains(Reasons.ROLLED_BACK);

        emulator.calls().reset();
        sync();
        assertThat(emulator.calls().writes()).as("suspended: Git's newer commit is not applied").isZero();
    }

    @Test
    void rollbackRefusesToDestroyNewerSnapshotsUnlessTold() throws Exception {
        git.write("stacks/web/compose.yaml", web("1.26")).write("stacks/web/stack.yaml", POLICY);
        String rev1 = git.commit("web 1.26");
        sync();
        emulator.storage().write("tank/apps/web", "schema-v1");
        for (String tag : List.of("1.27", "1.28")) {
            git.write("stacks/web/compose.yaml", web(tag));
            git.commit("web " + tag);
            sync();
            emulator.storage().write("tank/apps/web", "schema-" + tag);
        }
        emulator.calls().reset();

        assertThatThrownBy(() -> engine.rollback("web", rev1, false, SyncListener.NONE))
                .isInstanceOf(RollbackRefusedException.class)
                .hasMessageContaining("would destroy the newer snapshots")
                .hasMessageContaining("--force-destroy-newer");
        assertThat(emulator.calls().writes()).isZero();
        assertThat(engine.suspended()).isEmpty();

        engine.rollback("web", rev1, true, SyncListener.NONE);
        assertThat(emulator.storage().content("tank/apps/web")).isEqualTo("schema-v1");
        assertThat(ours("tank/apps/web")).hasSize(1);
    }

    @Test
    void aPruneOfAStackWithThePolicyIsSnapshottedBeforeTheDelete() throws Exception {
        git.write("stacks/web/compose.yaml", web("1.26")).write("stacks/web/stack.yaml", POLICY + "prune: true\n")
                .write("stacks/other/compose.yaml", "services:\n  other:\n    image: busybox:1.36\n");
        String rev1 = git.commit("web 1.26");
        sync();
        git.deleteDir("stacks/web");
        git.commit("web is gone");

        sync();

        assertThat(emulator.apps().get("web")).isEmpty();
        assertThat(ours("tank/apps/web")).singleElement().asString().startsWith("truenas-gitops-web-"
                + rev1.substring(0, 7));
        assertThat(engine.events(Optional.of("web"), 50)).extracting(Event::message)
                .anyMatch(m -> m.contains("before deleting app 'web'"));
    }

    /** The usual layout (stacks-example): every stack's folder on the one dataset tank/apps. */
    void sharedLayout(String webPolicy) throws Exception {
        emulator.storage().seedDataset("tank/apps");
        git.write("stacks/web/compose.yaml", """
                services:
                  web:
                    image: nginx:1.26
                    volumes:
                      - /mnt/tank/apps/webdata:/data
                """).write("stacks/web/stack.yaml", webPolicy)
                .write("stacks/jellyfin/compose.yaml", """
                        services:
                          jellyfin:
                            image: jellyfin/jellyfin:10.10
                            volumes:
                              - /mnt/tank/apps/jellyfin/config:/config
                        """);
    }

    @Test
    void aPolicyOnADatasetSharedWithAnotherStackHoldsTheApplyBackAndPlanSaysWhy() throws Exception {
        sharedLayout(POLICY);
        git.commit("web and jellyfin on tank/apps");

        Plan plan = engine.plan();
        Action a = plan.action("web").orElseThrow();
        assertThat(a.type()).isEqualTo(ActionType.BLOCKED);
        assertThat(a.reason().code()).isEqualTo(Reasons.SNAPSHOT_IMPOSSIBLE);
        assertThat(a.reason().message()).contains("/mnt/tank/apps/webdata").contains("'tank/apps'")
                .contains("'jellyfin'").contains("a dataset of its own").contains("snapshot: {required: false}");
        assertThat(plan.action("jellyfin").orElseThrow().type()).as("a broken stack fails alone")
                .isEqualTo(ActionType.CREATE);

        emulator.calls().reset();
        PassResult r = sync();
        assertThat(emulator.apps().get("web")).isEmpty();
        assertThat(emulator.apps().get("jellyfin")).isPresent();
        StackStatus s = engine.status("web").orElseThrow();
        assertThat(s.lastReason().code()).isEqualTo(Reasons.SNAPSHOT_IMPOSSIBLE);
        assertThat(s.is(Condition.STALLED)).as("needs a human: not retried").isTrue();
        assertThat(r.results()).filteredOn(x -> x.action().stack().equals("web"))
                .extracting(PassResult.ActionResult::outcome).containsExactly(ActionOutcome.BLOCKED);

        emulator.calls().reset();
        sync();
        sync();
        assertThat(emulator.calls().writes()).as("held back, not retried in a loop").isZero();
    }

    @Test
    void anUpdateOfARunningStackIsHeldBackOnceItsDatasetIsShared() throws Exception {
        git.write("stacks/web/compose.yaml", web("1.26")).write("stacks/web/stack.yaml", POLICY);
        git.commit("web 1.26");
        sync();
        git.write("stacks/web/compose.yaml", web("1.27")).write("stacks/backup/compose.yaml", """
                services:
                  backup:
                    image: restic/restic:0.17
                    volumes:
                      - /mnt/tank/apps/web/data:/source:ro
                """);
        git.commit("web 1.27 and its backup");
        emulator.calls().reset();

        sync();

        assertThat(emulator.calls().count("app.update")).isZero();
        assertThat(snapshotCalls("create")).isZero();
        assertThat(emulator.apps().get("web").orElseThrow().compose().toString()).contains("nginx:1.26");
        StackStatus s = engine.status("web").orElseThrow();
        assertThat(s.lastReason().code()).isEqualTo(Reasons.SNAPSHOT_IMPOSSIBLE);
        assertThat(s.lastReason().message()).contains("'tank/apps/web'").contains("'backup'")
                .contains("is not updated");
    }

    @Test
    void requiredFalseWarnsAndApplies() throws Exception {
        sharedLayout("snapshot:\n  enabled: true\n  required: false\n");
        git.commit("web may go unprotected");

        Action planned = engine.plan().action("web").orElseThrow();
        assertThat(planned.type()).isEqualTo(ActionType.CREATE);
        assertThat(planned.warnings()).singleElement().asString().contains("required: false")
                .contains("/mnt/tank/apps/webdata");
        sync();
        git.write("stacks/web/compose.yaml", web("1.27").replace("/mnt/tank/apps/web/data", "/mnt/tank/apps/webdata"));
        git.commit("web 1.27");
        emulator.calls().reset();

        sync();

        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertThat(emulator.storage().snapshots()).as("tank/apps holds jellyfin too: not snapshotted").isEmpty();
        assertThat(engine.events(Optional.of("web"), 50)).filteredOn(e -> e.reason().equals(Reasons.SNAPSHOT_SKIPPED))
                .extracting(Event::message).anyMatch(m -> m.contains("'tank/apps'") && m.contains("'jellyfin'"));
    }

    @Test
    void anIxAppsPathTheApiDoesNotShowIsHeldBack() throws Exception {
        git.write("stacks/web/compose.yaml", """
                services:
                  web:
                    image: nginx:1.26
                    volumes:
                      - /mnt/.ix-apps/app_mounts/web/data:/data
                """).write("stacks/web/stack.yaml", POLICY);
        git.commit("web on an ix-volume");

        Action a = engine.plan().action("web").orElseThrow();

        assertThat(a.reason().code()).isEqualTo(Reasons.SNAPSHOT_IMPOSSIBLE);
        assertThat(a.reason().message()).contains("ix-apps");
    }

    @Test
    void release2510UsesThePoolSnapshotNamespace() throws Exception {
        tearDown();
        setup = EmulatedSetup.start(tmp.resolve("v2510"),
                EmulatorOptions.defaults().withRelease(io.truenasgitops.emulator.Release.V25_10));
        emulator = setup.emulator;
        client = setup.client;
        emulator.storage().seedDataset("tank/apps/web");
        StorageApiClient storage = new StorageApiClient(() -> client);

        storage.create("tank/apps/web", "first", false);
        storage.create("tank/apps/web", "second", false);

        assertThat(storage.list("tank/apps/web")).extracting(s -> s.name()).containsExactly("first", "second");
        assertThat(emulator.calls().count("pool.snapshot.create")).isEqualTo(2);
        assertThat(emulator.calls().count("zfs.snapshot.create")).isZero();
        assertThat(storage.datasets()).extracting(d -> Map.entry(d.name(), String.valueOf(d.mountpoint())))
                .contains(Map.entry("tank/apps/web", "/mnt/tank/apps/web"));
        engine = setup.engine(setup.config()).store(StatusStore.inMemory()).build();
    }
}
