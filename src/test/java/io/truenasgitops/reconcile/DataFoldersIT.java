package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import io.truenasgitops.truenas.StorageApiClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon creates the missing data folders of a stack on the NAS before its app, owned as the service runs,
 * through the middleware; what exists is never touched, and a second pass writes nothing.
 */
class DataFoldersIT {

    static final String DB = """
            services:
              db:
                image: postgres:16
                user: "999:999"
                volumes:
                  - ./data:/var/lib/postgresql/data
            """;
    static final List<String> STORAGE_WRITES = List.of("filesystem.mkdir", "filesystem.chown", "pool.dataset.create");

    @TempDir
    Path tmp;

    EmulatedSetup setup;
    TrueNasEmulator emulator;
    Reconciler engine;

    @BeforeEach
    void setUp() throws Exception {
        setup = EmulatedSetup.start(tmp);
        emulator = setup.emulator;
        emulator.storage().seedDataset("tank/apps");
        engine = engine("/mnt/tank/apps");
    }

    Reconciler engine(String base) {
        StorageApiClient storage = new StorageApiClient(() -> setup.client);
        StacksOptions options = new StacksOptions("stacks", null, Path.of(base));
        return setup.engine(setup.config()).scanner(root -> StackRepository.scan(root, options))
                .storage("default", new TargetStorage(storage, storage, storage)).build();
    }

    static List<String> creates(Plan plan, String stack) {
        return plan.actions().stream().filter(a -> a.stack().equals(stack)).findFirst().orElseThrow().creates();
    }

    @Test
    void thePlanListsTheDataFoldersACreateWouldMakeAndNoneThatAreThere() throws Exception {
        setup.git.write("stacks/db/compose.yaml", DB);
        setup.git.commit("db");

        assertThat(creates(engine.plan(), "db")).containsExactly("data folder /mnt/tank/apps/db/data (owner 999:999)");
        assertThat(storageWrites()).as("a plan writes nothing").isZero();

        engine.syncOnce(SyncOptions.all());
        setup.git.write("stacks/db/compose.yaml", DB.replace("postgres:16", "postgres:17"));
        setup.git.commit("db 17");

        Plan update = engine.plan();
        assertThat(update.actions()).filteredOn(a -> a.stack().equals("db")).extracting(Action::type)
                .containsExactly(ActionType.UPDATE);
        assertThat(creates(update, "db")).isEmpty();
    }

    @Test
    void aMissingHostBasePathIsMadeWhenItsParentIsThereAndNothingAboveItEver() throws Exception {
        engine.close();
        engine = engine("/mnt/tank/newapps");
        setup.git.write("stacks/db/compose.yaml", DB);
        setup.git.commit("db");

        engine.syncOnce(SyncOptions.all());

        assertThat(emulator.filesystem().entry("/mnt/tank/newapps")).hasValueSatisfying(e ->
                assertThat(e.uid()).isZero());
        assertThat(emulator.filesystem().entry("/mnt/tank/newapps/db/data")).hasValueSatisfying(e ->
                assertThat(e.uid()).isEqualTo(999));

        engine.close();
        engine = engine("/mnt/nopool/apps");
        emulator.calls().reset();
        engine.syncOnce(SyncOptions.all());

        assertThat(storageWrites()).isZero();
        assertThat(engine.status("db")).hasValueSatisfying(s -> assertThat(s.lastReason().message())
                .contains("the host base path /mnt/nopool/apps does not exist on the NAS, nor /mnt/nopool above it"));
    }

    @AfterEach
    void tearDown() {
        engine.close();
        setup.close();
    }

    int storageWrites() {
        return STORAGE_WRITES.stream().mapToInt(m -> emulator.calls().count(m)).sum();
    }

