package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.stacks.StackSettings.DesiredState;
import io.truenasgitops.truenas.AppState;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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
                List.of(new Event(T, "web", Event.Type.NORMAL, "ReconciliationSucceeded", "updated", "abc")));
    }

    @Test
    void whatIsSavedIsLoadedBackUnchanged() {
        JsonFileStatusStore store = new JsonFileStatusStore(dir);
        PersistedState state = sample();

        store.save(state);

        assertThat(new JsonFileStatusStore(dir).load()).isEqualTo(state);
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

    @Test
    void aCorruptFileIsReportedWithItsPathAndWhatToDo() throws Exception {
        Files.writeString(dir.resolve(JsonFileStatusStore.FILE_NAME), "{ not json");

        assertThatThrownBy(() -> new JsonFileStatusStore(dir).load()).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(JsonFileStatusStore.FILE_NAME).hasMessageContaining("fix or delete");
    }
}
