package io.truenasgitops.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NotificationFilterTest {

    static Notification of(NotificationKind kind, String stack, NotificationKind from) {
        return new Notification("id", Instant.EPOCH, kind, stack, "nas1", null, null, "R", "m", null, false, from);
    }

    @Test
    void stacksAreMatchedByNameOrGlobAndNasMessagesAlwaysPass() {
        NotificationFilter f = new NotificationFilter(List.of("media-*", "db"), Set.of(), Severity.INFO);

        assertThat(f.accepts(of(NotificationKind.APPLY_FAILED, "media-jellyfin", null))).isTrue();
        assertThat(f.accepts(of(NotificationKind.APPLY_FAILED, "db", null))).isTrue();
        assertThat(f.accepts(of(NotificationKind.APPLY_FAILED, "dbx", null))).isFalse();
        assertThat(f.accepts(of(NotificationKind.TARGET_DOWN, null, null))).isTrue();
    }

    @Test
    void aRecoveryIsSentWhereTheProblemWasSentWhateverTheMinimumSeverity() {
        NotificationFilter errors = new NotificationFilter(List.of(), Set.of(), Severity.ERROR);

        assertThat(errors.accepts(of(NotificationKind.RECOVERED, "web", NotificationKind.APPLY_FAILED))).isTrue();
        assertThat(errors.accepts(of(NotificationKind.RECOVERED, "web", NotificationKind.DRIFT_DETECTED))).isFalse();
        assertThat(errors.accepts(of(NotificationKind.DRIFT_DETECTED, "web", null))).isFalse();
        assertThat(errors.accepts(of(NotificationKind.PRUNED, "web", null))).isFalse();
    }

    @Test
    void kindsSelectProblemsAndTheirRecoveries() {
        NotificationFilter f = new NotificationFilter(List.of(), Set.of(NotificationKind.TARGET_DOWN), Severity.INFO);

        assertThat(f.accepts(of(NotificationKind.TARGET_DOWN, null, null))).isTrue();
        assertThat(f.accepts(of(NotificationKind.RECOVERED, null, NotificationKind.TARGET_DOWN))).isTrue();
        assertThat(f.accepts(of(NotificationKind.RECOVERED, "web", NotificationKind.APPLY_FAILED))).isFalse();
        assertThat(f.accepts(of(NotificationKind.APPLY_FAILED, "web", null))).isFalse();
    }

    @Test
    void anUnknownKindOrSeverityNamesTheKeyAndTheWordsAllowed() {
        assertThatThrownBy(() -> NotificationKind.parse("apply-fail", "truenas-gitops.notify.targets.x.kinds"))
                .hasMessage("truenas-gitops.notify.targets.x.kinds: unknown notification kind 'apply-fail'; use one of"
                        + " apply-failed, stalled, health-gate-failed, drift-detected, drift-healed, recovered,"
                        + " target-down, source-failing, pruned, image-update-available, rolled-back, rollback-failed");
        assertThatThrownBy(() -> Severity.parse("critical", "k"))
                .hasMessage("k: unknown notification severity 'critical'; use one of info, warning, error");
    }
}
