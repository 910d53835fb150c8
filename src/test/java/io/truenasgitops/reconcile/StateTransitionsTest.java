package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.git.Snapshot;
import io.truenasgitops.reconcile.Reconciler.SourceState;
import io.truenasgitops.reconcile.Reconciler.TargetState;
import io.truenasgitops.truenas.DockerStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A change of the source or a target is reported once, with its event; an unchanged situation stays quiet. */
class StateTransitionsTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final Instant EARLIER = NOW.minusSeconds(60);
    private static final String REV = "0123456789abcdef0123456789abcdef01234567";
    private static final Snapshot SNAP = new Snapshot(REV, "0123456", Path.of("/tmp/checkout"), "main", EARLIER,
            "git.example/stacks", "a commit");
    private static final DockerStatus STOPPED = new DockerStatus("STOPPED", "Docker is stopped");
    private static final DockerStatus FAILED = new DockerStatus("FAILED", "Docker failed to start");

    private static SourceState source(String lastError) {
        return new SourceState(REV, "git.example/stacks", EARLIER, lastError, EARLIER);
    }

    record SourceRow(String name, SourceState prev, Snapshot snap, boolean fetched, String error, List<String> reasons) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<SourceRow> sourceRows() {
        return Stream.of(
                new SourceRow("a fetch that works again and again says nothing", source(null), SNAP, true, null,
                        List.of()),
                new SourceRow("the first failure is reported", source(null), SNAP, false, "failed to fetch x: down",
                        List.of(Reasons.FETCH_FAILED)),
                new SourceRow("the same failure again is not", source("failed to fetch x: down"), SNAP, false,
                        "failed to fetch x: down", List.of()),
                new SourceRow("another failure is", source("failed to fetch x: down"), SNAP, false,
                        "failed to fetch x: refused", List.of(Reasons.FETCH_FAILED)),
                new SourceRow("a recovery is reported", source("failed to fetch x: down"), SNAP, true, null,
                        List.of("FetchRecovered")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sourceRows")
    void theSourceReportsEachChangeOnce(SourceRow row) {
        var next = StateTransitions.source(row.prev(), row.snap(), row.fetched(), row.error(), "x", NOW);
        assertThat(next.notices()).extracting(n -> n.event().reason()).isEqualTo(row.reasons());
        assertThat(next.state().lastError()).isEqualTo(row.error());
        assertThat(next.state().lastSuccessAt()).isEqualTo(row.fetched() ? NOW : EARLIER);
    }

    @Test
    void aFailedFetchWithoutAnySnapshotKeepsWhatWasKnownAndSaysNothingIsApplied() {
        var next = StateTransitions.source(source(null), null, false, "failed to fetch x: down", "x", NOW);
        assertThat(next.state().revision()).isEqualTo(REV);
        assertThat(next.state().fetchedAt()).isEqualTo(EARLIER);
        assertThat(next.notices()).singleElement().satisfies(n -> {
            assertThat(n.event().message()).endsWith("; nothing to apply");
            assertThat(n.level()).isEqualTo(Decision.LogLevel.WARN);
            assertThat(n.log()).isEqualTo("failed to fetch x: down");
        });
    }

    record TargetRow(String name, TargetState prev, boolean up, String error, DockerStatus down, List<String> reasons,
            DockerStatus keeps) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static TargetState up(DockerStatus down) {
        return new TargetState("nas", true, null, EARLIER, down);
    }

    private static TargetState lost(String error, DockerStatus down) {
        return new TargetState("nas", false, error, EARLIER, down);
    }

    static Stream<TargetRow> targetRows() {
        return Stream.of(
                new TargetRow("a reachable target stays quiet", up(null), true, null, null, List.of(), null),
                new TargetRow("a target lost is reported", up(null), false, "refused", null,
                        List.of(Reasons.TARGET_UNREACHABLE), null),
                new TargetRow("still lost with the same error is not", lost("refused", null), false, "refused", null,
                        List.of(), null),
                new TargetRow("still lost with another error is", lost("refused", null), false, "timed out", null,
                        List.of(Reasons.TARGET_UNREACHABLE), null),
                new TargetRow("a target back is reported", lost("refused", null), true, null, null,
                        List.of("TargetReachable"), null),
                new TargetRow("a stopped apps service is reported", up(null), true, null, STOPPED,
                        List.of(Reasons.DOCKER_NOT_RUNNING), STOPPED),
                new TargetRow("still stopped is not", up(STOPPED), true, null, STOPPED, List.of(), STOPPED),
                new TargetRow("stopped, then failed, is", up(STOPPED), true, null, FAILED,
                        List.of(Reasons.DOCKER_NOT_RUNNING), FAILED),
                new TargetRow("running again is reported", up(STOPPED), true, null, null, List.of("DockerRunning"),
                        null),
                new TargetRow("while lost, what was known of its apps service stays", up(STOPPED), false, "refused",
                        null, List.of(Reasons.TARGET_UNREACHABLE), STOPPED),
                new TargetRow("a target never seen before that is lost is reported", null, false, "refused", null,
                        List.of(Reasons.TARGET_UNREACHABLE), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targetRows")
    void aTargetReportsEachChangeOnce(TargetRow row) {
        var next = StateTransitions.target(row.prev(), "nas", row.up(), row.error(), row.down(), REV, NOW);
        assertThat(next.notices()).extracting(n -> n.event().reason()).isEqualTo(row.reasons());
        assertThat(next.notices()).allSatisfy(n -> assertThat(n.event().revision()).isEqualTo(REV));
        assertThat(next.state().up()).isEqualTo(row.up());
        assertThat(next.state().appsServiceDown()).isEqualTo(row.keeps());
        assertThat(next.state().lastSeenAt()).isEqualTo(row.up() ? NOW : row.prev() == null ? null : EARLIER);
    }
}
