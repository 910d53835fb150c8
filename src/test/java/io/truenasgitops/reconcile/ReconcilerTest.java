package io.truenasgitops.reconcile;

import static io.truenasgitops.reconcile.Fixtures.compose;
import static io.truenasgitops.reconcile.Fixtures.invalid;
import static io.truenasgitops.reconcile.Fixtures.reordered;
import static io.truenasgitops.reconcile.Fixtures.stack;
import static io.truenasgitops.reconcile.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.compose.Stamp;
import io.truenasgitops.compose.Stamps;
import io.truenasgitops.truenas.AppState;
import java.nio.file.Path;
import java.time.Duration;
import io.truenasgitops.stacks.LoadedStack;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reconcile engine end to end against the in-memory TrueNAS: counts of calls, statuses, events. */
class ReconcilerTest {

    @TempDir
    Path stateDir;

    Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness(stateDir);
    }

    @AfterEach
    void checkInvariants() {
        StatusInvariants.assertValid(h.engine);
        h.close();
    }

    @Test
    void firstSyncCreatesEveryStackStampedWithSourcePathRevisionAndHash() {
        h.repo.commit(stack("web", compose("nginx:1.27")), stack("db", compose("postgres:17")));

        PassResult r = h.sync();

        assertThat(h.nas.calls("app.create")).isEqualTo(2);
        assertThat(h.nas.calls("docker.status")).as("an empty app list is checked against docker.status").isOne();
        assertThat(h.nas.writes()).isEqualTo(2);
        assertThat(r.result()).isEqualTo(PassOutcome.SUCCESS);
        Stamp stamp = Stamps.read(h.nas.storedConfig("web")).orElseThrow();
        assertThat(stamp).isEqualTo(new Stamp(FakeRepo.URL, "stacks/web", h.repo.head(),
                Fixtures.rendered(compose("nginx:1.27")).hash()));
        StackStatus web = h.status("web");
        assertThat(web.isReady()).isTrue();
        assertThat(web.health()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(web.lastAppliedRevision()).isEqualTo(h.repo.head());
        assertThat(web.drift()).isEmpty();
        assertThat(h.engine.inventory().get("default", "web")).isPresent();
        assertThat(h.engine.events(Optional.of("web"), 10)).extracting(Event::reason).contains(Reasons.APPLIED);
    }

    @Test
    void secondPassSendsNoWritingCallAndReadsTheAppListExactlyOnce() {
        h.repo.commit(stack("web", compose("nginx:1.27")), stack("db", compose("postgres:17")));
        h.sync();
        h.nas.resetCounts();

        PassResult r = h.sync();

        assertThat(h.nas.writes()).isZero();
        assertThat(h.nas.calls("app.query")).isEqualTo(1);
        assertThat(h.nas.calls("app.get")).isZero();
        assertThat(h.nas.calls("docker.status")).as("every applied app is listed: no need to ask").isZero();
        assertThat(r.result()).isEqualTo(PassOutcome.NO_CHANGE);
        assertThat(r.plan().inSync()).isTrue();
    }

    @Test
    void aCommitThatChangesOneStackSendsExactlyOneUpdate() {
        h.repo.commit(stack("web", compose("nginx:1.27")), stack("db", compose("postgres:17")));
        h.sync();
        h.nas.resetCounts();
        h.repo.commit(stack("web", compose("nginx:1.28")), stack("db", compose("postgres:17")));

        h.sync();

        assertThat(h.nas.writeLog()).containsExactly("app.update web");
        assertThat(Stamps.read(h.nas.storedConfig("web")).orElseThrow().revision()).isEqualTo(h.repo.head());
        assertThat(h.status("web").lastAppliedRevision()).isEqualTo(h.repo.head());
        assertThat(h.status("db").isReady()).isTrue();
    }

    @Test
    void aCommitThatOnlyReordersKeysOrTouchesOtherFilesSendsNothing() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.sync();
        String firstRevision = h.repo.head();
        h.nas.resetCounts();
        h.repo.commit(stack("web", reordered("nginx:1.27")));

        PassResult r = h.sync();

        assertThat(h.nas.writes()).isZero();
        assertThat(r.plan().action("web").orElseThrow().type()).isEqualTo(ActionType.UNCHANGED);
        // the stamp keeps the revision that was really applied: a new revision alone is no reason to recreate
        assertThat(Stamps.read(h.nas.storedConfig("web")).orElseThrow().revision()).isEqualTo(firstRevision);
        assertThat(h.status("web").isReady()).isTrue();
        assertThat(h.status("web").lastAttemptedRevision()).isEqualTo(h.repo.head());
    }

    @Test
    void aUiEditIsReportedAsConfigDriftWithoutSelfHeal() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.sync();
        h.nas.uiEdit("web", c -> c.put("services", Map.of("app", Map.of("image", "nginx:edited"))));
        h.nas.resetCounts();

        PassResult r = h.sync();

        assertThat(h.nas.writes()).isZero();
        Action a = r.plan().action("web").orElseThrow();
        assertThat(a.type()).isEqualTo(ActionType.UNCHANGED);
        assertThat(a.drift()).containsExactly(DriftKind.CONFIG);
        assertThat(a.diff().isEmpty()).isFalse();
        StackStatus s = h.status("web");
        assertThat(s.drift()).containsExactly(DriftKind.CONFIG);
        assertThat(s.is(Condition.DRIFTED)).isTrue();
        assertThat(s.isReady()).isFalse();
        assertThat(h.metrics.drift.get("web")).containsExactly(DriftKind.CONFIG);
        assertThat(h.engine.events(Optional.of("web"), 1).get(0).reason()).isEqualTo(Reasons.DRIFT_REPORTED);
    }

    @Test
    void aUiEditIsRevertedWithSelfHeal() {
        h.repo.commit(stack("web", compose("nginx:1.27"), with().selfHeal().build()));
        h.sync();
        h.nas.uiEdit("web", c -> c.put("services", Map.of("app", Map.of("image", "nginx:edited"))));
        h.nas.resetCounts();

        PassResult r = h.sync();

        assertThat(h.nas.writeLog()).containsExactly("app.update web");
        assertThat(r.plan().action("web").orElseThrow().reason().code()).isEqualTo(Reasons.SELF_HEAL);
        assertThat(Stamps.strip(h.nas.storedConfig("web"))).isEqualTo(Fixtures.rendered(compose("nginx:1.27")).compose());
        assertThat(h.status("web").isReady()).isTrue();
        assertThat(h.status("web").drift()).isEmpty();
    }

    @Test
    void aNewCommitOverwritesAUiEditAndThePlanSaysSo() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.sync();
        h.nas.uiEdit("web", c -> c.put("x-note", "edited by hand"));
        h.repo.commit(stack("web", compose("nginx:1.28")));
        h.nas.resetCounts();

        Plan plan = h.engine.plan();
        assertThat(h.nas.writes()).isZero();
        Action a = plan.action("web").orElseThrow();
        assertThat(a.type()).isEqualTo(ActionType.UPDATE);
        assertThat(a.drift()).contains(DriftKind.CONFIG);
        assertThat(a.reason().message()).contains("overwrites changes made on the NAS outside Git");

        h.sync();
        assertThat(h.nas.writeLog()).containsExactly("app.update web");
        assertThat(h.nas.storedConfig("web")).doesNotContainKey("x-note");
    }

    @Test
    void deletingAStackFolderDeletesNothingWithoutPruneAndReportsAnOrphan() {
        h.repo.commit(stack("web", compose("nginx:1.27")), stack("old", compose("redis:7")));
        h.sync();
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.nas.resetCounts();

        PassResult r = h.sync();

        assertThat(h.nas.writes()).isZero();
        Action orphan = r.plan().action("old").orElseThrow();
        assertThat(orphan.type()).isEqualTo(ActionType.UNCHANGED);
        assertThat(orphan.drift()).containsExactly(DriftKind.ORPHAN);
        assertThat(orphan.reason().code()).isEqualTo(Reasons.PRUNE_DISABLED);
        assertThat(h.nas.appNames()).contains("old");
        assertThat(h.status("old").drift()).containsExactly(DriftKind.ORPHAN);
    }

    @Test
    void deletingAStackFolderWithPruneDeletesOnlyThatStampedApp() {
        h.nas.seed("handmade", AppState.RUNNING, compose("busybox"));
        h.repo.commit(stack("web", compose("nginx:1.27")), stack("old", compose("redis:7"), with().prune().build()));
        h.sync();
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.nas.resetCounts();

        h.sync();

        assertThat(h.nas.writeLog()).containsExactly("app.delete old");
        assertThat(h.nas.appNames()).containsExactlyInAnyOrder("web", "handmade");
        assertThat(h.engine.status("old")).isEmpty();
        assertThat(h.engine.inventory().get("default", "old")).isEmpty();
        assertThat(h.engine.events(Optional.of("old"), 5)).extracting(Event::reason).contains(Reasons.PRUNED);
    }

    @Test
    void theGlobalPruneSwitchDeletesStampedOrphansButNeverAnUnstampedApp() {
        h.nas.seed("handmade", AppState.RUNNING, compose("busybox"));
        h.repo.commit(stack("web", compose("nginx:1.27")), stack("old", compose("redis:7")));
        h.sync();
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.nas.resetCounts();

        h.engine.syncOnce(SyncOptions.all().withPrune(true));

        assertThat(h.nas.writeLog()).containsExactly("app.delete old");
        assertThat(h.nas.appNames()).contains("handmade");
    }

    @Test
    void aRepositoryThatRendersZeroStacksDeletesNothingEvenWithPrune() {
        h.repo.commit(stack("web", compose("nginx:1.27"), with().prune().build()),
                stack("db", compose("postgres:17"), with().prune().build()));
        h.sync();
        h.repo.commit();
        h.nas.resetCounts();

        PassResult r = h.engine.syncOnce(SyncOptions.all().withPrune(true));

        assertThat(h.nas.writes()).isZero();
        assertThat(r.plan().actions()).allSatisfy(a -> {
            assertThat(a.type()).isEqualTo(ActionType.UNCHANGED);
            assertThat(a.reason().code()).isEqualTo(Reasons.PRUNE_GUARD_EMPTY);
        });
    }

    @Test
    void aFailedFetchKeepsTheLastGoodRevisionIsReportedAndPrunesNothing() {
        h.repo.commit(stack("web", compose("nginx:1.27"), with().prune().build()));
        h.sync();
        h.repo.commit();
        h.repo.failFetch(true);
        h.nas.resetCounts();

        PassResult r = h.engine.syncOnce(SyncOptions.all().withPrune(true));

        assertThat(h.nas.writes()).isZero();
        assertThat(r.plan().warnings()).anyMatch(w -> w.contains("fetch failed"));
        assertThat(h.engine.source().lastError()).contains("connection refused");
        assertThat(h.engine.events(Optional.empty(), 5)).extracting(Event::reason).contains(Reasons.FETCH_FAILED);
        assertThat(h.metrics.fetches).endsWith("failure");
        assertThat(h.status("web").isReady()).isTrue();
    }

    @Test
    void aCrashLoopingAppEndsDegradedNotReadyAndIsNotRedeployedEveryPass() {
        h.nas.crashLoop("web", true);
        h.repo.commit(stack("web", compose("nginx:1.27")));

        h.sync();
        assertThat(h.nas.calls("app.create")).isEqualTo(1);
        StackStatus s = h.status("web");
        assertThat(s.health()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(s.isReady()).isFalse();
        assertThat(s.isStalled()).isTrue();
        assertThat(s.condition(Condition.STALLED).orElseThrow().reason()).isEqualTo(Reasons.HEALTH_CHECK_FAILED);
        h.nas.resetCounts();

        h.sync();
        h.sync();

        assertThat(h.nas.writes()).isZero();
        assertThat(h.status("web").health()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(h.status("web").isStalled()).isTrue();
        assertThat(h.engine.events(Optional.of("web"), 50)).filteredOn(e -> e.type() == Event.Type.WARNING)
                .hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void aCrashLoopingAppWithSelfHealIsRestartedAtMostOnceNotEveryPass() {
        h.nas.crashLoop("web", true);
        h.repo.commit(stack("web", compose("nginx:1.27"), with().selfHeal().build()));
        h.sync();
        h.nas.resetCounts();

        h.sync();
        h.sync();
        h.sync();

        assertThat(h.nas.writes()).isLessThanOrEqualTo(1);
        assertThat(h.status("web").isStalled()).isTrue();
    }

    @Test
    void aFixingCommitClearsStalled() {
        h.nas.crashLoop("web", true);
        h.repo.commit(stack("web", compose("nginx:broken")));
        h.sync();
        h.nas.crashLoop("web", false);
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.nas.resetCounts();

        h.sync();

        assertThat(h.nas.writeLog()).containsExactly("app.update web");
        assertThat(h.status("web").isReady()).isTrue();
        assertThat(h.status("web").isStalled()).isFalse();
    }

    @Test
    void aConnectionDropDuringAnUpdateStillEndsWithTheJobsTrueResult() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.sync();
        h.repo.commit(stack("web", compose("nginx:1.28")));
        h.nas.dropConnectionDuringNext("app.update", "web");
        h.nas.resetCounts();

        PassResult r = h.sync();

        assertThat(h.nas.calls("app.update")).isEqualTo(1);
        assertThat(r.results().get(0).outcome()).isEqualTo(ActionOutcome.APPLIED);
        assertThat(h.status("web").isReady()).isTrue();
        assertThat(h.status("web").lastAppliedRevision()).isEqualTo(h.repo.head());
        h.nas.resetCounts();
        h.sync();
        assertThat(h.nas.writes()).isZero();
    }

    @Test
    void aFailedJobAfterAConnectionDropIsNotMistakenForSuccess() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.sync();
        h.repo.commit(stack("web", compose("nginx:1.28")));
        h.nas.failNext("app.update", "web", new io.truenasgitops.truenas.ConnectionLostException("connection lost", null));

        h.sync();

        StackStatus s = h.status("web");
        assertThat(s.isReady()).isFalse();
        assertThat(s.is(Condition.RECONCILING)).isTrue();
        assertThat(s.condition(Condition.RECONCILING).orElseThrow().reason()).isEqualTo(Reasons.CONNECTION_LOST);
        assertThat(s.nextRetryAt()).isNotNull();
    }

    @Test
    void aRestartedEngineOnTheSameStateDirKeepsStatusAndDoesNotReapply() {
        h.repo.commit(stack("web", compose("nginx:1.27")), stack("db", compose("postgres:17"), with().prune().build()));
        h.sync();
        StackStatus before = h.status("web");
        int events = h.engine.events(Optional.empty(), 500).size();

        h.restart();
        assertThat(h.status("web")).isEqualTo(before);
        assertThat(h.engine.events(Optional.empty(), 500)).hasSize(events);
        assertThat(h.engine.inventory().get("default", "db").orElseThrow().prune()).isTrue();
        h.nas.resetCounts();

        h.sync();

        assertThat(h.nas.writes()).isZero();
        assertThat(h.status("web").isReady()).isTrue();
        assertThat(h.status("web").lastAppliedRevision()).isEqualTo(before.lastAppliedRevision());
    }

    @Test
    void aRestartedEngineStillPrunesAFolderRemovedWhileItWasDown() {
        h.repo.commit(stack("web", compose("nginx:1.27")), stack("db", compose("postgres:17"), with().prune().build()));
        h.sync();
        h.engine.close();
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.engine = h.newEngine();
        h.nas.resetCounts();

        h.sync();

        assertThat(h.nas.writeLog()).containsExactly("app.delete db");
    }

    @Test
    void anInvalidStackBlocksOnlyItself() {
        h.repo.commit(stack("web", compose("nginx:1.27")), invalid("bad", "image must be a string"),
                stack("db", compose("postgres:17")));

        PassResult r = h.sync();

        assertThat(h.nas.appNames()).containsExactlyInAnyOrder("web", "db");
        Action bad = r.plan().action("bad").orElseThrow();
        assertThat(bad.type()).isEqualTo(ActionType.BLOCKED);
        assertThat(bad.reason().code()).isEqualTo(Reasons.INVALID_STACK);
        assertThat(bad.reason().message()).contains("stacks/bad/compose.yaml:3:5", "image must be a string");
        assertThat(h.status("bad").isStalled()).isTrue();
        assertThat(h.status("bad").isReady()).isFalse();
    }

    @Test
    void anInvalidStackWhoseAppExistsIsNeitherUpdatedNorPruned() {
        h.repo.commit(stack("web", compose("nginx:1.27"), with().prune().build()));
        h.sync();
        h.repo.commit(invalid("web", "broken"), stack("db", compose("postgres:17")));
        h.nas.resetCounts();

        h.engine.syncOnce(SyncOptions.all().withPrune(true));

        assertThat(h.nas.writeLog()).containsExactly("app.create db");
        assertThat(h.nas.appNames()).contains("web");
    }

    @Test
    void dependenciesAreAppliedBeforeTheirDependents() {
        h.repo.commit(stack("app", compose("myapp:1"), with().dependsOn("db").build()),
                stack("db", compose("postgres:17"), with().dependsOn("cache").build()),
                stack("cache", compose("redis:7")));

        PassResult r = h.sync();

        assertThat(h.nas.writeLog()).containsExactly("app.create cache", "app.create db", "app.create app");
        assertThat(r.plan().actions()).extracting(Action::stack).containsExactly("cache", "db", "app");
    }

    @Test
    void aDependentWaitsWhenItsDependencyFails() {
        h.nas.failNext("app.create", "db", FakeTrueNas.jobFailed("[EFAULT] Failed 'up' action for 'db' app"));
        h.repo.commit(stack("app", compose("myapp:1"), with().dependsOn("db").build()), stack("db", compose("postgres:17")));

        h.sync();

        assertThat(h.nas.calls("app.create")).isEqualTo(1);
        StackStatus app = h.status("app");
        assertThat(app.condition(Condition.RECONCILING).orElseThrow().reason()).isEqualTo(Reasons.DEPENDENCY_NOT_READY);
        assertThat(h.status("db").isStalled()).isTrue();
        h.nas.resetCounts();

        h.sync();

        assertThat(h.nas.writes()).isZero();
        assertThat(h.status("app").lastReason().code()).isEqualTo(Reasons.DEPENDENCY_NOT_READY);
    }

    @Test
    void aDependencyCycleBlocksTheStacksInItAndNothingElse() {
        h.repo.commit(stack("a", compose("a:1"), with().dependsOn("b").build()),
                stack("b", compose("b:1"), with().dependsOn("a").build()), stack("c", compose("c:1")));

        PassResult r = h.sync();

        assertThat(h.nas.writeLog()).containsExactly("app.create c");
        assertThat(r.plan().action("a").orElseThrow().reason().code()).isEqualTo(Reasons.DEPENDENCY_CYCLE);
        assertThat(r.plan().action("b").orElseThrow().reason().code()).isEqualTo(Reasons.DEPENDENCY_CYCLE);
    }

    @Test
    void aSuspendedStackIsNeitherAppliedNorRevertedUntilResumed() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.sync();
        h.engine.suspend("web");
        h.repo.commit(stack("web", compose("nginx:1.28")));
        h.nas.resetCounts();

        h.sync();
        assertThat(h.nas.writes()).isZero();
        assertThat(h.status("web").suspended()).isTrue();
        assertThat(h.status("web").health()).isEqualTo(HealthStatus.SUSPENDED);

        h.restart();
        assertThat(h.engine.suspended()).containsExactly("web");
        h.sync();
        assertThat(h.nas.writes()).isZero();

        h.engine.resume("web");
        h.sync();
        assertThat(h.nas.writeLog()).containsExactly("app.update web");
        assertThat(h.status("web").suspended()).isFalse();
    }

    @Test
    void suspendInStackYamlSkipsTheStack() {
        h.repo.commit(stack("web", compose("nginx:1.27"), with().suspend().build()));

        PassResult r = h.sync();

        assertThat(h.nas.writes()).isZero();
        assertThat(r.plan().action("web").orElseThrow().reason().code()).isEqualTo(Reasons.SUSPENDED);
    }

    @Test
    void anExistingAppWeDidNotCreateIsReportedNotAdopted() {
        h.nas.seed("web", AppState.RUNNING, compose("nginx:1.20"));
        h.repo.commit(stack("web", compose("nginx:1.27")));

        PassResult r = h.sync();

        assertThat(h.nas.writes()).isZero();
        Action a = r.plan().action("web").orElseThrow();
        assertThat(a.type()).isEqualTo(ActionType.BLOCKED);
        assertThat(a.reason().code()).isEqualTo(Reasons.NOT_OWNED);
        assertThat(a.reason().message()).contains("adopt: true");
        assertThat(h.status("web").isStalled()).isTrue();
    }

    @Test
    void adoptTakesOverAnExistingAppOnceAndStampsIt() {
        h.nas.seed("web", AppState.RUNNING, compose("nginx:1.27"));
        h.repo.commit(stack("web", compose("nginx:1.27"), with().adopt().build()));

        h.sync();
        assertThat(h.nas.writeLog()).containsExactly("app.update web");
        assertThat(Stamps.read(h.nas.storedConfig("web"))).isPresent();
        h.nas.resetCounts();

        h.sync();
        assertThat(h.nas.writes()).isZero();
        assertThat(h.status("web").isReady()).isTrue();
    }

    @Test
    void anAppStampedByAnotherSourceIsNeitherAdoptedNorPruned() {
        Map<String, Object> foreign = Stamps.apply(compose("nginx:1.20"),
                new Stamp("https://elsewhere.test/other.git", "stacks/web", "f00", "x"));
        h.nas.seed("web", AppState.RUNNING, foreign);
        h.nas.seed("other", AppState.RUNNING, Stamps.apply(compose("redis:7"),
                new Stamp("https://elsewhere.test/other.git", "stacks/other", "f00", "y")));
        h.repo.commit(stack("web", compose("nginx:1.27")));

        PassResult r = h.engine.syncOnce(SyncOptions.all().withPrune(true));

        assertThat(h.nas.writes()).isZero();
        assertThat(r.plan().action("web").orElseThrow().reason().code()).isEqualTo(Reasons.OWNED_BY_OTHER_SOURCE);
        assertThat(r.plan().action("other")).isEmpty();
    }

    @Test
    void aCatalogAppOfTheSameNameIsBlocked() {
        h.nas.seedCatalogApp("web");
        h.repo.commit(stack("web", compose("nginx:1.27"), with().adopt().build()));

        PassResult r = h.sync();

        assertThat(h.nas.writes()).isZero();
        assertThat(r.plan().action("web").orElseThrow().reason().code()).isEqualTo(Reasons.NOT_CUSTOM_APP);
    }

    @Test
    void aStackNamingAnUnknownTargetIsBlockedWithAClearMessage() {
        h.repo.commit(stack("web", compose("nginx:1.27"), with().target("nas2").build()), stack("db", compose("postgres:17")));

        PassResult r = h.sync();

        assertThat(h.nas.writeLog()).containsExactly("app.create db");
        Action a = r.plan().action("web").orElseThrow();
        assertThat(a.reason().code()).isEqualTo(Reasons.UNKNOWN_TARGET);
        assertThat(a.reason().message()).contains("'nas2'", "[default]", "stacks/web/stack.yaml");
    }

    @Test
    void eachStackGoesToTheTargetItNames() {
        FakeTrueNas second = new FakeTrueNas();
        h.engine.close();
        h.engine = Reconciler.builder().config(h.config).source(h.repo).scanner(h.repo).target("default", h.nas)
                .target("backup", second).store(new JsonFileStatusStore(stateDir)).clock(h.clock).build();
        h.repo.commit(stack("web", compose("nginx:1.27")), stack("minio", compose("minio"), with().target("backup").build()));

        h.sync();

        assertThat(h.nas.appNames()).containsExactly("web");
        assertThat(second.appNames()).containsExactly("minio");
        assertThat(h.nas.calls("app.query")).isEqualTo(1);
        assertThat(second.calls("app.query")).isEqualTo(1);
    }

    @Test
    void anUnreachableTargetPausesAppliesAndIsReportedNotCrashedOn() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.sync();
        h.nas.unreachable(true);
        h.repo.commit(stack("web", compose("nginx:1.28")));

        PassResult r = h.sync();

        assertThat(r.plan().action("web").orElseThrow().reason().code()).isEqualTo(Reasons.TARGET_UNREACHABLE);
        assertThat(h.metrics.connectionUp.get("default")).isFalse();
        assertThat(h.engine.targets().get(0).up()).isFalse();
        assertThat(h.engine.events(Optional.empty(), 5)).extracting(Event::reason).contains(Reasons.TARGET_UNREACHABLE);
        assertThat(h.status("web").condition(Condition.READY).orElseThrow().status()).isEqualTo(Condition.Status.UNKNOWN);

        h.nas.unreachable(false);
        h.nas.resetCounts();
        h.sync();
        assertThat(h.nas.writeLog()).containsExactly("app.update web");
        assertThat(h.metrics.connectionUp.get("default")).isTrue();
    }

    @Test
    void aStoppedAppsServiceHoldsEveryStackOfItsTargetWithoutWritesDriftOrForgetting() {
        h.config = h.config.withPrune(true);
        h.restart();
        h.repo.commit(stack("web", compose("nginx:1.27")), stack("db", compose("postgres:17")),
                stack("old", compose("redis:7")));
        h.sync();
        h.repo.commit(stack("web", compose("nginx:1.28")), stack("db", compose("postgres:17")),
                stack("new", compose("caddy:2"))); // web changed, old's folder gone, new added
        h.nas.docker("STOPPED", "Application(s) have been stopped");
        h.nas.resetCounts();

        PassResult r = h.sync();

        assertThat(h.nas.writes()).as("no create, update or delete while Docker is down").isZero();
        assertThat(h.nas.calls("docker.status")).isOne();
        assertThat(r.plan().actions()).extracting(Action::stack).containsExactlyInAnyOrder("web", "db", "new");
        assertThat(r.plan().actions()).allSatisfy(a -> {
            assertThat(a.type()).isEqualTo(ActionType.BLOCKED);
            assertThat(a.reason().code()).isEqualTo(Reasons.DOCKER_NOT_RUNNING);
            assertThat(a.drift()).isEmpty();
        });
        assertThat(r.plan().action("web").orElseThrow().reason().message()).contains(
                "the apps service (Docker) on target 'default' is STOPPED (Application(s) have been stopped)",
                "Apps → Configuration", "reconciliation resumes automatically");
        assertThat(r.plan().warnings()).anySatisfy(w -> assertThat(w).contains("is STOPPED"));
        assertThat(r.result()).isEqualTo(PassOutcome.FAILURE);
        StackStatus web = h.status("web");
        assertThat(web.isReady()).isFalse();
        assertThat(web.condition(Condition.READY).orElseThrow().reason()).isEqualTo(Reasons.DOCKER_NOT_RUNNING);
        assertThat(web.condition(Condition.DRIFTED).orElseThrow().status()).isEqualTo(Condition.Status.UNKNOWN);
        assertThat(web.isStalled()).isFalse();
        assertThat(web.health()).isEqualTo(HealthStatus.UNKNOWN);
        assertThat(web.nextRetryAt()).as("retried on the normal backoff")
                .isEqualTo(h.clock.now().plus(h.config.retryInitialBackoff()));
        assertThat(h.metrics.drift.get("web")).as("not reported missing").isEmpty();
        assertThat(h.metrics.appsServiceUp.get("default")).isFalse();
        assertThat(h.metrics.connectionUp.get("default")).isTrue();
        assertThat(h.engine.targets().get(0).ready()).isFalse();
        assertThat(h.engine.targets().get(0).appsServiceDown().status()).isEqualTo("STOPPED");
        assertThat(h.engine.inventory().get("default", "old")).as("the inventory keeps what it cannot see").isPresent();
        assertThat(h.engine.inventory().get("default", "web")).isPresent();
        assertThat(h.engine.events(Optional.empty(), 10)).filteredOn(e -> e.stack() == null)
                .extracting(Event::reason).containsOnlyOnce(Reasons.DOCKER_NOT_RUNNING);

        // a second pass while still down adds no new target event and still writes nothing
        h.clock.advance(Duration.ofSeconds(11));
        h.sync();
        assertThat(h.nas.writes()).isZero();
        assertThat(h.status("web").failures()).isEqualTo(2);
        assertThat(h.engine.events(Optional.empty(), 20)).filteredOn(e -> e.stack() == null)
                .extracting(Event::reason).containsOnlyOnce(Reasons.DOCKER_NOT_RUNNING);

        // back up: the pass converges, existing apps are updated or kept, never re-created
        h.nas.docker("RUNNING", "Application(s) are currently running");
        h.clock.advance(Duration.ofMinutes(1));
        h.nas.resetCounts();
        PassResult back = h.sync();
        assertThat(h.nas.writeLog()).containsExactlyInAnyOrder("app.update web", "app.create new", "app.delete old");
        assertThat(back.plan().action("db").orElseThrow().type()).isEqualTo(ActionType.UNCHANGED);
        assertThat(h.status("web").isReady()).isTrue();
        assertThat(h.status("db").isReady()).isTrue();
        assertThat(h.status("db").failures()).isZero();
        assertThat(h.status("db").nextRetryAt()).isNull();
        assertThat(h.metrics.appsServiceUp.get("default")).isTrue();
        assertThat(h.engine.targets().get(0).ready()).isTrue();
        assertThat(h.engine.events(Optional.empty(), 30)).extracting(Event::reason).contains("DockerRunning");
    }

    @Test
    void anUnconfiguredAppsServiceSaysToChooseAPool() {
        h.nas.docker("UNCONFIGURED", "Application(s) are not configured");
        h.repo.commit(stack("web", compose("nginx:1.27")));

        PassResult r = h.sync();

        assertThat(h.nas.writes()).isZero();
        assertThat(r.plan().action("web").orElseThrow().reason().message())
                .contains("is UNCONFIGURED (Application(s) are not configured)", "Choose Pool");
        assertThat(h.status("web").lastReason().code()).isEqualTo(Reasons.DOCKER_NOT_RUNNING);
    }

    @Test
    void anAppliedAppMissingFromANonEmptyListIsCheckedAgainstDockerStatusBeforeItIsReported() {
        h.repo.commit(stack("web", compose("nginx:1.27")), stack("db", compose("postgres:17")));
        h.sync();
        h.nas.removeByHand("db");
        h.nas.resetCounts();

        PassResult r = h.sync();

        assertThat(h.nas.calls("docker.status")).isOne();
        assertThat(r.plan().action("db").orElseThrow().drift()).containsExactly(DriftKind.MISSING);
        assertThat(h.nas.writes()).isZero();
    }

    @Test
    void anApiKeyWithoutDockerReadPlansAsBeforeAndADockerErrorOnCreateIsRetriedNotStalled() {
        h.nas.denyDockerStatus(true);
        h.nas.docker("STOPPED", "Application(s) have been stopped");
        h.repo.commit(stack("web", compose("nginx:1.27")));

        h.sync();

        assertThat(h.nas.calls("app.create")).isOne();
        StackStatus web = h.status("web");
        assertThat(web.isStalled()).as("Docker coming back fixes it, not a change in Git").isFalse();
        assertThat(web.lastReason().code()).isEqualTo(Reasons.DOCKER_NOT_RUNNING);
        assertThat(web.lastReason().message()).contains("Docker service is not running");
        assertThat(web.nextRetryAt()).isNotNull();

        h.nas.docker("RUNNING", "Application(s) are currently running");
        h.clock.advance(Duration.ofSeconds(11));
        h.sync();
        assertThat(h.status("web").isReady()).isTrue();
    }

    @Test
    void aTransientErrorIsRetriedWithBackoffNotBeforeItsTime() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.nas.failNext("app.create", "web", FakeTrueNas.transientError("too many concurrent calls"));

        h.sync();
        StackStatus s = h.status("web");
        assertThat(s.failures()).isEqualTo(1);
        assertThat(s.nextRetryAt()).isEqualTo(h.clock.now().plus(h.config.retryInitialBackoff()));
        assertThat(s.is(Condition.RECONCILING)).isTrue();
        assertThat(s.lastReason().message()).as("durations read as people write them")
                .contains("retrying in " + Durations.human(h.config.retryInitialBackoff())).doesNotContain("PT");
        h.nas.resetCounts();

        h.sync(); // before the backoff ends
        assertThat(h.nas.writes()).isZero();
        assertThat(h.status("web").lastReason().code()).isEqualTo(Reasons.RETRY_BACKOFF);

        h.clock.advance(Duration.ofSeconds(11));
        h.sync();
        assertThat(h.nas.writeLog()).containsExactly("app.create web");
        assertThat(h.status("web").isReady()).isTrue();
        assertThat(h.status("web").failures()).isZero();
    }

    @Test
    void consecutiveTransientFailuresDoubleTheBackoffUpToTheCap() {
        RetryPolicy p = new RetryPolicy(Duration.ofSeconds(10), Duration.ofMinutes(1));
        assertThat(p.delayAfter(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.delayAfter(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(p.delayAfter(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(p.delayAfter(4)).isEqualTo(Duration.ofMinutes(1));
        assertThat(p.delayAfter(60)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aFailedJobStallsAndIsNotRetriedUntilTheStackChanges() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.nas.failNext("app.create", "web", FakeTrueNas.validationError("app_create.custom_compose_config",
                "Invalid compose configuration: services.app.ports must be a list"));

        h.sync();
        StackStatus s = h.status("web");
        assertThat(s.isStalled()).isTrue();
        assertThat(s.condition(Condition.STALLED).orElseThrow().reason()).isEqualTo(Reasons.VALIDATION_FAILED);
        assertThat(s.lastError()).contains("services.app.ports must be a list");
        h.nas.resetCounts();

        h.clock.advance(Duration.ofHours(1));
        h.sync();
        h.sync();
        assertThat(h.nas.writes()).isZero();
        assertThat(h.status("web").isStalled()).isTrue();

        h.repo.commit(stack("web", compose("nginx:1.28")));
        h.sync();
        assertThat(h.nas.writeLog()).containsExactly("app.create web");
        assertThat(h.status("web").isReady()).isTrue();
    }

    @Test
    void aFailedJobIsTriedAgainOnTheSlowBackoffWhichDoublesAndSaysWhenTheNextTryIs() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.nas.failNext("app.create", "web", FakeTrueNas.jobFailed("[EFAULT] Failed 'up' action for 'web' app."
                + " Please check /var/log/app_lifecycle.log for more details"));
        h.sync();
        StackStatus stalled = h.status("web");
        assertThat(stalled.isStalled()).isTrue();
        assertThat(stalled.nextRetryAt()).isEqualTo(h.clock.now().plus(Duration.ofMinutes(10)));
        assertThat(stalled.lastReason().message()).contains("tried again in 10m");
        assertThat(h.engine.nextRetryAt()).contains(stalled.nextRetryAt());
        h.nas.resetCounts();

        h.clock.advance(Duration.ofMinutes(9));
        h.sync();
        assertThat(h.nas.writes()).as("not before the slow backoff ran out").isZero();
        assertThat(h.status("web").nextRetryAt()).as("the hold keeps the time of the next try")
                .isEqualTo(stalled.nextRetryAt());

        h.nas.failNext("app.create", "web", FakeTrueNas.jobFailed("[EFAULT] Failed 'up' action for 'web' app."));
        h.clock.advance(Duration.ofMinutes(1));
        h.sync();
        assertThat(h.nas.writeLog()).containsExactly("app.create web");
        assertThat(h.status("web").nextRetryAt()).as("the second delay doubles")
                .isEqualTo(h.clock.now().plus(Duration.ofMinutes(20)));
        h.nas.resetCounts();

        h.clock.advance(Duration.ofMinutes(20));
        h.sync();
        assertThat(h.nas.writeLog()).containsExactly("app.create web");
        assertThat(h.status("web").isReady()).isTrue();
        assertThat(h.status("web").nextRetryAt()).isNull();
    }

    @Test
    void aJobThatNamesAnInvalidImageReferenceIsNeverTriedAgainByItself() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.nas.failNext("app.create", "web", FakeTrueNas.imageRejected("[EFAULT] invalid reference format"));
        h.sync();
        h.nas.resetCounts();

        h.clock.advance(Duration.ofDays(2));
        h.sync();

        assertThat(h.nas.writes()).isZero();
        assertThat(h.status("web").isStalled()).isTrue();
        assertThat(h.status("web").nextRetryAt()).isNull();
    }

    @Test
    void aFailedPruneIsTriedAgainOnTheSlowBackoff() {
        h.repo.commit(stack("web", compose("nginx:1.27")), stack("old", compose("redis:7"), with().prune().build()));
        h.sync();
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.nas.failNext("app.delete", "old", FakeTrueNas.jobFailed("[EFAULT] Failed 'down' action for 'old' app."));
        h.sync();
        assertThat(h.nas.appNames()).contains("old");
        h.nas.resetCounts();

        h.sync();
        assertThat(h.nas.writes()).as("not on the next pass: that would hammer the NAS").isZero();

        h.clock.advance(Duration.ofMinutes(10));
        h.sync();
        assertThat(h.nas.writeLog()).containsExactly("app.delete old");
        assertThat(h.nas.appNames()).doesNotContain("old");
    }

    static LoadedStack withSecret(String key, String value, List<String> command) {
        Map<String, Object> svc = new java.util.LinkedHashMap<>();
        svc.put("image", "nginx:1.27");
        svc.put("environment", Map.of(key, value));
        svc.put("command", command);
        Map<String, Object> n = io.truenasgitops.compose.ComposeNormalizer.normalize(Map.of("services",
                Map.of("app", svc)));
        return new LoadedStack("web", "stacks/web", Path.of("stacks/web/compose.yaml"), Fixtures.settings(),
                new io.truenasgitops.compose.RenderedCompose(n, io.truenasgitops.compose.ContentHash.of(n),
                        io.truenasgitops.compose.SecretMasker.of(List.of(value))), List.of());
    }

    @Test
    void aSecretRotatedAndRenamedInOneCommitNeverShowsInClearInThePlan() {
        h.repo.commit(withSecret("TOKEN", "0ld-t0ken-value", List.of("serve", "--token=0ld-t0ken-value")));
        h.sync();
        h.repo.commit(withSecret("API_TOKEN", "n3w-t0ken-value",
                List.of("--verbose", "serve", "--token=n3w-t0ken-value")));

        PassResult plan = h.engine.syncOnce(SyncOptions.all().withDryRun(true));

        Action web = plan.plan().action("web").orElseThrow();
        assertThat(web.type()).isEqualTo(ActionType.UPDATE);
        assertThat(web.diff().unified()).contains("API_TOKEN").doesNotContain("0ld-t0ken-value")
                .doesNotContain("n3w-t0ken-value");
        assertThat(web.diff().changes().toString()).doesNotContain("0ld-t0ken-value").doesNotContain("n3w-t0ken-value");
    }

    @Test
    void aCreateJobStillRunningOnTheNasIsFollowedNotRacedByASecondCreate() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        // a daemon killed mid-create left its job running; it creates exactly what Git says, stamp included
        Map<String, Object> sameAsGit = Stamps.apply(Fixtures.rendered(compose("nginx:1.27")).compose(),
                new Stamp(FakeRepo.URL, "stacks/web", h.repo.head(), Fixtures.rendered(compose("nginx:1.27")).hash()));
        h.nas.createInFlight("web", sameAsGit);

        h.sync();

        assertThat(h.nas.calls("app.create")).as("no second create races the running one").isZero();
        assertThat(h.nas.calls("core.get_jobs.await")).isEqualTo(1);
        assertThat(h.status("web").isReady()).isTrue();
        assertThat(h.status("web").lastReason().message()).contains("already running on the NAS");
    }

    @Test
    void aDeleteJobStillRunningIsFollowedAndTheCreateComesAfterIt() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.nas.jobInFlight("app.delete", "web", () -> { });

        h.sync();

        assertThat(h.nas.calls("core.get_jobs.await")).isEqualTo(1);
        assertThat(h.nas.writeLog()).containsExactly("app.create web");
        assertThat(h.status("web").isReady()).isTrue();
    }

    @Test
    void anExplicitSyncOfAStalledStackRetriesItNow() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.nas.failNext("app.create", "web", FakeTrueNas.jobFailed("[EFAULT] port 8080 is in use"));
        h.sync();
        h.nas.resetCounts();

        h.engine.syncOnce(SyncOptions.only(Set.of("web")));

        assertThat(h.nas.writeLog()).containsExactly("app.create web");
        assertThat(h.status("web").isReady()).isTrue();
    }

    @Test
    void stateStoppedInGitStopsTheAppAndStoppingByHandIsOnlyReported() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.sync();
        h.repo.commit(stack("web", compose("nginx:1.27"), with().stopped().build()));
        h.nas.resetCounts();

        h.sync();
        assertThat(h.nas.writeLog()).containsExactly("app.stop web");
        assertThat(h.status("web").health()).as("stopped on purpose is not suspended").isEqualTo(HealthStatus.STOPPED);
        assertThat(h.status("web").health().label()).isEqualTo("stopped");
        assertThat(h.status("web").isReady()).isTrue();

        h.nas.setState("web", AppState.RUNNING); // started by hand
        h.nas.resetCounts();
        h.sync();
        assertThat(h.nas.writes()).isZero();
        assertThat(h.status("web").drift()).containsExactly(DriftKind.STATE);
    }

    @Test
    void anAppStoppedByHandIsReportedWithoutSelfHealAndStartedWithIt() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.sync();
        h.nas.setState("web", AppState.STOPPED);
        h.nas.resetCounts();

        h.sync();
        assertThat(h.nas.writes()).isZero();
        assertThat(h.status("web").drift()).containsExactly(DriftKind.STATE);
        assertThat(h.status("web").health()).isEqualTo(HealthStatus.DEGRADED);

        h.repo.commit(stack("web", compose("nginx:1.27"), with().selfHeal().build()));
        h.sync();
        assertThat(h.nas.writeLog()).containsExactly("app.start web");
        assertThat(h.status("web").isReady()).isTrue();
    }

    @Test
    void aStoppedStackIsCreatedAndThenStopped() {
        h.repo.commit(stack("web", compose("nginx:1.27"), with().stopped().build()));

        h.sync();

        assertThat(h.nas.writeLog()).containsExactly("app.create web", "app.stop web");
        assertThat(h.nas.state("web")).contains(AppState.STOPPED);
        assertThat(h.status("web").isReady()).isTrue();
    }

    @Test
    void anAppDeletedByHandIsRecreatedOnlyWithSelfHeal() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.sync();
        h.nas.removeByHand("web");
        h.nas.resetCounts();

        PassResult r = h.sync();
        assertThat(h.nas.writes()).isZero();
        assertThat(r.plan().action("web").orElseThrow().drift()).containsExactly(DriftKind.MISSING);

        h.engine.syncOnce(SyncOptions.only(Set.of("web")));
        assertThat(h.nas.writeLog()).containsExactly("app.create web");
    }

    @Test
    void theDaemonsOwnAppIsNeverPruned() {
        // applied from Git before the self name was configured (a pass never creates it once it is)
        h.repo.commit(stack("truenas-gitops", compose("truenas-gitops:1")), stack("web", compose("nginx:1.27")));
        h.sync();
        h.config = h.config.withSelfApp("truenas-gitops").withPrune(true);
        h.restart();
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.nas.resetCounts();

        PassResult r = h.sync();

        assertThat(h.nas.writes()).isZero();
        assertThat(r.plan().action("truenas-gitops").orElseThrow().reason().code()).isEqualTo(Reasons.SELF_APP);
    }

    @Test
    void aFailedPruneKeepsTheAppInTheInventorySoTheNextPassRetries() {
        h.repo.commit(stack("web", compose("nginx:1.27")), stack("old", compose("redis:7"), with().prune().build()));
        h.sync();
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.nas.failNext("app.delete", "old", FakeTrueNas.transientError("call timed out"));

        h.sync();
        assertThat(h.nas.appNames()).contains("old");
        assertThat(h.engine.inventory().get("default", "old")).isPresent();

        h.clock.advance(Duration.ofMinutes(1));
        h.nas.resetCounts();
        h.sync();
        assertThat(h.nas.writeLog()).containsExactly("app.delete old");
        assertThat(h.engine.inventory().get("default", "old")).isEmpty();
    }

    @Test
    void aDryRunWritesNothingAndRecordsNothing() {
        h.repo.commit(stack("web", compose("nginx:1.27")));

        PassResult r = h.engine.syncOnce(SyncOptions.all().withDryRun(true));

        assertThat(h.nas.writes()).isZero();
        assertThat(r.dryRun()).isTrue();
        assertThat(r.results()).extracting(x -> x.action().type()).containsExactly(ActionType.CREATE);
        assertThat(h.engine.statuses()).isEmpty();
    }

    @Test
    void neverTwoOperationsRunOnOneAppAtATime() {
        h.repo.commit(stack("web", compose("nginx:1.27"), with().stopped().build()), stack("a", compose("a:1")),
                stack("b", compose("b:1")), stack("c", compose("c:1")), stack("d", compose("d:1")));

        h.sync();

        assertThat(h.nas.maxConcurrentCallsOnOneApp()).isEqualTo(1);
        assertThat(h.nas.appNames()).hasSize(5);
    }

    @Test
    void jobsAndAppliesAreReportedThroughTheMetricsPort() {
        h.repo.commit(stack("web", compose("nginx:1.27")));

        h.sync();
        h.sync();

        assertThat(h.metrics.jobs).containsExactly("app.image.pull:SUCCESS", "app.create:SUCCESS");
        assertThat(h.metrics.applies).containsExactly("create:applied");
        assertThat(h.metrics.passes).containsExactly("success", "no_change");
        assertThat(h.metrics.health.get("web")).isEqualTo(HealthStatus.HEALTHY);
    }
}
