package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.Release;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The typed datasets and snapshots client against the emulator, per release: the method names, the order of
 * snapshots, and the ZFS refusals as typed errors.
 */
class StorageApiClientIT {

    TrueNasEmulator emulator;
    TrueNasClient client;
    StorageApiClient storage;

    void start(Release release) {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withRelease(release));
        emulator.storage().seedDataset("tank/apps/db");
        client = TrueNasClient.connect(ConnectionSettings.builder(release == Release.V24_10 ? emulator.legacyUrl()
                        : emulator.url()).apiKey(emulator.apiKey()).username(emulator.username())
                .tlsFingerprint(emulator.tlsFingerprint()).build());
        storage = new StorageApiClient(() -> client);
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Release.class)
    void everyReleaseListsDatasetsAndSnapshotsInCreationOrder(Release release) {
        start(release);

        storage.create("tank/apps/db", "b-first", false);
        storage.create("tank/apps/db", "a-second", false);

        assertThat(storage.list("tank/apps/db")).extracting(DatasetSnapshot::name).containsExactly("b-first", "a-second");
        assertThat(storage.list("tank/apps/db")).extracting(DatasetSnapshot::id)
                .containsExactly("tank/apps/db@b-first", "tank/apps/db@a-second");
        assertThat(storage.dataset("tank/apps/db")).get().extracting(Dataset::mountpoint).isEqualTo("/mnt/tank/apps/db");
        assertThat(storage.dataset("tank/nope")).isEmpty();
        String namespace = release.atLeast(Release.V25_10) ? "pool.snapshot" : "zfs.snapshot";
        assertThat(emulator.calls().count(namespace + ".create")).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(value = Release.class, names = {"V25_10", "V26_0", "V27_0"})
    void aRollbackBringsTheDataBackAndIsRefusedWhileNewerSnapshotsExist(Release release) {
        start(release);
        emulator.storage().write("tank/apps/db", "v1");
        storage.create("tank/apps/db", "one", false);
        emulator.storage().write("tank/apps/db", "v2");
        storage.create("tank/apps/db", "two", false);
        emulator.storage().write("tank/apps/db", "v3");

        assertThatThrownBy(() -> storage.rollback("tank/apps/db@one", false))
                .isInstanceOfSatisfying(NewerSnapshotsExistException.class,
                        e -> assertThat(e.newer()).containsExactly("tank/apps/db@two"))
                .hasMessageContaining("failed to roll back to snapshot 'tank/apps/db@one': newer snapshots exist");
        assertThat(emulator.storage().content("tank/apps/db")).isEqualTo("v3");

        storage.rollback("tank/apps/db@one", true);

        assertThat(emulator.storage().content("tank/apps/db")).isEqualTo("v1");
        assertThat(storage.list("tank/apps/db")).extracting(DatasetSnapshot::name).containsExactly("one");
    }

    @ParameterizedTest
    @EnumSource(value = Release.class, names = {"V25_04", "V26_0"})
    void aBusyDatasetAMissingDatasetAndABadNameAreTypedErrors(Release release) {
        start(release);
        storage.create("tank/apps/db", "one", false);
        emulator.storage().setBusy("tank/apps/db", true);

        assertThatThrownBy(() -> storage.rollback("tank/apps/db@one", false)).isInstanceOf(DatasetBusyException.class)
                .hasMessageContaining("stop the app that mounts it first");
        assertThatThrownBy(() -> storage.create("tank/gone", "x", false)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("failed to snapshot dataset 'tank/gone' as 'x': the dataset does not exist");
        assertThatThrownBy(() -> storage.create("tank/apps/db", "bad name", false))
                .isInstanceOf(ValidationException.class).hasMessageContaining("Invalid snapshot name");
        assertThatThrownBy(() -> storage.create("tank/apps/db", "one", false))
                .isInstanceOf(AlreadyExistsException.class);
        assertThatThrownBy(() -> storage.delete("tank/apps/db@never")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> storage.rollback("tank/apps/db@never", false)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aFailingSnapshotSaysWhy() {
        start(Release.V25_10);
        emulator.storage().failNextSnapshot("tank/apps/db", "out of space");

        assertThatThrownBy(() -> storage.create("tank/apps/db", "one", false)).isInstanceOf(TrueNasException.class)
                .hasMessage("failed to snapshot dataset 'tank/apps/db' as 'one': [EFAULT] Failed to snapshot"
                        + " tank/apps/db@one: out of space");
        assertThat(storage.list("tank/apps/db")).isEmpty();
        assertThat(storage.create("tank/apps/db", "one", true).id()).isEqualTo("tank/apps/db@one");
        assertThat(Map.of("snapshots", emulator.storage().snapshots().size())).containsEntry("snapshots", 1);
    }
}
