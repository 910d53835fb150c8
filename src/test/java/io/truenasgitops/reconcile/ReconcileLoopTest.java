package io.truenasgitops.reconcile;

import static io.truenasgitops.reconcile.Fixtures.compose;
import static io.truenasgitops.reconcile.Fixtures.stack;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truenasgitops.stacks.StackSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop: triggers coalesce, passes never overlap, shutdown is graceful. Counts, not timing. */
class ReconcileLoopTest {

    @TempDir
    Path stateDir;

    Harness h;
    ReconcileLoop loop;

    @AfterEach
    void tearDown() {
        if (loop != null) {
            loop.stop();
        }
        StatusInvariants.assertValid(h.engine);
        h.close();
    }

    void start() {
        h = new Harness(stateDir, c -> c.withInterval(Duration.ofHours(1)).withJitter(0));
        h.repo.commit(stack("web", compose("nginx:1.27")));
        loop = new ReconcileLoop(h.engine, h.config, h.clock);
    }

    @Test
    void aPassThatThrowsAnErrorEndsAsFailedAndTheNextPassStillRuns() {
        start();
        h.nas.throwOnNextList(new StackOverflowError());
        loop.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 1 && !loop.isBusy());
        assertThat(loop.lastFailure()).containsInstanceOf(StackOverflowError.class);
        assertThat(loop.isWorkerAlive()).isTrue();
        assertThat(h.nas.calls("app.create")).isZero();

        loop.trigger(TriggerReason.API, Optional.empty());

