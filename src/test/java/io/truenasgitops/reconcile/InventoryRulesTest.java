package io.truenasgitops.reconcile;

import static io.truenasgitops.reconcile.Fixtures.compose;
import static io.truenasgitops.reconcile.Fixtures.desired;
import static io.truenasgitops.reconcile.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.stacks.StackSettings.DesiredState;
import io.truenasgitops.truenas.AppState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the inventory keeps after an action, and what goes when a stack vanished from Git and the NAS. */
class InventoryRulesTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final Instant BEFORE = NOW.minusSeconds(3600);
    private static final String REV = "2222222222222222222222222222222222222222";
    private static final String OLD_REV = "1111111111111111111111111111111111111111";
    private static final DesiredStack WEB = desired("web", compose("nginx:1.27"), with().build());
    private static final InventoryEntry PREVIOUS = new InventoryEntry("default", "web", "stacks/web", "old-hash",
            OLD_REV, false, DesiredState.STOPPED, BEFORE, List.of());

    private static Action action(ActionType type, boolean enforce) {
        return Action.builder(type, "web", "default").path("stacks/web").desiredHash(WEB.hash())
                .wantState(DesiredState.RUNNING).enforceState(enforce).build();
    }

    private static Outcome applied(Set<DriftKind> remaining) {
        return new Outcome.Applied("done", HealthStatus.HEALTHY, AppState.RUNNING, remaining);
    }

    record Row(String name, Inventory before, Action action, Outcome outcome, String hash, String revision,
            DesiredState state) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() {
        Inventory empty = Inventory.empty();
        Inventory known = empty.with(PREVIOUS);
        return Stream.of(
                new Row("a create records the hash, the revision and the wanted state", empty,
                        action(ActionType.CREATE, false), applied(Set.of()), WEB.hash(), REV, DesiredState.RUNNING),
                new Row("an update records the new hash and revision", known, action(ActionType.UPDATE, true),
                        applied(Set.of()), WEB.hash(), REV, DesiredState.RUNNING),
                new Row("a start keeps the hash and revision last applied", known, action(ActionType.START, true),
                        applied(Set.of()), "old-hash", OLD_REV, DesiredState.RUNNING),
                new Row("a state only reported, not enforced, stays as recorded", known,
                        action(ActionType.UPDATE, false), applied(Set.of(DriftKind.STATE)), WEB.hash(), REV,
                        DesiredState.STOPPED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void anAppliedActionIsRecorded(Row row) {
        Inventory after = InventoryRules.afterAction(row.before(), row.action(), row.outcome(), WEB, null, REV,
                "git.example/stacks", NOW);
        InventoryEntry e = after.get("default", "web").orElseThrow();
        assertThat(e.hash()).isEqualTo(row.hash());
        assertThat(e.revision()).isEqualTo(row.revision());
        assertThat(e.state()).isEqualTo(row.state());
        assertThat(e.appliedAt()).isEqualTo(NOW);
    }

    @Test
    void aFailedActionOnAnAppThatIsNotOursLeavesTheInventoryAlone() {
        Inventory before = Inventory.empty().with(PREVIOUS);
        Outcome failed = new Outcome.Transient(Reason.of(Reasons.TRANSIENT_ERROR, "busy"), HealthStatus.UNKNOWN, null);
        assertThat(InventoryRules.afterAction(before, action(ActionType.UPDATE, true), failed, WEB, null, REV,
                "git.example/stacks", NOW)).isEqualTo(before);
    }

    @Test
    void aStackOnAnotherTargetOrMissingFromGitLeavesTheInventoryAlone() {
        Action elsewhere = Action.builder(ActionType.CREATE, "web", "other").desiredHash(WEB.hash()).build();
        assertThat(InventoryRules.afterAction(Inventory.empty(), elsewhere, applied(Set.of()), WEB, null, REV,
                "git.example/stacks", NOW).all()).isEmpty();
        assertThat(InventoryRules.afterAction(Inventory.empty(), action(ActionType.CREATE, false), applied(Set.of()),
                null, null, REV, "git.example/stacks", NOW).all()).isEmpty();
    }

    private static Observation observed(boolean fresh, Map<String, List<LiveApp>> live, Map<String, String> unreachable,
            Map<String, DesiredStack> desired) {
        return new Observation(REV, "git.example/stacks", fresh, List.copyOf(desired.values()), desired, live,
                Map.of(), unreachable, Map.of(), List.of(), null, fresh, null, List.of(), Set.of());
    }

    @Test
    void anEntryGoneFromGitAndFromAReachableNasIsDroppedOnlyAfterAFreshFetch() {
        Inventory before = Inventory.empty().with(PREVIOUS);
        assertThat(InventoryRules.withoutVanished(before, observed(true, Map.of("default", List.of()), Map.of(),
                Map.of())).all()).isEmpty();
        assertThat(InventoryRules.withoutVanished(before, observed(false, Map.of("default", List.of()), Map.of(),
                Map.of())).all()).as("stale source").hasSize(1);
        assertThat(InventoryRules.withoutVanished(before, observed(true, Map.of(), Map.of("default", "refused"),
                Map.of())).all()).as("unreachable target").hasSize(1);
        assertThat(InventoryRules.withoutVanished(before, observed(true, Map.of("default", List.of()), Map.of(),
                Map.of("web", WEB))).all()).as("still in Git").hasSize(1);
    }

    @Test
    void aStatusGoesWithItsStackUnlessItsTargetIsUnreachable() {
        Map<String, StackStatus> statuses = new java.util.TreeMap<>(Map.of(
                "gone", StackStatus.initial("gone", "default", "stacks/gone"),
                "held", StackStatus.initial("held", "nas2", "stacks/held"),
                "web", StackStatus.initial("web", "default", "stacks/web")));
        Plan plan = new Plan(REV, "git.example/stacks", NOW, List.of(action(ActionType.UNCHANGED, false)), List.of());
        assertThat(InventoryRules.vanishedStatuses(statuses, plan,
                observed(true, Map.of("default", List.of()), Map.of("nas2", "refused"), Map.of("web", WEB))))
                .containsExactly("gone");
        assertThat(InventoryRules.vanishedStatuses(statuses, plan,
                observed(false, Map.of("default", List.of()), Map.of(), Map.of()))).isEmpty();
    }
}
