package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.stacks.StackSettings.DesiredState;
import io.truenasgitops.truenas.AppState;
import io.truenasgitops.truenas.ConnectionLostException;
import io.truenasgitops.truenas.FieldError;
import io.truenasgitops.truenas.JobOutcomeUnknownException;
import io.truenasgitops.truenas.TrueNasException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Errors are classified in one place: what is retried, what stalls, and what the status says. */
class OutcomeMapperTest {

    static final Instant NOW = Instant.parse("2026-11-26T06:00:00Z");
    final OutcomeMapper mapper = new OutcomeMapper(new RetryPolicy(Duration.ofSeconds(10), Duration.ofMinutes(5)),
            new RetryPolicy(Duration.ofMinutes(10), Duration.ofHours(6)));

    record Row(String name, Throwable error, Class<? extends Outcome> kind, String reason, Outcome.StallRetry retry) {
        Row(String name, Throwable error, Class<? extends Outcome> kind, String reason) {
            this(name, error, kind, reason, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("a lost connection is retried", new ConnectionLostException("socket closed", null),
                        Outcome.Transient.class, Reasons.CONNECTION_LOST),
                new Row("an unknown job outcome is retried", new JobOutcomeUnknownException("job id gone"),
                        Outcome.Transient.class, Reasons.CONNECTION_LOST),
                new Row("a validation error stalls", new TrueNasException("invalid", 22, "EINVAL",
                        List.of(new FieldError("app_create.app_name", "bad", 22)), 4L, null),
                        Outcome.Stalled.class, Reasons.VALIDATION_FAILED, Outcome.StallRetry.NEVER),
                new Row("a failed job stalls and is tried again slowly (a registry may have been down)",
                        new TrueNasException("[EFAULT] Failed 'up' action", 14, "EFAULT", List.of(), 5L, null),
                        Outcome.Stalled.class, Reasons.JOB_FAILED, Outcome.StallRetry.SLOWLY),
                new Row("a job that names an invalid image reference stalls for good",
                        new io.truenasgitops.truenas.ImageRejectedException(
                                "[EFAULT] invalid reference format: repository name must be lowercase", 14, "EFAULT",
                                List.of(), 9L, null),
                        Outcome.Stalled.class, Reasons.JOB_FAILED, Outcome.StallRetry.NEVER),
                new Row("a failed job whose text names an image reference, not typed so, is tried again slowly",
                        new TrueNasException("[EFAULT] invalid reference format", 14, "EFAULT", List.of(), 9L, null),
                        Outcome.Stalled.class, Reasons.JOB_FAILED, Outcome.StallRetry.SLOWLY),
                new Row("a pull the registry refuses stalls as ImagePullFailed and is tried again slowly (the tag may"
                        + " be pushed later)", new io.truenasgitops.truenas.ImagePullFailedException("failed to pull"
                                + " image 'nginx:9.99' on the NAS (job 3): manifest unknown", "nginx:9.99",
                                "manifest unknown", io.truenasgitops.truenas.ImagePullFailedException.Kind.MANIFEST_UNKNOWN,
                                14, "EFAULT", 3L),
                        Outcome.Stalled.class, Reasons.IMAGE_PULL_FAILED, Outcome.StallRetry.SLOWLY),
                new Row("a rate-limited pull is retried as ImagePullFailed",
                        new io.truenasgitops.truenas.ImagePullRateLimitedException("toomanyrequests", "nginx:1.28",
                                "toomanyrequests", 14, "EFAULT", 3L),
                        Outcome.Transient.class, Reasons.IMAGE_PULL_FAILED),
                new Row("a refused call stalls", new TrueNasException("[EPERM] not allowed", 1, "EPERM", List.of(),
                        null, null), Outcome.Stalled.class, Reasons.APPLY_FAILED, Outcome.StallRetry.NEVER),
                new Row("a failed health gate stalls and is tried again slowly",
                        new HealthGateException(Reasons.HEALTH_CHECK_FAILED, "app 'web' is RUNNING but the container"
                                + " of its service 'worker' crashed", AppState.RUNNING),
                        Outcome.Stalled.class, Reasons.HEALTH_CHECK_FAILED, Outcome.StallRetry.SLOWLY),
                new Row("an update whose health gate finds the app CRASHED is ApplyFailed and tried again slowly",
                        new HealthGateException(Reasons.HEALTH_CHECK_FAILED, "app 'web' is CRASHED", AppState.CRASHED),
                        Outcome.Stalled.class, Reasons.APPLY_FAILED, Outcome.StallRetry.SLOWLY),
                new Row("a create refused because Docker is not running is retried, not stalled",
                        new io.truenasgitops.truenas.AppsServiceDownException("[EFAULT] Docker service is not running", 14, "EFAULT", List.of(), 6L,
                                null), Outcome.Transient.class, Reasons.DOCKER_NOT_RUNNING),
                new Row("a create refused because no pool is chosen for apps is retried, not stalled",
                        new io.truenasgitops.truenas.AppsServiceDownException("[EFAULT] No pool configured for Docker", 14, "EFAULT", List.of(), 7L,
                                null), Outcome.Transient.class, Reasons.DOCKER_NOT_RUNNING),
                new Row("an update of an app that vanished since the pass listed it is retried, not stalled",
                        new io.truenasgitops.truenas.NotFoundException("failed to update app 'web' (job 8): App web"
                                + " does not exist", 2, "ENOENT", List.of(new FieldError(null, "App web does not exist",
                                2)), 8L, null), Outcome.Transient.class, Reasons.TRANSIENT_ERROR),
                new Row("an unexpected error is retried", new IllegalStateException("surprise"),
                        Outcome.Transient.class, Reasons.TRANSIENT_ERROR));
    }

