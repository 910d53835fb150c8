package io.truenasgitops.reconcile;

import static io.truenasgitops.reconcile.Fixtures.compose;
import static io.truenasgitops.reconcile.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.compose.Stamp;
import io.truenasgitops.compose.Stamps;
import io.truenasgitops.stacks.StackSettings;
import io.truenasgitops.stacks.StackSettings.DesiredState;
import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppState;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The pure planner, table-driven: given desired and live, the expected action, reason and drift. */
class PlannerTest {

    static final String URL = "https://git.example.test/stacks.git";
    static final String REV = "0123456789abcdef0123456789abcdef01234567";
    static final Instant NOW = Instant.parse("2026-11-26T06:00:00Z");

    static final Map<String, Object> V1 = compose("nginx:1.27");
    static final Map<String, Object> V2 = compose("nginx:1.28");
    static final String H1 = Fixtures.rendered(V1).hash();
    static final String H2 = Fixtures.rendered(V2).hash();

    /** What is on the NAS for app "web" in a case (null = absent). */
    record Live(AppState state, Map<String, Object> config, boolean custom) {
        static Live ours(AppState state, Map<String, Object> applied, String appliedHash) {
            return new Live(state, Stamps.apply(applied, new Stamp(URL, "stacks/web", "old", appliedHash)), true);
        }

        static Live ours(AppState state, Map<String, Object> applied) {
            return ours(state, applied, Fixtures.rendered(applied).hash());
        }
    }

    /** One row: a behaviour sentence, the inputs, and what the planner must decide for "web". */
    record Case(String name, StackSettings settings, Map<String, Object> desired, Live live, InventoryEntry applied,
            ActionType type, String reason, Set<DriftKind> drift) {
        @Override
        public String toString() {
            return name;
        }
    }

    static InventoryEntry applied(String hash, DesiredState state) {
        return new InventoryEntry("default", "web", "stacks/web", hash, "old", false, state, NOW);
    }

