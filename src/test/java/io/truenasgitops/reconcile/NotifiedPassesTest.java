package io.truenasgitops.reconcile;

import static io.truenasgitops.reconcile.Fixtures.compose;
import static io.truenasgitops.reconcile.Fixtures.stack;
import static io.truenasgitops.reconcile.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truenasgitops.notify.ChannelType;
import io.truenasgitops.notify.CommitLinks;
import io.truenasgitops.notify.DeliveryMetrics;
import io.truenasgitops.notify.DeliverySettings;
import io.truenasgitops.notify.Dispatcher;
import io.truenasgitops.notify.EngineSnapshot;
import io.truenasgitops.notify.Notification;
import io.truenasgitops.notify.NotificationFilter;
import io.truenasgitops.notify.NotificationKind;
import io.truenasgitops.notify.Notifier;
import io.truenasgitops.notify.ProblemTracker;
import io.truenasgitops.notify.SendResult;
import io.truenasgitops.notify.TargetSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notifications real passes of the engine cause: one per state change, never one per pass. */
class NotifiedPassesTest {

    static final Duration REMINDER = Duration.ofHours(6);

    @TempDir
    Path stateDir;

    final FakeRepo repo = new FakeRepo();
    final FakeTrueNas nas = new FakeTrueNas();
    final FakeClock clock = new FakeClock();
    final List<Notification> received = new CopyOnWriteArrayList<>();
    final AtomicReference<Reconciler> engineRef = new AtomicReference<>();
    Notifier notifier;
    Reconciler engine;

    void start(ReconcileConfig config, Dispatcher dispatcher) {
        ProblemTracker tracker = new ProblemTracker(REMINDER,
                new CommitLinks("https://{host}/{repo}/commit/{revision}"), "https://gitops.home.test/");
        notifier = new Notifier(tracker, dispatcher);
        engine = Reconciler.builder().config(config).source(repo).scanner(repo).target("default", nas)
                .store(new JsonFileStatusStore(stateDir)).clock(clock)
                .passListener(notifier.listener(pass -> EngineSnapshot.of(engineRef.get(), pass))).build();
        engineRef.set(engine);
    }

    void start() {
        start(TestConfig.defaults(stateDir), recordingDispatcher(n -> {
            received.add(n);
            return new SendResult.Delivered();
        }));
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
        if (notifier != null) {
            notifier.close();
        }
    }

    static TargetSettings target(String name) {
        return new TargetSettings(name, ChannelType.WEBHOOK, NotificationFilter.all(), URI.create("http://127.0.0.1:9/"),
                false, null, null, null, null, null, null);
    }

    static Dispatcher recordingDispatcher(io.truenasgitops.notify.Channel channel) {
        return new Dispatcher(List.of(target("phone")), new DeliverySettings(3, Duration.ofSeconds(5),
                Duration.ofMillis(10), Duration.ofMillis(20), 100), DeliveryMetrics.NONE, t -> channel);
    }

    List<NotificationKind> kinds() {
        return received.stream().map(Notification::kind).toList();
    }

    @Test
    void aFailedJobIsToldOnceAndItsRecoveryOnce() {
        start();
        nas.failNext("app.create", "web", FakeTrueNas.jobFailed("[EFAULT] Failed 'up' action for 'web' app"));
        repo.commit(stack("web", compose("nginx:1.27")));
        String failedRevision = repo.head();

        engine.syncOnce(SyncOptions.all());
        engine.syncOnce(SyncOptions.all());
        engine.syncOnce(SyncOptions.all());
        repo.commit(stack("web", compose("nginx:1.28")));
        engine.syncOnce(SyncOptions.all());

        await().until(() -> received.size() >= 2);
        assertThat(kinds()).containsExactly(NotificationKind.APPLY_FAILED, NotificationKind.RECOVERED);
        Notification failed = received.get(0);
        assertThat(failed.stack()).isEqualTo("web");
        assertThat(failed.target()).isEqualTo("default");
        assertThat(failed.reason()).isEqualTo(Reasons.JOB_FAILED);
        assertThat(failed.message()).contains("Failed 'up' action for 'web' app");
        assertThat(failed.revision()).isEqualTo(failedRevision);
        assertThat(failed.commitUrl()).isEqualTo("https://git.example.test/home/stacks/commit/" + failedRevision);
        assertThat(failed.statusUrl()).isEqualTo("https://gitops.home.test/");
        assertThat(failed.title()).isEqualTo("apply failed: stack 'web' on default");
        Notification recovered = received.get(1);
        assertThat(recovered.recoveredFrom()).isEqualTo(NotificationKind.APPLY_FAILED);
        assertThat(recovered.revision()).isEqualTo(repo.head());
        assertThat(recovered.title()).isEqualTo("recovered from apply failed: stack 'web' on default");
    }

