package io.truenasgitops.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.reconcile.Condition;
import io.truenasgitops.reconcile.Event;
import io.truenasgitops.reconcile.Reasons;
import io.truenasgitops.reconcile.Reconciler;
import io.truenasgitops.reconcile.StackStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kinds that come from a stack's second state (its images) and from what happens between passes (rollbacks). */
class ImageUpdateAndRollbackNotificationsTest {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final Reconciler.SourceState SOURCE =
            new Reconciler.SourceState("abc1234def", "https://github.com/o/stacks.git", T0, null, T0);

    final ProblemTracker tracker = new ProblemTracker(Duration.ofHours(6), new CommitLinks(null), null);

    static StackStatus media(Condition.Status imageFlag) {
        StackStatus s = StackStatus.initial("media", "default", "stacks/media");
        List<Condition> conditions = new ArrayList<>();
        conditions.add(new Condition(Condition.READY, Condition.Status.TRUE, Reasons.UP_TO_DATE, "up to date", T0));
        if (imageFlag != null) {
            conditions.add(new Condition(Condition.IMAGE_UPDATE_AVAILABLE, imageFlag,
                    imageFlag == Condition.Status.TRUE ? Reasons.IMAGE_UPDATE_AVAILABLE : Reasons.IMAGES_UP_TO_DATE,
                    imageFlag == Condition.Status.TRUE ? "a newer nginx:1.27 exists" : "images up to date", T0));
        }
        return new StackStatus(s.name(), s.target(), s.path(), conditions, s.health(), s.liveState(), "abc1234def",
                null, "abc1234def", null, T0, null, null, null, null, null, 0, null, false, T0);
    }

    static EngineSnapshot at(Instant t, StackStatus st, List<Event> newestFirst) {
        return new EngineSnapshot(List.of(st), List.of(), SOURCE, null, t, newestFirst);
    }

    @Test
    void anImageUpdateIsToldOnceNeverRemindedAndClearedWithOneRecovery() {
        assertThat(tracker.evaluate(at(T0, media(null), List.of()))).isEmpty();

        List<Notification> started = tracker.evaluate(at(T0.plusSeconds(60), media(Condition.Status.TRUE), List.of()));
        assertThat(started).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(NotificationKind.IMAGE_UPDATE_AVAILABLE);
            assertThat(n.stack()).isEqualTo("media");
            assertThat(n.message()).contains("nginx:1.27");
        });

        // a day later, still flagged: information, not a problem, so no reminder
        assertThat(tracker.evaluate(at(T0.plus(Duration.ofDays(1)), media(Condition.Status.TRUE), List.of())))
                .isEmpty();

        List<Notification> cleared = tracker.evaluate(
                at(T0.plus(Duration.ofDays(2)), media(Condition.Status.FALSE), List.of()));
        assertThat(cleared).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(NotificationKind.RECOVERED);
            assertThat(n.recoveredFrom()).isEqualTo(NotificationKind.IMAGE_UPDATE_AVAILABLE);
            assertThat(n.message()).contains("images of stack 'media' are up to date again");
        });
    }

    @Test
    void aRollbackBetweenPassesIsToldOnceAtTheNextPassAndOlderEventsAreHistory() {
        Event before = new Event(T0.minusSeconds(30), "media", Event.Type.NORMAL, Reasons.ROLLED_BACK,
                "rolled back before the daemon's first pass", "0ld0ld0");
        assertThat(tracker.evaluate(at(T0, media(null), List.of(before)))).isEmpty();

        Event rolled = new Event(T0.plusSeconds(10), "media", Event.Type.NORMAL, Reasons.ROLLED_BACK,
                "rolled stack 'media' back to 0ld0ld0", "0ld0ld0");
        Event other = new Event(T0.plusSeconds(11), "media", Event.Type.NORMAL, Reasons.SUSPENDED, "suspended", null);
        List<Notification> next = tracker.evaluate(at(T0.plusSeconds(60), media(null), List.of(other, rolled, before)));
        assertThat(next).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(NotificationKind.ROLLED_BACK);
            assertThat(n.revision()).isEqualTo("0ld0ld0");
            assertThat(n.time()).isEqualTo(rolled.time());
        });

        Event failed = new Event(T0.plusSeconds(70), "media", Event.Type.WARNING, Reasons.ROLLBACK_FAILED,
                "rollback of stack 'media' failed", "0ld0ld0");
        assertThat(tracker.evaluate(at(T0.plusSeconds(120), media(null), List.of(failed, other, rolled, before))))
                .extracting(Notification::kind).containsExactly(NotificationKind.ROLLBACK_FAILED);
        assertThat(tracker.evaluate(at(T0.plusSeconds(180), media(null), List.of(failed, other, rolled, before))))
                .isEmpty();
    }

    /** media stalled as an automatic rollback (onFailure: rollback) leaves it. */
    static StackStatus rolledBack() {
        StackStatus s = media(null);
        List<Condition> conditions = new ArrayList<>(s.conditions());
        conditions.add(new Condition(Condition.STALLED, Condition.Status.TRUE, Reasons.ROLLED_BACK,
                "app 'media' was rolled back from b4db4d0 to 0ld0ld0 (onFailure: rollback)", T0));
        return new StackStatus(s.name(), s.target(), s.path(), conditions, s.health(), s.liveState(), "b4db4d0",
                null, "0ld0ld0", null, T0, null, null, null, null, null, 1, null, false, T0);
    }

    @Test
    void anAutomaticRollbackIsOneNotificationThoughItIsBothAnEventAndAStall() {
        assertThat(tracker.evaluate(at(T0, media(null), List.of()))).isEmpty();
        Event rolled = new Event(T0.plusSeconds(10), "media", Event.Type.WARNING, Reasons.ROLLED_BACK,
                "app 'media' was rolled back from b4db4d0 to 0ld0ld0 (onFailure: rollback)", "b4db4d0");

        List<Notification> sent = tracker.evaluate(at(T0.plusSeconds(60), rolledBack(), List.of(rolled)));

        assertThat(sent).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(NotificationKind.ROLLED_BACK);
            assertThat(n.message()).contains("from b4db4d0 to 0ld0ld0");
            assertThat(n.reminder()).isFalse();
        });
        assertThat(tracker.evaluate(at(T0.plusSeconds(120), rolledBack(), List.of(rolled)))).isEmpty();
        assertThat(tracker.evaluate(at(T0.plusSeconds(180), media(null), List.of(rolled))))
                .extracting(Notification::kind).containsExactly(NotificationKind.RECOVERED);
    }
}
