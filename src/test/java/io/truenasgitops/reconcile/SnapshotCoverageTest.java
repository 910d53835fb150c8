package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.reconcile.SnapshotCoverage.Finding;
import io.truenasgitops.reconcile.SnapshotCoverage.Kind;
import io.truenasgitops.truenas.Dataset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a snapshot policy cannot protect, from a stack's volumes, the other stacks' paths and the datasets. */
class SnapshotCoverageTest {

    /** What pool.dataset.query shows on the usual layout: tank, tank/apps, and one stack with a dataset of its own. */
    static final Optional<List<Dataset>> DATASETS = Optional.of(List.of(
            new Dataset("tank", "tank", "/mnt/tank"),
            new Dataset("tank/apps", "tank", "/mnt/tank/apps"),
            new Dataset("tank/apps/web", "tank", "/mnt/tank/apps/web"),
            new Dataset("tank/media", "tank", "/mnt/tank/media")));

    static Map<String, Object> compose(Object... volumes) {
        return Map.of("services", Map.of("app", Map.of("image", "busybox", "volumes", List.of(volumes))));
    }

    static Map<String, Object> bind(String source, boolean readOnly) {
        return readOnly ? Map.of("type", "bind", "source", source, "target", "/x", "read_only", true)
                : Map.of("type", "bind", "source", source, "target", "/x");
    }

    @Test
    void dataOnADatasetOfItsOwnIsProtected() {
        assertThat(SnapshotCoverage.check("web", compose(bind("/mnt/tank/apps/web/data", false)),
                Map.of("jellyfin", List.of("/mnt/tank/media/movies")), DATASETS)).isEmpty();
    }

    @Test
    void aDatasetAnotherStackMountsTooIsShared() {
        List<Finding> f = SnapshotCoverage.check("nextcloud", compose(bind("/mnt/tank/apps/nextcloud/html", false)),
                Map.of("jellyfin", List.of("/mnt/tank/apps/jellyfin/config")), DATASETS);

        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.kind()).isEqualTo(Kind.SHARED);
            assertThat(x.dataset()).isEqualTo("tank/apps");
            assertThat(x.other()).isEqualTo("jellyfin");
            assertThat(x.message()).contains("/mnt/tank/apps/nextcloud/html").contains("'tank/apps'")
                    .contains("'jellyfin'");
        });
    }

    @Test
    void aReadOnlyMountOfAnotherStackSharesTheDatasetToo() {
        List<Finding> f = SnapshotCoverage.check("web", compose(bind("/mnt/tank/apps/web/data", false)),
                Map.of("backup", List.of("/mnt/tank/apps/web")), DATASETS);

        assertThat(f).extracting(Finding::kind, Finding::other).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Kind.SHARED, "backup"));
    }

    @Test
    void aFolderAnotherStackMountsThatHoldsThePathIsSharedWhateverTheDatasets() {
        List<Finding> f = SnapshotCoverage.check("web", compose(bind("/mnt/tank/apps/web/data", false)),
                Map.of("filebrowser", List.of("/mnt/tank/apps")), DATASETS);

        assertThat(f).extracting(Finding::kind).containsExactly(Kind.SHARED);
        assertThat(SnapshotCoverage.check("web", compose(bind("/mnt/tank/apps/web/data", false)),
                Map.of("filebrowser", List.of("/mnt/tank/apps")), Optional.empty()))
                .as("told offline too").extracting(Finding::kind).containsExactly(Kind.SHARED);
    }

    @Test
    void thePoolRootOutsideMntIxAppsAndNamedVolumesCannotBeProtected() {
        List<Finding> f = SnapshotCoverage.check("web", compose(bind("/mnt/tank/loose", false), "/srv/web:/srv",
                "/mnt/.ix-apps/app_mounts/web/data:/d", "/mnt/nopool/x:/y", "cache:/cache"), Map.of(), DATASETS);

        assertThat(f).extracting(Finding::kind, Finding::path).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(Kind.POOL_ROOT, "/mnt/tank/loose"),
                org.assertj.core.groups.Tuple.tuple(Kind.OUTSIDE_MNT, "/srv/web"),
                org.assertj.core.groups.Tuple.tuple(Kind.IX_APPS, "/mnt/.ix-apps/app_mounts/web/data"),
                org.assertj.core.groups.Tuple.tuple(Kind.NO_DATASET, "/mnt/nopool/x"),
                org.assertj.core.groups.Tuple.tuple(Kind.NAMED_VOLUME, "cache"));
    }

    @Test
    void readOnlyBindsAndTheHostsRuntimeFilesAreNotData() {
        assertThat(SnapshotCoverage.check("web", compose(bind("/mnt/tank/loose", true), "/etc/localtime:/etc/localtime:ro",
                "/var/run/docker.sock:/var/run/docker.sock", "/dev/dri:/dev/dri", "/srv/config:/config:ro"),
                Map.of(), DATASETS)).isEmpty();
    }

    @Test
    void withoutTheDatasetsOnlyWhatCanBeToldOfflineIsFound() {
        List<Finding> f = SnapshotCoverage.check("web", compose(bind("/mnt/tank/loose", false), "/srv/web:/srv",
                "cache:/cache"), Map.of("jellyfin", List.of("/mnt/tank/apps/jellyfin")), Optional.empty());

        assertThat(f).extracting(Finding::kind).containsExactlyInAnyOrder(Kind.OUTSIDE_MNT, Kind.NAMED_VOLUME);
    }

    @Test
    void theHeldBackMessageSaysWhichPathWhyAndBothFixes() {
        List<Finding> f = SnapshotCoverage.check("nextcloud", compose(bind("/mnt/tank/apps/nextcloud/html", false)),
                Map.of("jellyfin", List.of("/mnt/tank/apps/jellyfin/config")), DATASETS);

        assertThat(SnapshotCoverage.heldBack("nextcloud", "stacks/nextcloud", "updated", f))
                .contains("app 'nextcloud' is not updated").contains("/mnt/tank/apps/nextcloud/html")
                .contains("'tank/apps'").contains("a dataset of its own")
                .contains("snapshot: {required: false} in stacks/nextcloud/stack.yaml");
    }
}