    @Test
    void aProblemThatLastsIsRemindedOncePerInterval() {
        start();
        repo.commit(Fixtures.invalid("web", "image must be a string"));

        engine.syncOnce(SyncOptions.all());
        clock.advance(REMINDER.minusMinutes(1));
        engine.syncOnce(SyncOptions.all());
        clock.advance(Duration.ofMinutes(2));
        engine.syncOnce(SyncOptions.all());
        engine.syncOnce(SyncOptions.all());
        repo.commit(stack("web", compose("nginx:1.27")));
        engine.syncOnce(SyncOptions.all());

        await().until(() -> received.size() >= 3);
        assertThat(kinds()).containsExactly(NotificationKind.STALLED, NotificationKind.STALLED,
                NotificationKind.RECOVERED);
        assertThat(received).extracting(Notification::reminder).containsExactly(false, true, false);
        assertThat(received.get(0).reason()).isEqualTo(Reasons.INVALID_STACK);
    }

    @Test
    void suspendingABrokenStackNeitherRecoversNorRepeatsIt() {
        start();
        repo.commit(Fixtures.invalid("web", "image must be a string"));
        engine.syncOnce(SyncOptions.all());

        engine.suspend("web");
        engine.syncOnce(SyncOptions.all());
        engine.resume("web");
        engine.syncOnce(SyncOptions.all());
        repo.commit(stack("web", compose("nginx:1.27")));
        engine.syncOnce(SyncOptions.all());

        await().until(() -> received.size() >= 2);
        assertThat(kinds()).containsExactly(NotificationKind.STALLED, NotificationKind.RECOVERED);
    }

    @Test
    void anUnreachableNasIsOneMessageAndItsStacksStayQuiet() {
        start();
        repo.commit(stack("web", compose("nginx:1.27")));
        engine.syncOnce(SyncOptions.all());
        nas.unreachable(true);

        engine.syncOnce(SyncOptions.all());
        engine.syncOnce(SyncOptions.all());
        nas.unreachable(false);
        engine.syncOnce(SyncOptions.all());

        await().until(() -> received.size() >= 2);
        assertThat(kinds()).containsExactly(NotificationKind.TARGET_DOWN, NotificationKind.RECOVERED);
        assertThat(received).extracting(Notification::stack).containsOnlyNulls();
        assertThat(received).extracting(Notification::target).containsOnly("default");
        assertThat(received.get(0).reason()).isEqualTo(Reasons.TARGET_UNREACHABLE);
    }

    @Test
    void aStoppedAppsServiceIsToldAsTheNasBeingDown() {
        start();
        repo.commit(stack("web", compose("nginx:1.27")));
        engine.syncOnce(SyncOptions.all());
        nas.docker("STOPPED", "Docker service is stopped");

        engine.syncOnce(SyncOptions.all());
        engine.syncOnce(SyncOptions.all());
        nas.docker("RUNNING", null);
        engine.syncOnce(SyncOptions.all());

        await().until(() -> received.size() >= 2);
        assertThat(kinds()).containsExactly(NotificationKind.TARGET_DOWN, NotificationKind.RECOVERED);
        assertThat(received.get(0).reason()).isEqualTo(Reasons.DOCKER_NOT_RUNNING);
        assertThat(received.get(0).message()).contains("STOPPED");
    }

    @Test
    void aFailingGitSourceIsToldOnceAndWhenItWorksAgain() {
        start();
        repo.commit(stack("web", compose("nginx:1.27")));
        engine.syncOnce(SyncOptions.all());
        repo.failFetch(true);

        engine.syncOnce(SyncOptions.all());
        engine.syncOnce(SyncOptions.all());
        repo.failFetch(false);
        engine.syncOnce(SyncOptions.all());

        await().until(() -> received.size() >= 2);
        assertThat(kinds()).containsExactly(NotificationKind.SOURCE_FAILING, NotificationKind.RECOVERED);
        assertThat(received.get(0).subject()).isEqualTo("the Git source");
        assertThat(received.get(0).reason()).isEqualTo(Reasons.FETCH_FAILED);
    }