    static Stream<Case> stackCases() {
        StackSettings def = with().build();
        return Stream.of(
                new Case("a stack never deployed is created and is not drift", def, V1, null, null,
                        ActionType.CREATE, Reasons.NOT_DEPLOYED, Set.of()),
                new Case("an app matching Git is unchanged", def, V1, Live.ours(AppState.RUNNING, V1),
                        applied(H1, DesiredState.RUNNING), ActionType.UNCHANGED, Reasons.UP_TO_DATE, Set.of()),
                new Case("a change in Git updates the app", def, V2, Live.ours(AppState.RUNNING, V1),
                        applied(H1, DesiredState.RUNNING), ActionType.UPDATE, Reasons.CONFIG_CHANGED, Set.of()),
                new Case("a change in Git overwrites an edit made on the NAS and reports it", def, V2,
                        Live.ours(AppState.RUNNING, compose("nginx:edited"), H1), applied(H1, DesiredState.RUNNING),
                        ActionType.UPDATE, Reasons.CONFIG_CHANGED, Set.of(DriftKind.CONFIG)),
                new Case("an edit on the NAS without selfHeal is only reported", def, V1,
                        Live.ours(AppState.RUNNING, compose("nginx:edited"), H1), applied(H1, DesiredState.RUNNING),
                        ActionType.UNCHANGED, Reasons.DRIFT_REPORTED, Set.of(DriftKind.CONFIG)),
                new Case("an edit on the NAS with selfHeal is reverted", with().selfHeal().build(), V1,
                        Live.ours(AppState.RUNNING, compose("nginx:edited"), H1), applied(H1, DesiredState.RUNNING),
                        ActionType.UPDATE, Reasons.SELF_HEAL, Set.of(DriftKind.CONFIG)),
                new Case("an edit on the NAS that Git then catches up with needs nothing", def, V2,
                        Live.ours(AppState.RUNNING, V2, H1), applied(H1, DesiredState.RUNNING),
                        ActionType.UNCHANGED, Reasons.UP_TO_DATE, Set.of()),
                new Case("an app stopped by hand is only reported without selfHeal", def, V1,
                        Live.ours(AppState.STOPPED, V1), applied(H1, DesiredState.RUNNING),
                        ActionType.UNCHANGED, Reasons.DRIFT_REPORTED, Set.of(DriftKind.STATE)),
                new Case("an app stopped by hand is started with selfHeal", with().selfHeal().build(), V1,
                        Live.ours(AppState.STOPPED, V1), applied(H1, DesiredState.RUNNING),
                        ActionType.START, Reasons.SELF_HEAL, Set.of(DriftKind.STATE)),
                new Case("a crashed app is only reported without selfHeal", def, V1, Live.ours(AppState.CRASHED, V1),
                        applied(H1, DesiredState.RUNNING), ActionType.UNCHANGED, Reasons.DRIFT_REPORTED,
                        Set.of(DriftKind.STATE)),
                new Case("state stopped newly set in Git stops the app", with().stopped().build(), V1,
                        Live.ours(AppState.RUNNING, V1), applied(H1, DesiredState.RUNNING),
                        ActionType.STOP, Reasons.STATE_CHANGED, Set.of(DriftKind.STATE)),
                new Case("state running newly set in Git starts the app", def, V1, Live.ours(AppState.STOPPED, V1),
                        applied(H1, DesiredState.STOPPED), ActionType.START, Reasons.STATE_CHANGED,
                        Set.of(DriftKind.STATE)),
                new Case("an app started by hand against state stopped is only reported", with().stopped().build(), V1,
                        Live.ours(AppState.RUNNING, V1), applied(H1, DesiredState.STOPPED),
                        ActionType.UNCHANGED, Reasons.DRIFT_REPORTED, Set.of(DriftKind.STATE)),
                new Case("a deploying app is progressing, not drifted", def, V1, Live.ours(AppState.DEPLOYING, V1),
                        applied(H1, DesiredState.RUNNING), ActionType.UNCHANGED, Reasons.PROGRESSING, Set.of()),
                new Case("an app deleted by hand is only reported without selfHeal", def, V1, null,
                        applied(H1, DesiredState.RUNNING), ActionType.UNCHANGED, Reasons.DRIFT_REPORTED,
                        Set.of(DriftKind.MISSING)),
                new Case("an app deleted by hand is recreated with selfHeal", with().selfHeal().build(), V1, null,
                        applied(H1, DesiredState.RUNNING), ActionType.CREATE, Reasons.APP_MISSING,
                        Set.of(DriftKind.MISSING)),
                new Case("an app deleted by hand is recreated when Git changed too", def, V2, null,
                        applied(H1, DesiredState.RUNNING), ActionType.CREATE, Reasons.APP_MISSING,
                        Set.of(DriftKind.MISSING)),
                new Case("an unstamped app of the same name is not touched", def, V1,
                        new Live(AppState.RUNNING, V1, true), null, ActionType.BLOCKED, Reasons.NOT_OWNED, Set.of()),
                new Case("an unstamped app is adopted with adopt", with().adopt().build(), V1,
                        new Live(AppState.RUNNING, V1, true), null, ActionType.UPDATE, Reasons.ADOPT, Set.of()),
                new Case("an app stamped by another source is not touched", def, V1,
                        new Live(AppState.RUNNING, Stamps.apply(V1, new Stamp("https://other.test/x.git", "stacks/web",
                                "r", H1)), true), null, ActionType.BLOCKED, Reasons.OWNED_BY_OTHER_SOURCE, Set.of()),
                new Case("an app stamped with another spelling of this source is ours", def, V1,
                        new Live(AppState.RUNNING, Stamps.apply(V1, new Stamp("HTTPS://Git.Example.test:443/stacks/",
                                "stacks/web", "old", H1)), true), applied(H1, DesiredState.RUNNING),
                        ActionType.UNCHANGED, Reasons.UP_TO_DATE, Set.of()),
                new Case("a catalog app of the same name is blocked even with adopt", with().adopt().build(), V1,
                        new Live(AppState.RUNNING, Map.of(), false), null, ActionType.BLOCKED, Reasons.NOT_CUSTOM_APP,
                        Set.of()),
                new Case("a suspended stack is blocked", with().suspend().build(), V2, Live.ours(AppState.RUNNING, V1),
                        applied(H1, DesiredState.RUNNING), ActionType.BLOCKED, Reasons.SUSPENDED, Set.of()),
                new Case("a stack naming an unknown target is blocked", with().target("nas9").build(), V1, null, null,
                        ActionType.BLOCKED, Reasons.UNKNOWN_TARGET, Set.of()));
    }