        await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 2 && !loop.isBusy());
        assertThat(loop.lastFailure()).isEmpty();
        assertThat(h.nas.calls("app.create")).isEqualTo(1);
        assertThat(loop.isWorkerAlive()).isTrue();
    }

    @Test
    void theFirstPassIsTheStartsAndAPassAskedForByAWebhookIsTheWebhooksInTheHistory() {
        start();
        loop.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 1 && loop.isIdle());
        h.repo.commit(stack("web", compose("nginx:1.28")));

        loop.trigger(TriggerReason.WEBHOOK, Optional.empty());

        await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 2 && loop.isIdle());
        assertThat(h.engine.history("web", 10)).extracting(HistoryEntry::trigger)
                .containsExactly(TriggerReason.WEBHOOK, TriggerReason.STARTUP);
    }

    @Test
    void triggersArrivingDuringAPassCoalesceIntoOneMorePass() throws Exception {
        start();
        h.nas.holdNextList();
        loop.start();
        assertThat(h.nas.awaitListEntered()).isTrue(); // first pass is now blocked inside app.query

        for (int i = 0; i < 10; i++) {
            loop.trigger(TriggerReason.WEBHOOK, Optional.empty());
            loop.trigger(TriggerReason.API, Optional.empty());
        }
        h.nas.releaseList();

        await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 2 && loop.isIdle());
        // idle with nothing pending, and the clock stands still an hour before the next poll: no third pass
        assertThat(loop.passes()).isEqualTo(2);
        assertThat(loop.triggers()).isEqualTo(20);
        assertThat(h.nas.calls("app.query")).isEqualTo(2);
        assertThat(h.nas.calls("app.create")).isEqualTo(1);
    }

    @Test
    void aPassNeverOverlapsAnotherAndNeverRunsTwoJobsOnOneApp() throws Exception {
        start();
        h.nas.holdNextList();
        loop.start();
        assertThat(h.nas.awaitListEntered()).isTrue();
        Thread direct = new Thread(() -> h.engine.syncOnce(SyncOptions.all()));
        direct.start(); // e.g. the CLI or REST asking for a pass while the loop's pass runs
        loop.trigger(TriggerReason.CLI, Optional.of("web"));

        await().atMost(Duration.ofSeconds(20)).until(() -> direct.getState() == Thread.State.WAITING);
        assertThat(h.nas.calls("app.query")).as("the direct pass waits for the running one").isEqualTo(1);
        h.nas.releaseList();
        direct.join(20_000);

        await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 2 && !loop.isBusy());
        assertThat(h.nas.calls("app.query")).isEqualTo(3);
        assertThat(h.nas.calls("app.create")).isEqualTo(1);
        assertThat(h.nas.maxConcurrentCallsOnOneApp()).isEqualTo(1);
    }

    @Test
    void aStackTriggerSyncsThatStackAndRevertsItsDrift() {
        start();
        loop.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 1 && !loop.isBusy());
        h.nas.uiEdit("web", c -> c.put("x-edited", true));
        h.nas.resetCounts();

        loop.trigger(TriggerReason.API, Optional.of("web"));

        await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 2 && !loop.isBusy());
        assertThat(h.nas.writeLog()).containsExactly("app.update web");
    }

    @Test
    void aPassOverEveryStackThatForcesTheDriftedOnesRevertsTheirDriftInOnePass() {
        start();
        loop.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 1 && !loop.isBusy());
        h.nas.uiEdit("web", c -> c.put("x-edited", true));
        loop.trigger(TriggerReason.API, Optional.empty());
        await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 2 && !loop.isBusy());
        h.nas.resetCounts();
        assertThat(h.engine.status("web").orElseThrow().drift()).as("a plain pass only reports it").isNotEmpty();

        loop.triggerAll(TriggerReason.API, java.util.Set.of("web"));

        await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 3 && !loop.isBusy());
        assertThat(h.nas.writeLog()).containsExactly("app.update web");
        assertThat(h.engine.status("web").orElseThrow().drift()).isEmpty();
    }

    @Test
    void stopWaitsForThePassInFlightAndThenEndsTheWorker() throws Exception {
        start();
        h.nas.holdNextList();
        loop.start();
        assertThat(h.nas.awaitListEntered()).isTrue();

        Thread stopper = new Thread(loop::stop);
        stopper.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> stopper.getState() == Thread.State.TIMED_WAITING);
        assertThat(stopper.isAlive()).as("stop waits for the running pass").isTrue();
        h.nas.releaseList();
        stopper.join(20_000);

        assertThat(stopper.isAlive()).isFalse();
        assertThat(loop.passes()).isEqualTo(1);
        assertThat(h.nas.calls("app.create")).isEqualTo(1);
        loop = null;
    }

    @Test
    void thePollIntervalIsMeasuredOnTheEngineClock() {
        start();
        loop.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 1 && loop.isIdle());

        h.clock.advance(Duration.ofMinutes(59));
        await().atMost(Duration.ofSeconds(20)).until(loop::isIdle);
        assertThat(loop.passes()).as("59 minutes into an hour-long interval").isEqualTo(1);

        h.clock.advance(Duration.ofMinutes(2));
        await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 2 && loop.isIdle());
    }

    @Test
    void aSuspendedStackIsSkippedByTheLoop() {
        h = new Harness(stateDir, c -> c.withInterval(Duration.ofHours(1)).withJitter(0));
        h.repo.commit(stack("web", compose("nginx:1.27"), Fixtures.with().suspend().build()),
                stack("db", compose("postgres:17"), StackSettings.defaults()));
        loop = new ReconcileLoop(h.engine, h.config, h.clock);
        loop.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 1 && !loop.isBusy());

        assertThat(h.nas.writeLog()).containsExactly("app.create db");
    }

    @Test
    void aPassThatChangesNothingLogsOneInfoLineWithItsRevisionTheStacksInSyncAndTheNextPass() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(ReconcileLoop.class.getName());
        logger.addHandler(capture);
        try {
            start();
            loop.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 1 && loop.isIdle());
            assertThat(quietLines(records)).as("the first pass created the app: the Reconciler logs it").isEmpty();

            loop.trigger(TriggerReason.API, Optional.empty());
            await().atMost(Duration.ofSeconds(20)).until(() -> loop.passes() == 2 && loop.isIdle());

            String rev = Planner.shortRev(h.repo.head());
            assertThat(quietLines(records)).containsExactly(
                    "pass at " + rev + ": nothing to do, 1 stack in sync, next in 1h");
            assertThat(records).filteredOn(r -> r.getMessage().contains("nothing to do"))
                    .allMatch(r -> r.getLevel().intValue() == Level.INFO.intValue(), "logged at INFO");
        } finally {
            logger.removeHandler(capture);
        }
    }

    private static List<String> quietLines(List<LogRecord> records) {
        return records.stream().map(LogRecord::getMessage).filter(m -> m != null && m.contains("nothing to do"))
                .toList();
    }
}
