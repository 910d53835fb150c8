package io.truenasgitops.reconcile;

import static io.truenasgitops.reconcile.Fixtures.compose;
import static io.truenasgitops.reconcile.Fixtures.stack;
import static io.truenasgitops.reconcile.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.reconcile.HistoryEntry.Kind;
import io.truenasgitops.reconcile.HistoryEntry.Operation;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine records each stack's applies, failures and prunes with what triggered them, keeps them across a restart,
 * and tells the current suspension of a stack apart from the copy the last pass recorded.
 */
class HistoryReconcilerTest {

    @TempDir
    Path stateDir;

    Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness(stateDir);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void applyThenUpdateAreTwoEntriesNewestFirstWithRevisionsAndTriggers() {
        h.repo.commit(stack("web", compose("nginx:1.26")));
        String first = h.repo.head();
        h.engine.syncOnce(SyncOptions.all().withTrigger(TriggerReason.STARTUP));
        h.repo.commit(stack("web", compose("nginx:1.27")));
        String second = h.repo.head();
        h.engine.syncOnce(SyncOptions.all().withTrigger(TriggerReason.WEBHOOK));
        h.sync(); // nothing to do: no entry

        assertThat(h.engine.history("web", 10)).satisfiesExactly(update -> {
            assertThat(update.id()).isEqualTo(2);
            assertThat(update.kind()).isEqualTo(Kind.APPLIED);
            assertThat(update.operation()).isEqualTo(Operation.UPDATE);
            assertThat(update.revision()).isEqualTo(second);
            assertThat(update.fromRevision()).isEqualTo(first);
            assertThat(update.trigger()).isEqualTo(TriggerReason.WEBHOOK);
            assertThat(update.reason().code()).isEqualTo(Reasons.APPLIED);
        }, create -> {
            assertThat(create.operation()).isEqualTo(Operation.CREATE);
            assertThat(create.revision()).isEqualTo(first);
            assertThat(create.fromRevision()).isNull();
            assertThat(create.trigger()).isEqualTo(TriggerReason.STARTUP);
        });
    }

    @Test
    void aFailedApplyIsAnEntryAndTheSameFailureAgainIsCountedOnIt() {
        h.repo.commit(stack("web", compose("nginx:1.26")));
        h.sync();
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.nas.failNext("app.update", "web", FakeTrueNas.jobFailed("[EFAULT] Failed 'up' action for 'web' app"));
        h.sync();
        h.nas.failNext("app.update", "web", FakeTrueNas.jobFailed("[EFAULT] Failed 'up' action for 'web' app"));
        h.engine.syncOnce(SyncOptions.only(Set.of("web")).withTrigger(TriggerReason.API));

        assertThat(h.engine.history("web", 10)).hasSize(2).first().satisfies(failed -> {
            assertThat(failed.kind()).isEqualTo(Kind.FAILED);
            assertThat(failed.operation()).isEqualTo(Operation.UPDATE);
            assertThat(failed.revision()).isEqualTo(h.repo.head());
            assertThat(failed.reason().code()).isEqualTo(Reasons.JOB_FAILED);
            assertThat(failed.reason().message()).contains("Failed 'up' action");
            assertThat(failed.attempts()).isEqualTo(2);
            assertThat(failed.trigger()).isEqualTo(TriggerReason.API);
        });
    }

    @Test
    void aPruneIsAnEntryKeptAfterTheStackIsGone() {
        h.repo.commit(stack("web", compose("nginx:1.27")), stack("old", compose("redis:7"), with().prune().build()));
        h.sync();
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.sync();

        assertThat(h.engine.status("old")).isEmpty();
        assertThat(h.engine.hasHistory("old")).isTrue();
        assertThat(h.engine.history("old", 10)).extracting(HistoryEntry::kind)
                .containsExactly(Kind.DELETED, Kind.APPLIED);
    }

    @Test
    void theHistoryOutlivesARestartAndGoesOnNumbering() {
        h.repo.commit(stack("web", compose("nginx:1.26")));
        h.sync();

        h.restart();
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.sync();

        assertThat(h.engine.history("web", 10)).extracting(HistoryEntry::id, HistoryEntry::operation).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2L, Operation.UPDATE),
                org.assertj.core.groups.Tuple.tuple(1L, Operation.CREATE));
    }

    @Test
    void aResumedStackIsNotSuspendedAnyMoreAlthoughTheLastPassRecordedItSo() {
        h.repo.commit(stack("web", compose("nginx:1.27")));
        h.sync();
        h.engine.suspend("web");
        h.sync();
        assertThat(h.status("web").suspended()).isTrue();

        h.engine.resume("web");

        assertThat(h.status("web").suspended()).as("the last pass's copy").isTrue();
        assertThat(h.engine.suspension("web")).isEqualTo(new Reconciler.Suspension(false, false));
        assertThat(h.engine.suspension("web").suspended()).isFalse();
    }

    @Test
    void aStackSuspendedInItsStackYamlStaysSuspendedAfterAResume() {
        h.repo.commit(stack("web", compose("nginx:1.27"), with().suspend().build()));
        h.sync();
        h.engine.suspend("web");

        h.engine.resume("web");

        assertThat(h.engine.suspension("web")).isEqualTo(new Reconciler.Suspension(false, true));
        h.restart();
        assertThat(h.engine.suspension("web")).as("before a pass: read from the checkout")
                .isEqualTo(new Reconciler.Suspension(false, true));
    }
}
