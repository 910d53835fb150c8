package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The folder calls against the emulator: stat, mkdir (no parents), chown as a job, dataset create; typed errors. */
class FilesystemApiIT {

    TrueNasEmulator emulator;
    TrueNasClient client;
    StorageApiClient fs;

    @BeforeEach
    void start() {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        emulator.storage().seedDataset("tank/apps");
        client = TrueNasClient.connect(ConnectionSettings.builder(emulator.url()).apiKey(emulator.apiKey())
                .username(emulator.username()).tlsFingerprint(emulator.tlsFingerprint()).build());
        fs = new StorageApiClient(() -> client);
    }

    @AfterEach
    void stop() {
        client.close();
        emulator.close();
    }

    @Test
    void aFolderMadeUnderADatasetIsThereAndChownGivesItToItsOwnerThroughAJob() {
        assertThat(fs.stat("/mnt/tank/apps/db")).isEmpty();
        assertThat(fs.stat("/mnt/tank/apps")).hasValueSatisfying(s -> assertThat(s.mountpoint()).isTrue());

        fs.mkdir("/mnt/tank/apps/db", "755");
        fs.chown("/mnt/tank/apps/db", 999, 999);

        assertThat(fs.stat("/mnt/tank/apps/db")).hasValueSatisfying(s -> {
            assertThat(s.type()).isEqualTo("DIRECTORY");
            assertThat(s.uid()).isEqualTo(999);
            assertThat(s.gid()).isEqualTo(999);
        });
        assertThat(emulator.filesystem().entry("/mnt/tank/apps/db")).hasValueSatisfying(e ->
                assertThat(e.mode()).isEqualTo(0755));
        assertThat(emulator.calls().count("filesystem.chown")).isEqualTo(1);
        assertThat(emulator.calls().count("filesystem.mkdir")).isEqualTo(1);
    }

    @Test
    void mkdirMakesNoParentsAndRefusesWhatExistsWithTypedErrors() {
        assertThatThrownBy(() -> fs.mkdir("/mnt/tank/apps/db/data", "755"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("failed to create folder /mnt/tank/apps/db/data");
        assertThatThrownBy(() -> fs.mkdir("/mnt/tank/apps", "755"))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessageContaining("path already exists");
        assertThatThrownBy(() -> fs.mkdir("/etc/evil", "755")).isInstanceOf(TrueNasException.class)
                .hasMessageContaining("path not permitted");
    }

    @Test
    void aMissingRoleIsNotAuthorizedNamingTheRoleToAdd() {
        emulator.filesystem().withoutRole("FILESYSTEM_DATA_WRITE");

        assertThatThrownBy(() -> fs.mkdir("/mnt/tank/apps/db", "755"))
                .isInstanceOf(NotAuthorizedException.class)
                .isInstanceOf(CredentialsProblem.class)
                .hasMessageContaining("the API key's user lacks the role FILESYSTEM_DATA_WRITE");
        assertThat(emulator.filesystem().entry("/mnt/tank/apps/db")).isEmpty();
    }

    @Test
    void aDatasetIsCreatedUnderItsParentAndNotWhereAFolderIsAlready() {
        fs.createDataset("tank/apps/db");

        assertThat(fs.dataset("tank/apps/db")).hasValueSatisfying(d ->
                assertThat(d.mountpoint()).isEqualTo("/mnt/tank/apps/db"));
        assertThat(fs.stat("/mnt/tank/apps/db")).hasValueSatisfying(s -> assertThat(s.mountpoint()).isTrue());
        fs.mkdir("/mnt/tank/apps/web", "755");
        assertThatThrownBy(() -> fs.createDataset("tank/apps/web")).isInstanceOf(ValidationException.class)
                .hasMessageContaining("Path /mnt/tank/apps/web already exists");
        assertThatThrownBy(() -> fs.createDataset("tank/nope/db")).isInstanceOf(TrueNasException.class)
                .hasMessageContaining("Parent dataset (tank/nope) does not exist.");
    }
}
