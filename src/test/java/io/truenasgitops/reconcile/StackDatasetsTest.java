package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.truenas.Dataset;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Mapping a stack's host paths to datasets, and this tool's snapshot names. */
class StackDatasetsTest {

    static final List<Dataset> DATASETS = List.of(
            new Dataset("tank", "tank", "/mnt/tank"),
            new Dataset("tank/apps", "tank", "/mnt/tank/apps"),
            new Dataset("tank/apps/web", "tank", "/mnt/tank/apps/web"),
            new Dataset("tank/apps/shared", "tank", "/mnt/tank/apps/shared"),
            new Dataset("tank/ix-apps", "tank", "/mnt/.ix-apps"),
            new Dataset("tank/ix-apps/app_mounts", "tank", "/mnt/.ix-apps/app_mounts"),
            new Dataset("tank/ix-apps/app_mounts/web", "tank", "/mnt/.ix-apps/app_mounts/web"),
            new Dataset("tank/ix-apps/app_mounts/other", "tank", "/mnt/.ix-apps/app_mounts/other"));

    @Test
    void eachHostPathGoesToTheDatasetWithTheLongestMountpointAndTheIxVolumesDatasetIsAdded() {
        StackDatasets sd = StackDatasets.map("web", List.of("/mnt/tank/apps/web/data", "/mnt/tank/apps/web/config"),
                Map.of(), DATASETS);

        assertThat(sd.datasets()).containsOnlyKeys("tank/apps/web", "tank/ix-apps/app_mounts/web");
        assertThat(sd.datasets().get("tank/apps/web")).containsExactly("/mnt/tank/apps/web/data",
                "/mnt/tank/apps/web/config");
        assertThat(sd.notices()).isEmpty();
    }

    @Test
    void pathsOutsideMntOnAPoolRootOnAnotherStacksDatasetOrInIxAppsAreReportedAndLeftOut() {
        StackDatasets sd = StackDatasets.map("web", List.of("/etc/localtime", "/opt/web", "/mnt/tank/loose-folder",
                "/mnt/tank/apps/shared/media", "/mnt/.ix-apps/docker/volumes/x", "/mnt/nopool/x"),
                Map.of("jellyfin", List.of("/mnt/tank/apps/shared/movies")), DATASETS);

        assertThat(sd.datasets()).containsOnlyKeys("tank/ix-apps/app_mounts/web");
        assertThat(sd.notices()).as("/etc/localtime is the host's clock, not data").extracting(
                StackDatasets.Notice::kind).containsExactly(SnapshotCoverage.Kind.OUTSIDE_MNT,
                SnapshotCoverage.Kind.POOL_ROOT, SnapshotCoverage.Kind.SHARED, SnapshotCoverage.Kind.IX_APPS,
                SnapshotCoverage.Kind.NO_DATASET);
        assertThat(sd.notices().get(2).message()).contains("'tank/apps/shared'").contains("'jellyfin'")
                .endsWith("it is not snapshotted");
    }

    @Test
    void snapshotNamesParseBackOnlyForTheirOwnStack() {
        Instant at = Instant.parse("2026-12-02T03:33:01Z");
        String name = SnapshotNames.name("web", "1a2b3c4d5e6f", at);

        assertThat(name).isEqualTo("truenas-gitops-web-1a2b3c4-20261202T033301Z");
        assertThat(SnapshotNames.parse("web", name)).get().isEqualTo(new SnapshotNames.Parsed("web", "1a2b3c4", at));
        assertThat(SnapshotNames.parse("web", SnapshotNames.name("web-db", "1a2b3c4", at))).isEmpty();
        assertThat(SnapshotNames.parse("web-db", SnapshotNames.name("web", "1a2b3c4", at))).isEmpty();
        assertThat(SnapshotNames.parse("web", "auto-2026-12-02_00-00")).isEmpty();
        assertThat(SnapshotNames.name("web", null, at)).isEqualTo("truenas-gitops-web-norev-20261202T033301Z");
    }

    @Test
    void hostPathsComeFromBindMountsInBothVolumeSyntaxes() {
        Map<String, Object> compose = Map.of("services", Map.of(
                "a", Map.of("volumes", List.of("/mnt/tank/a:/a", "named:/n", Map.of("type", "bind", "source",
                        "/mnt/tank/b/", "target", "/b"))),
                "b", Map.of("volumes", List.of(Map.of("type", "volume", "source", "data", "target", "/d")))));

        assertThat(HostPaths.of(compose)).containsExactly("/mnt/tank/a", "/mnt/tank/b");
    }
}
