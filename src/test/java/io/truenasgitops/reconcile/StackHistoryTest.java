package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.reconcile.HistoryEntry.Kind;
import io.truenasgitops.reconcile.HistoryEntry.Operation;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bounded, per-stack deployment history: numbering, order, the bound, and repeated failures counted once. */
class StackHistoryTest {

    static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

    static HistoryEntry entry(Kind kind, String revision, String code, int minute) {
        return new HistoryEntry(0, T.plusSeconds(60L * minute), kind, Operation.UPDATE, revision, null,
                Reason.of(code, code + " at " + minute), TriggerReason.TIMER, 1);
    }

    @Test
    void entriesAreNumberedPerStackAndListedNewestFirst() {
        StackHistory h = StackHistory.empty();
        h.record("web", entry(Kind.APPLIED, "a", Reasons.APPLIED, 1));
        h.record("db", entry(Kind.APPLIED, "a", Reasons.APPLIED, 2));
        h.record("web", entry(Kind.APPLIED, "b", Reasons.APPLIED, 3));

        assertThat(h.newestFirst("web", 10)).extracting(HistoryEntry::id, HistoryEntry::revision)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, "b"), org.assertj.core.groups.Tuple.tuple(1L, "a"));
        assertThat(h.newestFirst("db", 10)).extracting(HistoryEntry::id).containsExactly(1L);
        assertThat(h.newestFirst("web", 1)).extracting(HistoryEntry::revision).containsExactly("b");
        assertThat(h.newestFirst("nothing", 10)).isEmpty();
    }

    @Test
    void aStackKeepsOnlyItsNewestEntriesAndNumbersGoOn() {
        StackHistory h = StackHistory.empty();
        for (int i = 1; i <= StackHistory.PER_STACK + 5; i++) {
            h.record("web", entry(Kind.APPLIED, "r" + i, Reasons.APPLIED, i));
        }

        assertThat(h.newestFirst("web", 1000)).hasSize(StackHistory.PER_STACK);
        assertThat(h.newestFirst("web", 1).get(0).id()).isEqualTo(StackHistory.PER_STACK + 5L);
        assertThat(h.asMap().get("web").get(0).revision()).isEqualTo("r6");
    }

    @Test
    void theSameFailureInARowIsOneEntryWithItsAttemptsCounted() {
        StackHistory h = StackHistory.empty();
        h.record("web", entry(Kind.APPLIED, "a", Reasons.APPLIED, 1));
        h.record("web", entry(Kind.FAILED, "b", Reasons.JOB_FAILED, 2));
        h.record("web", entry(Kind.FAILED, "b", Reasons.JOB_FAILED, 3));
        h.record("web", entry(Kind.FAILED, "b", Reasons.JOB_FAILED, 4));

        assertThat(h.newestFirst("web", 10)).hasSize(2).first().satisfies(e -> {
            assertThat(e.id()).isEqualTo(2);
            assertThat(e.attempts()).isEqualTo(3);
            assertThat(e.time()).isEqualTo(T.plusSeconds(240));
            assertThat(e.reason().message()).isEqualTo("JobFailed at 4");
        });
    }

    @Test
    void anotherFailureOrAnotherRevisionIsANewEntry() {
        StackHistory h = StackHistory.empty();
        h.record("web", entry(Kind.FAILED, "b", Reasons.JOB_FAILED, 1));
        h.record("web", entry(Kind.FAILED, "b", Reasons.HEALTH_TIMEOUT, 2));
        h.record("web", entry(Kind.FAILED, "c", Reasons.HEALTH_TIMEOUT, 3));
        h.record("web", entry(Kind.APPLIED, "c", Reasons.APPLIED, 4));
        h.record("web", entry(Kind.APPLIED, "c", Reasons.APPLIED, 5));

        assertThat(h.newestFirst("web", 10)).extracting(HistoryEntry::id).containsExactly(5L, 4L, 3L, 2L, 1L);
    }

    @Test
    void onlyWritingActionsThatAppliedFailedOrPrunedMakeAnEntry() {
        Action update = Action.builder(ActionType.UPDATE, "web", "default").path("stacks/web")
                .reason(Reason.of(Reasons.CONFIG_CHANGED, "changed")).build();
        Action unchanged = Action.builder(ActionType.UNCHANGED, "web", "default").path("stacks/web")
                .reason(Reason.of(Reasons.UP_TO_DATE, "same")).build();
        StackStatus before = StackStatus.initial("web", "default", "stacks/web").toBuilder().build();
        StackStatus.Builder b = before.toBuilder();
        b.lastAppliedRevision = "a";
        Reason r = Reason.of(Reasons.APPLIED, "updated");

        assertThat(StackHistory.ofPass(update, new Outcome.Applied("updated", HealthStatus.HEALTHY, null, Set.of()),
                b.build(), r, "b", TriggerReason.WEBHOOK, T)).hasValueSatisfying(e -> {
                    assertThat(e.kind()).isEqualTo(Kind.APPLIED);
                    assertThat(e.operation()).isEqualTo(Operation.UPDATE);
                    assertThat(e.fromRevision()).isEqualTo("a");
                    assertThat(e.trigger()).isEqualTo(TriggerReason.WEBHOOK);
                });
        assertThat(StackHistory.ofPass(update, new Outcome.Transient(r, HealthStatus.UNKNOWN, null), null, r, "b",
                TriggerReason.TIMER, T)).map(HistoryEntry::kind).hasValue(Kind.FAILED);
        assertThat(StackHistory.ofPass(update, new Outcome.Blocked(r, HealthStatus.UNKNOWN, null), null, r, "b",
                TriggerReason.TIMER, T)).isEmpty();
        assertThat(StackHistory.ofPass(unchanged, new Outcome.Unchanged(HealthStatus.HEALTHY, null), null, r, "b",
                TriggerReason.TIMER, T)).isEmpty();
    }

    @Test
    void goneStacksBeyondTheirBoundAreForgottenOldestFirst() {
        StackHistory h = StackHistory.empty();
        for (int i = 0; i < StackHistory.GONE_STACKS + 2; i++) {
            h.record("gone-" + i, entry(Kind.DELETED, "a", Reasons.PRUNED, i));
        }
        h.record("web", entry(Kind.APPLIED, "a", Reasons.APPLIED, 0));

        h.forgetGone(Set.of("web"));

        assertThat(h.has("web")).isTrue();
        assertThat(h.has("gone-0")).isFalse();
        assertThat(h.has("gone-1")).isFalse();
        assertThat(h.has("gone-2")).isTrue();
        assertThat(new StackHistory(h.asMap()).asMap()).isEqualTo(h.asMap());
        assertThat(new StackHistory(Map.of()).asMap()).isEmpty();
    }
}
