package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.Set;

/** The rules every {@link StackStatus} must obey (Flux's conditions/check, ported). Call at the end of every engine test. */
final class StatusInvariants {
    private StatusInvariants() {}

    static void assertValid(Collection<StackStatus> statuses) {
        statuses.forEach(StatusInvariants::assertValid);
    }

    static void assertValid(Reconciler r) {
        assertValid(r.statuses());
    }

    static void assertValid(StackStatus s) {
        String who = "status of '" + s.name() + "': " + s;
        for (Condition c : s.conditions()) {
            assertThat(c.reason()).as(who).matches("[A-Z][A-Za-z0-9]*");
            assertThat(c.message()).as(who).isNotBlank();
            assertThat(c.lastTransitionTime()).as(who).isNotNull();
            assertThat(Set.of(Condition.READY, Condition.RECONCILING, Condition.STALLED, Condition.DRIFTED,
                    Condition.IMAGE_UPDATE_AVAILABLE)).as(who).contains(c.type());
            if (c.type().equals(Condition.IMAGE_UPDATE_AVAILABLE)) {
                assertThat(c.reason()).as(who).isEqualTo(c.isTrue() ? Reasons.IMAGE_UPDATE_AVAILABLE
                        : Reasons.IMAGES_UP_TO_DATE);
            }
        }
        assertThat(s.conditions().stream().map(Condition::type).distinct().count()).as(who)
                .isEqualTo(s.conditions().size());
        if (s.isReady()) {
            assertThat(s.isStalled()).as("Ready=True with Stalled=True: " + who).isFalse();
            assertThat(s.is(Condition.RECONCILING)).as("Ready=True with Reconciling=True: " + who).isFalse();
            assertThat(s.health().isGood()).as("Ready=True with bad health: " + who).isTrue();
            assertThat(s.drift()).as("Ready=True while drifted: " + who).isEmpty();
        }
        assertThat(s.is(Condition.RECONCILING) && s.isStalled()).as("Reconciling and Stalled both True: " + who)
                .isFalse();
        assertThat(s.is(Condition.DRIFTED)).as("Drifted condition vs drift kinds: " + who).isEqualTo(!s.drift().isEmpty());
        if (s.suspended()) {
            assertThat(s.health()).as(who).isEqualTo(HealthStatus.SUSPENDED);
        }
        if (s.lastAppliedRevision() != null) {
            assertThat(s.lastAppliedHash()).as(who).isNotNull();
            assertThat(s.lastAppliedAt()).as(who).isNotNull();
        }
        if (s.isStalled()) {
            assertThat(s.lastError()).as("Stalled without an error: " + who).isNotBlank();
            if (s.nextRetryAt() != null) {
                // a stall that may pass is tried again on the slow backoff: it counts its attempts
                assertThat(s.failures()).as("Stalled, scheduled for a slow retry, without attempts: " + who)
                        .isPositive();
                assertThat(s.stalledFingerprint()).as(who).isNotNull();
            }
        }
        if (s.lastReason() != null) {
            assertThat(s.lastReason().code()).matches("[A-Z][A-Za-z0-9]*");
        }
    }
}