    @Test
    void driftWithoutSelfHealIsToldOnceAndClearsWhenTheNasMatchesAgain() {
        start();
        repo.commit(stack("web", compose("nginx:1.27")));
        engine.syncOnce(SyncOptions.all());
        nas.uiEdit("web", c -> c.put("x-note", "edited by hand"));

        engine.syncOnce(SyncOptions.all());
        engine.syncOnce(SyncOptions.all());
        nas.uiEdit("web", c -> c.remove("x-note"));
        engine.syncOnce(SyncOptions.all());

        await().until(() -> received.size() >= 2);
        assertThat(kinds()).containsExactly(NotificationKind.DRIFT_DETECTED, NotificationKind.RECOVERED);
    }

    @Test
    void driftRevertedBySelfHealIsToldAsHealed() {
        start();
        repo.commit(stack("web", compose("nginx:1.27"), with().selfHeal().build()));
        engine.syncOnce(SyncOptions.all());
        nas.uiEdit("web", c -> c.put("services", Map.of("app", Map.of("image", "nginx:edited"))));

        engine.syncOnce(SyncOptions.all());
        engine.syncOnce(SyncOptions.all());

        await().until(() -> received.size() >= 1);
        assertThat(kinds()).containsExactly(NotificationKind.DRIFT_HEALED);
        assertThat(received.get(0).reason()).isEqualTo(Reasons.SELF_HEAL);
    }

    @Test
    void aPrunedAppIsTold() {
        start();
        repo.commit(stack("web", compose("nginx:1.27")), stack("old", compose("redis:7"), with().prune().build()));
        engine.syncOnce(SyncOptions.all());
        repo.commit(stack("web", compose("nginx:1.27")));

        engine.syncOnce(SyncOptions.all());

        await().until(() -> received.size() >= 1);
        assertThat(kinds()).containsExactly(NotificationKind.PRUNED);
        assertThat(received.get(0).stack()).isEqualTo("old");
        assertThat(received.get(0).reason()).isEqualTo(Reasons.PRUNED);
    }

    @Test
    void anAppThatNeverBecomesHealthyIsToldAsAFailedHealthGate() {
        start();
        nas.crashLoop("web", true);
        repo.commit(stack("web", compose("nginx:1.27")));

        engine.syncOnce(SyncOptions.all());
        engine.syncOnce(SyncOptions.all());
        nas.crashLoop("web", false);
        repo.commit(stack("web", compose("nginx:1.28")));
        engine.syncOnce(SyncOptions.all());

        await().until(() -> received.size() >= 2);
        assertThat(kinds()).containsExactly(NotificationKind.HEALTH_GATE_FAILED, NotificationKind.RECOVERED);
        assertThat(received.get(0).reason()).isEqualTo(Reasons.HEALTH_CHECK_FAILED);
    }

    @Test
    void anObserverThatThrowsNeverFailsThePass() {
        engine = Reconciler.builder().config(TestConfig.defaults(stateDir)).source(repo).scanner(repo)
                .target("default", nas).store(new JsonFileStatusStore(stateDir)).clock(clock)
                .passListener(new SyncListener() {
                    @Override
                    public void onPassEnd(PassResult result) {
                        throw new IllegalStateException("observer broke");
                    }
                }).build();
        repo.commit(stack("web", compose("nginx:1.27")));

        PassResult r = engine.syncOnce(SyncOptions.all());

        assertThat(r.result()).isEqualTo(PassOutcome.SUCCESS);
        assertThat(nas.appNames()).containsExactly("web");
    }

    @Test
    void aTargetThatHangsDoesNotDelayThePasses() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(TestConfig.defaults(stateDir), recordingDispatcher(n -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.add(n);
            return new SendResult.Delivered();
        }));
        try {
            nas.failNext("app.create", "web", FakeTrueNas.jobFailed("[EFAULT] Failed 'up' action for 'web' app"));
            repo.commit(stack("web", compose("nginx:1.27")));
            engine.syncOnce(SyncOptions.all());
            await().until(() -> entered.getCount() == 0);

            repo.commit(stack("web", compose("nginx:1.28")));
            PassResult second = engine.syncOnce(SyncOptions.all());
            PassResult third = engine.syncOnce(SyncOptions.all());

            assertThat(second.result()).isEqualTo(PassOutcome.SUCCESS);
            assertThat(third.result()).isEqualTo(PassOutcome.NO_CHANGE);
            assertThat(release.getCount()).isEqualTo(1);
            assertThat(received).isEmpty();
        } finally {
            release.countDown();
        }
        await().until(() -> received.size() >= 2);
        assertThat(kinds()).containsExactly(NotificationKind.APPLY_FAILED, NotificationKind.RECOVERED);
    }
}