    static Action update() {
        return Action.builder(ActionType.UPDATE, "web", "default").path("stacks/web")
                .reason(Reason.of(Reasons.CONFIG_CHANGED, "x")).desiredHash("h2").liveHash("h1").fingerprint("fp")
                .wantState(DesiredState.RUNNING).build();
    }

    @Test
    void anUpdateWhoseJobFailedAndLeftTheAppStoppedIsApplyFailedAndRemembered() {
        TrueNasException e = new TrueNasException("[EFAULT] Failed 'up' action for 'web' app. Please check"
                + " /var/log/app_lifecycle.log for more details", 14, "EFAULT", List.of(), 5L, null);

        Outcome o = mapper.classify(update(), e, HealthStatus.DEGRADED, AppState.STOPPED, "fp",
                java.util.function.UnaryOperator.identity(), "service 'web' (container 0123) printed last:\nboom");
        Decision d = mapper.decide(null, update(), o, "0123456789abcdef", NOW);

        Reason r = ((Outcome.Stalled) o).reason();
        assertThat(r.code()).isEqualTo(Reasons.APPLY_FAILED);
        assertThat(r.message()).startsWith("the update of app 'web' on target 'default' failed and left it STOPPED: ")
                .contains("job 5 failed: [EFAULT] Failed 'up' action").contains("printed last:\nboom");
        assertThat(r.message().split("app_lifecycle", -1)).hasSize(2);
        assertThat(d.status().failedApply()).isEqualTo(new FailedApply("0123456789abcdef", "h2", ActionType.UPDATE,
                Reasons.APPLY_FAILED, NOW));
    }

    @Test
    void aFailedJobThatLeftTheAppRunningIsAJobFailureAndNotRememberedAsTakingItDown() {
        TrueNasException e = new TrueNasException("[EFAULT] boom", 14, "EFAULT", List.of(), 5L, null);

        Outcome o = mapper.classify(update(), e, HealthStatus.HEALTHY, AppState.RUNNING, "fp");
        Decision d = mapper.decide(null, update(), o, "0123456789abcdef", NOW);

        assertThat(((Outcome.Stalled) o).reason().code()).isEqualTo(Reasons.JOB_FAILED);
        assertThat(d.status().failedApply()).isNull();
    }

