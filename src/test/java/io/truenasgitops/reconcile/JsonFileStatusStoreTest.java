package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.stacks.StackSettings.DesiredState;
import io.truenasgitops.truenas.AppState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The persisted state: round trip, atomic replacement, and clear errors. */
class JsonFileStatusStoreTest {

    @TempDir
    Path dir;

    static final Instant T = Instant.parse("2026-11-26T06:00:00Z");

    static PersistedState sample() {
        StackStatus s = StackStatus.initial("web", "default", "stacks/web").toBuilder().build()
                .withCondition(new Condition(Condition.READY, Condition.Status.TRUE, "UpToDate", "matches abc", T));
        StackStatus.Builder b = s.toBuilder();
        b.health = HealthStatus.HEALTHY;
        b.liveState = AppState.RUNNING;
        b.lastAppliedRevision = "abc";
        b.lastAppliedHash = "h";
        b.lastAppliedAt = T;
        b.drift = Set.of(DriftKind.CONFIG);
        b.lastAction = ActionType.UPDATE;
        b.lastReason = Reason.of("UpToDate", "matches abc");
        Inventory inv = Inventory.empty().with(new InventoryEntry("default", "web", "stacks/web", "h", "abc", true,
                DesiredState.RUNNING, T));
        return new PersistedState(1, Map.of("web", b.build()), inv, Set.of("db"),
                List.of(new Event(T, "web", Event.Type.NORMAL, "ReconciliationSucceeded", "updated", "abc")),
                Map.of("web", List.of(new HistoryEntry(1, T, HistoryEntry.Kind.APPLIED, HistoryEntry.Operation.UPDATE,
                        "abc", "aaa", Reason.of("ReconciliationSucceeded", "updated"), TriggerReason.WEBHOOK, 1),
                        new HistoryEntry(2, T, HistoryEntry.Kind.ROLLED_BACK, HistoryEntry.Operation.ROLLBACK, "aaa",
                                "abc", Reason.of("RolledBack", "rolled back"), TriggerReason.CLI, 1))));
    }

    @Test
    void whatIsSavedIsLoadedBackUnchanged() {
        JsonFileStatusStore store = new JsonFileStatusStore(dir);
        PersistedState state = sample();

        store.save(state);

        assertThat(new JsonFileStatusStore(dir).load()).isEqualTo(state);
    }

    @Test
    void aFileWrittenBeforeTheHistoryExistedLoadsWithAnEmptyHistory() throws Exception {
        JsonFileStatusStore store = new JsonFileStatusStore(dir);
        store.save(sample());
        String json = Files.readString(store.file());
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        tree.remove("history");
        Files.writeString(store.file(), tree.toString());

        PersistedState loaded = store.load();

        assertThat(loaded.history()).isEmpty();
        assertThat(loaded.stacks()).containsKey("web");
    }

    @Test
    void aMissingFileIsAnEmptyState() {
        assertThat(new JsonFileStatusStore(dir.resolve("never-written")).load()).isEqualTo(PersistedState.empty());
    }

    @Test
    void savingReplacesTheFileAndLeavesNoTemporaryFilesBehind() throws Exception {
        JsonFileStatusStore store = new JsonFileStatusStore(dir);
        store.save(PersistedState.empty());
        store.save(sample());

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(JsonFileStatusStore.FILE_NAME);
        }
        assertThat(store.load().stacks()).containsKey("web");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{ not json", "null", "", "[1, 2]"})
    void aCorruptFileIsKeptAsideAndTheStateStartsEmpty(String content) throws Exception {
        Files.writeString(dir.resolve(JsonFileStatusStore.FILE_NAME), content);

        PersistedState loaded = new JsonFileStatusStore(dir).load();

        assertThat(loaded).isEqualTo(PersistedState.empty());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).singleElement()
                    .satisfies(n -> assertThat(n).startsWith(JsonFileStatusStore.FILE_NAME + ".corrupt-"));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(Files.readString(files.findFirst().orElseThrow())).isEqualTo(content);
        }
    }

    @Test
    void aFileFromANewerVersionIsRefusedNotSetAside() throws Exception {
        Files.writeString(dir.resolve(JsonFileStatusStore.FILE_NAME), "{\"version\": 999}");

        assertThatThrownBy(() -> new JsonFileStatusStore(dir).load()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("newer than this truenas-gitops understands");
        assertThat(dir.resolve(JsonFileStatusStore.FILE_NAME)).exists();
    }
}