    @Test
    void anAppOfAnotherSourceIsBlockedWithBothSourcesInTheMessage() {
        LiveApp live = LiveApp.observe("default", new App("web", AppState.RUNNING, true, "1.0.0", List.of(), List.of(),
                Stamps.apply(V1, new Stamp("https://other.test/x.git", "stacks/web", "r", H1)),
                JsonNodeFactory.instance.objectNode()));
        PlanInput in = input(List.of(Fixtures.desired("web", V1, with().build())), List.of(live), Inventory.empty(),
                false, Map.of(), Set.of());

        Action a = Planner.plan(in).action("web").orElseThrow();

        assertThat(a.reason().code()).isEqualTo(Reasons.OWNED_BY_OTHER_SOURCE);
        assertThat(a.reason().message()).contains("its stamp names https://other.test/x.git", "this source is " + URL,
                "set adopt: true in stacks/web/stack.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stackCases")
    void decidesOneActionPerStack(Case c) {
        List<LiveApp> live = new ArrayList<>();
        if (c.live() != null) {
            live.add(LiveApp.observe("default", new App("web", c.live().state(), c.live().custom(), "1.0.0", List.of(),
                    List.of(), c.live().config(), JsonNodeFactory.instance.objectNode())));
        }
        Inventory inv = c.applied() == null ? Inventory.empty() : Inventory.empty().with(c.applied());
        PlanInput in = input(List.of(Fixtures.desired("web", c.desired(), c.settings())), live, inv, false,
                Map.of(), Set.of());

        Action a = Planner.plan(in).action("web").orElseThrow();

        assertThat(a.type()).as(c.name()).isEqualTo(c.type());
        assertThat(a.reason().code()).as(c.name() + ": " + a.reason().message()).isEqualTo(c.reason());
        assertThat(a.drift()).as(c.name()).isEqualTo(c.drift());
        assertThat(a.reason().message()).as(c.name()).isNotBlank();
    }

    /** One orphan row: a stamped app "old" whose folder is gone. */
    record OrphanCase(String name, boolean stackPrune, boolean globalPrune, boolean anyStackLeft, boolean fresh,
            String selfApp, ActionType type, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<OrphanCase> orphanCases() {
        return Stream.of(
                new OrphanCase("an orphan is only reported without prune", false, false, true, true, null,
                        ActionType.UNCHANGED, Reasons.PRUNE_DISABLED),
                new OrphanCase("an orphan whose stack said prune is deleted", true, false, true, true, null,
                        ActionType.DELETE, Reasons.PRUNED),
                new OrphanCase("an orphan is deleted with the global prune switch", false, true, true, true, null,
                        ActionType.DELETE, Reasons.PRUNED),
                new OrphanCase("nothing is pruned when the repository renders zero stacks", true, true, false, true,
                        null, ActionType.UNCHANGED, Reasons.PRUNE_GUARD_EMPTY),
                new OrphanCase("nothing is pruned when the fetch failed", true, true, true, false, null,
                        ActionType.UNCHANGED, Reasons.PRUNE_GUARD_SOURCE),
                new OrphanCase("the daemon's own app is never pruned", true, true, true, true, "old",
                        ActionType.UNCHANGED, Reasons.SELF_APP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("orphanCases")
    void decidesWhatHappensToAnAppWhoseFolderIsGone(OrphanCase c) {
        Map<String, Object> oldConfig = Stamps.apply(compose("redis:7"), new Stamp(URL, "stacks/old", "r0", "h"));
        List<LiveApp> live = List.of(LiveApp.observe("default", new App("old", AppState.RUNNING, true, "1.0.0",
                List.of(), List.of(), oldConfig, JsonNodeFactory.instance.objectNode())));
        Inventory inv = Inventory.empty().with(new InventoryEntry("default", "old", "stacks/old", "h", "r0",
                c.stackPrune(), DesiredState.RUNNING, NOW));
        List<DesiredStack> stacks = c.anyStackLeft() ? List.of(Fixtures.desired("web", V1, with().build())) : List.of();
        PlanInput in = new PlanInput(URL, REV, c.fresh(), stacks, Map.of("default", live), Set.of("default"), Map.of(),
                inv, Map.of(), Set.of(), c.globalPrune(), Optional.ofNullable(c.selfApp()), Set.of(), NOW);

        Action a = Planner.plan(in).action("old").orElseThrow();

        assertThat(a.type()).as(c.name()).isEqualTo(c.type());
        assertThat(a.reason().code()).as(c.name()).isEqualTo(c.reason());
        assertThat(a.drift()).containsExactly(DriftKind.ORPHAN);
    }

    @Test
    void anUnstampedAppWithoutAFolderIsNeverListedOrDeleted() {
        List<LiveApp> live = List.of(LiveApp.observe("default", new App("handmade", AppState.RUNNING, true, "1.0.0",
                List.of(), List.of(), compose("busybox"), JsonNodeFactory.instance.objectNode())));
        PlanInput in = new PlanInput(URL, REV, true, List.of(Fixtures.desired("web", V1, with().build())),
                Map.of("default", live), Set.of("default"), Map.of(), Inventory.empty(), Map.of(), Set.of(), true,
                Optional.empty(), Set.of(), NOW);

        assertThat(Planner.plan(in).action("handmade")).isEmpty();
    }

    @Test
    void dependenciesComeFirstAndACycleBlocksOnlyItsMembers() {
        List<DesiredStack> stacks = List.of(
                Fixtures.desired("app", V1, with().dependsOn("db").build()),
                Fixtures.desired("db", V1, with().dependsOn("cache").build()),
                Fixtures.desired("cache", V1, with().build()),
                Fixtures.desired("x", V1, with().dependsOn("y").build()),
                Fixtures.desired("y", V1, with().dependsOn("x").build()),
                Fixtures.desired("z", V1, with().dependsOn("nowhere").build()));

        Plan plan = Planner.plan(input(stacks, List.of(), Inventory.empty(), false, Map.of(), Set.of()));

        List<String> order = plan.actions().stream().map(Action::stack).toList();
        assertThat(order.indexOf("cache")).isLessThan(order.indexOf("db"));
        assertThat(order.indexOf("db")).isLessThan(order.indexOf("app"));
        assertThat(plan.action("x").orElseThrow().reason().code()).isEqualTo(Reasons.DEPENDENCY_CYCLE);
        assertThat(plan.action("y").orElseThrow().reason().code()).isEqualTo(Reasons.DEPENDENCY_CYCLE);
        assertThat(plan.action("z").orElseThrow().reason().code()).isEqualTo(Reasons.DEPENDENCY_NOT_FOUND);
        assertThat(plan.action("app").orElseThrow().type()).isEqualTo(ActionType.CREATE);
    }

    @Test
    void aDependentOfABlockedStackIsBlockedAsNotReady() {
        List<DesiredStack> stacks = List.of(
                Fixtures.desired("app", V1, with().dependsOn("db").build()),
                Fixtures.desired("db", V1, with().suspend().build()));

        Plan plan = Planner.plan(input(stacks, List.of(), Inventory.empty(), false, Map.of(), Set.of()));

        assertThat(plan.action("app").orElseThrow().reason().code()).isEqualTo(Reasons.DEPENDENCY_NOT_READY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selfAppCases")
    void aStackNamingTheDaemonsOwnAppIsBlockedWhateverItsStackYamlSays(String name, StackSettings settings,
            Optional<String> configured, Set<String> detected) {
        List<LiveApp> live = List.of(LiveApp.observe("default", new App("truenas-gitops", AppState.RUNNING, true,
                "1.0.0", List.of(), List.of(), compose("truenas-gitops:0.1"), JsonNodeFactory.instance.objectNode())));
        PlanInput in = PlanInput.builder().sourceUrl(URL).revision(REV).sourceFresh(true)
                .stacks(List.of(Fixtures.desired("truenas-gitops", V1, settings))).live(Map.of("default", live))
                .targets(Set.of("default")).prune(true).selfAppName(configured).selfApps(detected).now(NOW).build();

        Action a = Planner.plan(in).action("truenas-gitops").orElseThrow();

        assertThat(a.type()).as(name).isEqualTo(ActionType.BLOCKED);
        assertThat(a.reason().code()).as(name).isEqualTo(Reasons.SELF_APP);
        assertThat(a.reason().message()).as(name).contains("the daemon's own app", "docs/install.md")
                .doesNotContain("set adopt: true");
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> selfAppCases() {
        var args = (java.util.function.Function<Object[], org.junit.jupiter.params.provider.Arguments>)
                org.junit.jupiter.params.provider.Arguments::of;
        return Stream.of(
                args.apply(new Object[] {"configured self name, adopt: true", with().adopt().build(),
                        Optional.of("truenas-gitops"), Set.of()}),
                args.apply(new Object[] {"configured self name, no adopt (never the NotOwned hint)", with().build(),
                        Optional.of("truenas-gitops"), Set.of()}),
                args.apply(new Object[] {"configured self name, suspended", with().suspend().build(),
                        Optional.of("truenas-gitops"), Set.of()}),
                args.apply(new Object[] {"detected from its containers, adopt: true", with().adopt().build(),
                        Optional.empty(), Set.of("truenas-gitops")}));
    }

    @Test
    void anUnreachableTargetBlocksItsStacksAndPrunesNothingThere() {
        PlanInput in = new PlanInput(URL, REV, true, List.of(Fixtures.desired("web", V1, with().build())), Map.of(),
                Set.of("default"), Map.of("default", "connection refused"), Inventory.empty(), Map.of(), Set.of(),
                true, Optional.empty(), Set.of(), NOW);

        Plan plan = Planner.plan(in);

        assertThat(plan.action("web").orElseThrow().reason().code()).isEqualTo(Reasons.TARGET_UNREACHABLE);
        assertThat(plan.warnings()).anyMatch(w -> w.contains("connection refused"));
        assertThat(plan.hasChanges()).isFalse();
    }

    @Test
    void aTargetWhoseAppsServiceIsDownBlocksItsStacksWithoutDriftAndPrunesNothingThere() {
        // live app "old" is stamped by us and has no folder: with Docker up and prune on it would be deleted
        Map<String, Object> oldLive = Stamps.apply(Fixtures.rendered(V1).compose(), new Stamp(URL, "stacks/old", "x", H1));
        List<LiveApp> live = List.of(LiveApp.observe("default", new App("old", AppState.RUNNING, true, "1.0.0",
                List.of(), List.of(), oldLive, JsonNodeFactory.instance.objectNode())));
        Inventory inv = Inventory.empty().with(applied(H1, DesiredState.RUNNING));
        PlanInput in = new PlanInput(URL, REV, true, List.of(Fixtures.desired("web", V1, with().selfHeal().build())),
                Map.of("default", live), Set.of("default"), Map.of(), inv, Map.of(), Set.of(), true, Optional.empty(),
                Set.of(), NOW, Map.of("default", new io.truenasgitops.truenas.DockerStatus("FAILED",
                        "Application(s) have failed to start:\nFailed to start docker service")));

        Plan plan = Planner.plan(in);

        Action web = plan.action("web").orElseThrow();
        assertThat(web.type()).isEqualTo(ActionType.BLOCKED);
        assertThat(web.reason().code()).isEqualTo(Reasons.DOCKER_NOT_RUNNING);
        assertThat(web.drift()).as("an app hidden by a stopped Docker is not 'missing'").isEmpty();
        assertThat(web.reason().message()).contains("stack 'web'", "target 'default' is FAILED",
                "(Application(s) have failed to start: Failed to start docker service)", "alerts",
                "reconciliation resumes automatically").doesNotContain("\n");
        assertThat(plan.action("old")).as("no orphan is planned on that target").isEmpty();
        assertThat(plan.hasChanges()).isFalse();
        assertThat(plan.inSync()).isFalse();
        assertThat(plan.warnings()).anyMatch(w -> w.contains("is FAILED") && w.contains("nothing is planned"));
    }

    @Test
    void aCommitAfterAnOwnFailedApplyThatLeftTheAppStoppedUpdatesAndStartsIt() {
        // the update to V2 failed and left the app stopped with V2 written; Git goes back to V1
        List<LiveApp> live = List.of(LiveApp.observe("default", new App("web", AppState.STOPPED, true, "1.0.0",
                List.of(), List.of(), Live.ours(AppState.STOPPED, V2).config(), JsonNodeFactory.instance.objectNode())));
        Inventory inv = Inventory.empty().with(applied(H1, DesiredState.RUNNING));
        StackStatus.Builder b = StackStatus.initial("web", "default", "stacks/web").toBuilder();
        b.failedApply = new FailedApply("badbadbadbad0000", H2, ActionType.UPDATE, Reasons.APPLY_FAILED, NOW);
        DesiredStack web = Fixtures.desired("web", V1, with().build());

        Action remembered = Planner.plan(input(List.of(web), live, inv, false, Map.of("web", b.build()), Set.of()))
                .action("web").orElseThrow();
        Action forgotten = Planner.plan(input(List.of(web), live, inv, false, Map.of(), Set.of()))
                .action("web").orElseThrow();

        assertThat(remembered.type()).isEqualTo(ActionType.UPDATE);
        assertThat(remembered.enforceState()).as("started after the update").isTrue();
        assertThat(remembered.reason().message()).contains("because the update of badbadbadbad failed (ApplyFailed)")
                .doesNotContain("reported only");
        assertThat(forgotten.enforceState()).as("a stop nobody remembers causing is a person's").isFalse();
        assertThat(forgotten.reason().message()).contains("reported only");
    }

    @Test
    void aStalledApplyIsHeldUntilTheSituationChangesUnlessForced() {
        DesiredStack web = Fixtures.desired("web", V1, with().build());
        String fp = Planner.fingerprint(web, null, DesiredState.RUNNING);
        StackStatus stalled = StackStatus.initial("web", "default", "stacks/web").toBuilder().build()
                .withCondition(new Condition(Condition.STALLED, Condition.Status.TRUE, Reasons.JOB_FAILED, "boom", NOW));
        StackStatus.Builder b = stalled.toBuilder();
        b.stalledFingerprint = fp;
        b.lastError = "job 3 failed";
        Map<String, StackStatus> statuses = Map.of("web", b.build());

        Action held = Planner.plan(input(List.of(web), List.of(), Inventory.empty(), false, statuses, Set.of()))
                .action("web").orElseThrow();
        Action forced = Planner.plan(input(List.of(web), List.of(), Inventory.empty(), false, statuses, Set.of("web")))
                .action("web").orElseThrow();
        DesiredStack changed = Fixtures.desired("web", V2, with().build());
        Action afterChange = Planner.plan(input(List.of(changed), List.of(), Inventory.empty(), false, statuses,
                Set.of())).action("web").orElseThrow();

        assertThat(held.type()).isEqualTo(ActionType.BLOCKED);
        assertThat(held.reason().code()).isEqualTo(Reasons.STALLED);
        assertThat(held.reason().message()).contains("job 3 failed");
        assertThat(forced.type()).isEqualTo(ActionType.CREATE);
        assertThat(afterChange.type()).isEqualTo(ActionType.CREATE);
    }

    @Test
    void theStampRevisionAloneIsNoReasonToUpdate() {
        Map<String, Object> live = Stamps.apply(Fixtures.rendered(V1).compose(), new Stamp(URL, "stacks/web",
                "an-older-revision", H1));
        List<LiveApp> apps = List.of(LiveApp.observe("default", new App("web", AppState.RUNNING, true, "1.0.0",
                List.of(), List.of(), live, JsonNodeFactory.instance.objectNode())));

        Plan plan = Planner.plan(input(List.of(Fixtures.desired("web", V1, with().build())), apps,
                Inventory.empty().with(applied(H1, DesiredState.RUNNING)), false, Map.of(), Set.of()));

        assertThat(plan.action("web").orElseThrow().type()).isEqualTo(ActionType.UNCHANGED);
        assertThat(plan.inSync()).isTrue();
    }

    @Test
    void anUnchangedStackWithASecretHasNoDiffNotEvenAMaskedOne() {
        Map<String, Object> withSecret = new java.util.LinkedHashMap<>(compose("postgres:17"));
        withSecret.put("services", Map.of("app", Map.of("image", "postgres:17", "environment",
                Map.of("POSTGRES_PASSWORD", "hunter2-secret"))));
        Map<String, Object> normalised = io.truenasgitops.compose.ComposeNormalizer.normalize(withSecret);
        io.truenasgitops.compose.SecretMasker masker = io.truenasgitops.compose.SecretMasker.of(List.of("hunter2-secret"));
        io.truenasgitops.compose.RenderedCompose rendered = new io.truenasgitops.compose.RenderedCompose(normalised,
                io.truenasgitops.compose.ContentHash.of(normalised), masker);
        DesiredStack desired = new DesiredStack("web", "stacks/web", with().build(), rendered, List.of());
        Map<String, Object> live = Stamps.apply(normalised, new Stamp(URL, "stacks/web", "old", rendered.hash()));
        List<LiveApp> apps = List.of(LiveApp.observe("default", new App("web", AppState.RUNNING, true, "1.0.0",
                List.of(), List.of(), live, JsonNodeFactory.instance.objectNode())));
        InventoryEntry entry = new InventoryEntry("default", "web", "stacks/web", rendered.hash(), "old", false,
                DesiredState.RUNNING, NOW, LiveMasking.secretPaths(normalised, masker));
        assertThat(entry.secretPaths()).isNotEmpty();

        Action action = Planner.plan(input(List.of(desired), apps, Inventory.empty().with(entry), false, Map.of(),
                Set.of())).action("web").orElseThrow();

        assertThat(action.type()).isEqualTo(ActionType.UNCHANGED);
        assertThat(action.diff().isEmpty()).isTrue();
        assertThat(action.diff().unified()).isEmpty();
    }

    private static PlanInput input(List<DesiredStack> stacks, List<LiveApp> live, Inventory inv, boolean prune,
            Map<String, StackStatus> statuses, Set<String> forced) {
        return PlanInput.builder().sourceUrl(URL).revision(REV).sourceFresh(true).stacks(stacks)
                .live(Map.of("default", live)).targets(Set.of("default")).inventory(inv).statuses(statuses).prune(prune)
                .forced(forced).now(NOW).build();
    }
}
