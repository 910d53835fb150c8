package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code demo} and {@code emulator --app-datasets}: a dataset of its own per stack folder. */
class AppDatasetsTest {

    @Test
    void eachExampleStackGetsADatasetOfItsOwnUnderTankApps() throws Exception {
        EmulatedStorage storage = new EmulatedStorage(java.util.Set::of);

        assertThat(storage.seedAppDatasets(Path.of("stacks-example/stacks"))).containsExactly("tank/apps/jellyfin",
                "tank/apps/monitoring", "tank/apps/nextcloud", "tank/apps/traefik");
        assertThat(storage.datasets()).extracting(EmulatedStorage.DatasetView::name, EmulatedStorage.DatasetView::mountpoint)
                .contains(org.assertj.core.groups.Tuple.tuple("tank/apps", "/mnt/tank/apps"),
                        org.assertj.core.groups.Tuple.tuple("tank/apps/monitoring", "/mnt/tank/apps/monitoring"));
        assertThat(storage.seedAppDatasets(Path.of("no/such/folder"))).isEmpty();
    }
}