    @Test
    void aStacksDataFolderIsCreatedWithItsServicesOwnerBeforeTheAppAndASecondPassWritesNothing() throws Exception {
        setup.git.write("stacks/db/compose.yaml", DB);
        setup.git.commit("db");

        engine.syncOnce(SyncOptions.all());

        assertThat(emulator.filesystem().entry("/mnt/tank/apps/db/data")).hasValueSatisfying(e -> {
            assertThat(e.uid()).isEqualTo(999);
            assertThat(e.gid()).isEqualTo(999);
        });
        assertThat(emulator.filesystem().entry("/mnt/tank/apps/db")).as("the level between is made, root's")
                .hasValueSatisfying(e -> assertThat(e.uid()).isZero());
        assertThat(emulator.calls().count("filesystem.mkdir")).isEqualTo(2);
        assertThat(emulator.calls().count("filesystem.chown")).as("only the folder itself").isEqualTo(1);
        List<String> order = emulator.calls().methods().stream()
                .filter(m -> m.equals("filesystem.chown") || m.equals("app.create")).toList();
        assertThat(order).as("the folder is there before the app").containsExactly("filesystem.chown", "app.create");
        assertThat(emulator.apps().get("db")).isPresent();

        emulator.calls().reset();
        engine.syncOnce(SyncOptions.all());

        assertThat(storageWrites()).isZero();
        assertThat(emulator.calls().count("app.update")).isZero();
    }

    @Test
    void anUpdateFindsTheFolderThereAndNeverChownsWhatTheUserOwns() throws Exception {
        emulator.filesystem().seedDirectory("/mnt/tank/apps/db", 0, 0).seedDirectory("/mnt/tank/apps/db/data", 1000,
                1000);
        setup.git.write("stacks/db/compose.yaml", DB);
        setup.git.commit("db");

        engine.syncOnce(SyncOptions.all());

        assertThat(storageWrites()).isZero();
        assertThat(emulator.calls().count("app.create")).isEqualTo(1);
        assertThat(emulator.filesystem().entry("/mnt/tank/apps/db/data")).hasValueSatisfying(e ->
                assertThat(e.uid()).as("never chowned").isEqualTo(1000));
    }

    @Test
    void aFolderThatCannotBeCreatedFailsThatStackAloneNamingTheRole() throws Exception {
        emulator.filesystem().withoutRole("FILESYSTEM_DATA_WRITE");
        setup.git.write("stacks/db/compose.yaml", DB);
        setup.git.write("stacks/web/compose.yaml", "services:\n  web:\n    image: nginx:1.27\n");
        setup.git.commit("db and web");

        engine.syncOnce(SyncOptions.all());

        assertThat(emulator.apps().get("web")).isPresent();
        assertThat(emulator.apps().get("db")).isEmpty();
        assertThat(engine.status("db")).hasValueSatisfying(s -> {
            assertThat(s.lastReason().code()).isEqualTo(Reasons.DATA_FOLDER_FAILED);
            assertThat(s.lastReason().message()).contains("data folder /mnt/tank/apps/db/data of app 'db' could not"
                    + " be created, so the app was not created").contains("lacks the role FILESYSTEM_DATA_WRITE");
        });
    }

    @Test
    void dataFoldersDatasetCreatesADatasetUnderTheStacksDatasetOrSaysWhyNot() throws Exception {
        setup.git.write("stacks/db/compose.yaml", DB).write("stacks/db/stack.yaml", "dataFolders: dataset\n");
        setup.git.commit("db");

        engine.syncOnce(SyncOptions.all());

        assertThat(engine.status("db")).hasValueSatisfying(s -> assertThat(s.lastReason().message())
                .contains("dataFolders: dataset needs /mnt/tank/apps/db to be a dataset"));
        assertThat(storageWrites()).isZero();

        emulator.storage().seedDataset("tank/apps/db");
        engine.syncOnce(SyncOptions.only(java.util.Set.of("db"))); // as 'sync --stack db' after the fix

        assertThat(emulator.storage().datasets()).extracting(d -> d.name()).contains("tank/apps/db/data");
        assertThat(emulator.filesystem().entry("/mnt/tank/apps/db/data")).hasValueSatisfying(e ->
                assertThat(e.uid()).isEqualTo(999));
        assertThat(emulator.apps().get("db")).isPresent();
    }
}
