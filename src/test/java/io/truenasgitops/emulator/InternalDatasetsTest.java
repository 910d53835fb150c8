package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** pool.dataset.query hides what the middleware's internal-dataset filters hide (plugins/pool_/dataset.py). */
class InternalDatasetsTest {

    @ParameterizedTest(name = "{0} hidden: {1}")
    @CsvSource({
        "tank, false",
        "tank/apps/web, false",
        "tank/apps/ix-apps-notes, true", // the filter is a substring match (rnin), so the middleware hides it too
        "tank/ix-apps, true",
        "tank/ix-apps/app_mounts/web, true",
        "tank/ix-apps/app_mounts/web/data, true",
        "tank/.system, true",
        "tank/.system/cores, true",
        "tank/ix-applications, true",
        "tank/ix-applications/releases, true",
        "tank/.ix-virt, true",
        "tank/.truenas_containers, true",
        "boot-pool/ROOT, true",
        "freenas-boot, true"})
    void poolDatasetQueryHidesTheMiddlewaresInternalDatasets(String id, boolean hidden) {
        assertThat(StorageMethods.internal(id)).as(id).isEqualTo(hidden);
    }
}