    @Test
    void aSuccessfulApplyForgetsTheFailedOne() {
        Outcome failed = mapper.classify(update(), new HealthGateException(Reasons.HEALTH_CHECK_FAILED, "app 'web'"
                + " stopped right after the apply", AppState.STOPPED), HealthStatus.DEGRADED, AppState.STOPPED, "fp");
        StackStatus down = mapper.decide(null, update(), failed, "0123456789abcdef", NOW).status();
        assertThat(down.failedApply()).isNotNull();

        StackStatus up = mapper.decide(down, update(), new Outcome.Applied("updated and started", HealthStatus.HEALTHY,
                AppState.RUNNING, java.util.Set.of()), "fedcba9876543210", NOW).status();

        assertThat(up.failedApply()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void classifiesErrorsByWhatTheLoopShouldDoNext(Row row) {
        Outcome o = mapper.classify(update(), row.error(), HealthStatus.HEALTHY, AppState.RUNNING, "fp");

        assertThat(o).isInstanceOf(row.kind());
        Reason reason = o instanceof Outcome.Stalled s ? s.reason() : ((Outcome.Transient) o).reason();
        assertThat(reason.code()).isEqualTo(row.reason());
        assertThat(reason.message()).contains("web");

        Decision d = mapper.decide(null, update(), o, "0123456789abcdef", NOW);
        StatusInvariants.assertValid(d.status());
        assertThat(d.event()).isPresent();
        assertThat(d.status().isReady()).isFalse();
        if (o instanceof Outcome.Stalled s) {
            assertThat(s.retry()).isEqualTo(row.retry());
            assertThat(d.status().isStalled()).isTrue();
            assertThat(d.status().stalledFingerprint()).isEqualTo("fp");
            if (row.retry() == Outcome.StallRetry.SLOWLY) {
                assertThat(d.requeueAfter()).contains(Duration.ofMinutes(10));
                assertThat(d.status().nextRetryAt()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
                assertThat(d.status().lastReason().message()).contains("tried again in 10m");
            } else {
                assertThat(d.requeueAfter()).isEmpty();
                assertThat(d.status().nextRetryAt()).isNull();
                assertThat(d.status().lastReason().message()).contains("not retried until");
            }
        } else {
            assertThat(d.status().is(Condition.RECONCILING)).isTrue();
            assertThat(d.requeueAfter()).contains(Duration.ofSeconds(10));
            assertThat(d.status().nextRetryAt()).isEqualTo(NOW.plusSeconds(10));
            assertThat(d.status().condition(Condition.RECONCILING).orElseThrow().message()).contains("0123456789ab");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void aLaterSuccessClearsTheFailure(Row row) {
        Outcome failed = mapper.classify(update(), row.error(), HealthStatus.HEALTHY, AppState.RUNNING, "fp");
        StackStatus afterFailure = mapper.decide(null, update(), failed, "r1", NOW).status();

        Decision ok = mapper.decide(afterFailure, update(),
                new Outcome.Applied("updated", HealthStatus.HEALTHY, AppState.RUNNING, Set.of()), "r2", NOW.plusSeconds(60));

        StatusInvariants.assertValid(ok.status());
        assertThat(ok.status().isReady()).isTrue();
        assertThat(ok.status().lastError()).isNull();
        assertThat(ok.status().failures()).isZero();
        assertThat(ok.status().condition(Condition.STALLED).orElseThrow().lastTransitionTime())
                .isEqualTo(failed instanceof Outcome.Stalled ? NOW.plusSeconds(60) : NOW);
    }

    @org.junit.jupiter.api.Test
    void aStackHeldByAStoppedAppsServiceIsNotReadyRetriedOnTheBackoffAndWarnedAboutOnce() {
        Action held = update().blocked(Reason.of(Reasons.DOCKER_NOT_RUNNING, "the apps service is STOPPED"));
        Outcome blocked = new Outcome.Blocked(held.reason(), HealthStatus.UNKNOWN, null);

        Decision first = mapper.decide(null, held, blocked, "r1", NOW);
        Decision second = mapper.decide(first.status(), held, blocked, "r1", NOW.plusSeconds(10));

        StatusInvariants.assertValid(first.status());
        StatusInvariants.assertValid(second.status());
        assertThat(first.status().condition(Condition.READY).orElseThrow().status()).isEqualTo(Condition.Status.FALSE);
        assertThat(first.status().condition(Condition.DRIFTED).orElseThrow().status()).isEqualTo(Condition.Status.UNKNOWN);
        assertThat(first.status().isStalled()).isFalse();
        assertThat(first.status().health()).isEqualTo(HealthStatus.UNKNOWN);
        assertThat(first.requeueAfter()).contains(Duration.ofSeconds(10));
        assertThat(first.status().nextRetryAt()).isEqualTo(NOW.plusSeconds(10));
        assertThat(first.event()).isPresent();
        assertThat(second.event()).as("the same hold again is quiet").isEmpty();
        assertThat(second.requeueAfter()).contains(Duration.ofSeconds(20));
        assertThat(second.status().failures()).isEqualTo(2);
    }

    @org.junit.jupiter.api.Test
    void noChangeIsQuiet() {
        Action unchanged = Action.builder(ActionType.UNCHANGED, "web", "default").path("stacks/web")
                .reason(Reason.of(Reasons.UP_TO_DATE, "matches")).desiredHash("h").liveHash("h").fingerprint("fp")
                .wantState(DesiredState.RUNNING).build();
        StackStatus first = mapper.decide(null, unchanged, new Outcome.Unchanged(HealthStatus.HEALTHY, AppState.RUNNING),
                "r1", NOW).status();

        Decision again = mapper.decide(first, unchanged, new Outcome.Unchanged(HealthStatus.HEALTHY, AppState.RUNNING),
                "r1", NOW.plusSeconds(60));

        assertThat(again.event()).isEmpty();
        assertThat(again.logLevel()).isEqualTo(Decision.LogLevel.DEBUG);
        assertThat(again.status().condition(Condition.READY).orElseThrow().lastTransitionTime()).isEqualTo(NOW);
    }
}
