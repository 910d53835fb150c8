package io.truenasgitops.reconcile;

import static io.truenasgitops.reconcile.Fixtures.compose;
import static io.truenasgitops.reconcile.Fixtures.stack;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.truenasgitops.commitstatus.CommitStatuses;
import io.truenasgitops.commitstatus.Endpoint;
import io.truenasgitops.commitstatus.Forge;
import io.truenasgitops.commitstatus.StatusRules;
import io.truenasgitops.commitstatus.StatusSettings;
import io.truenasgitops.notify.DeliverySettings;
import io.truenasgitops.notify.Receiver;
import io.truenasgitops.notify.RecordingMetrics;
import io.truenasgitops.notify.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit statuses real passes of the engine set on the commit they applied, on a fake of GitHub's status API on
 * 127.0.0.1: pending when applying starts, then success, or failure with the reason.
 */
class CommitStatusPassesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    final FakeRepo repo = new FakeRepo();
    final FakeTrueNas nas = new FakeTrueNas();
    final FakeClock clock = new FakeClock();
    final RecordingMetrics metrics = new RecordingMetrics();
    Receiver github;
    CommitStatuses statuses;
    Reconciler engine;

    @BeforeEach
    void start() throws Exception {
        github = new Receiver();
        StatusSettings settings = new StatusSettings(Forge.GITHUB, github.url("/api/v3"), null,
                new Secret("ghp_token-of-the-test"), null, "https://gitops.home.test/",
                new DeliverySettings(3, Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(20), 100),
                null);
        statuses = CommitStatuses.of(settings, Endpoint.resolve(settings, FakeRepo.URL), metrics);
        engine = Reconciler.builder().config(TestConfig.defaults(stateDir)).source(repo).scanner(repo)
                .target("default", nas).store(new JsonFileStatusStore(stateDir)).clock(clock)
                .passListener(pendingDeliveredBeforeApplying(settings)).build();
    }

    /**
     * The statuses' listener, holding each pass until its pending statuses reached the fake. Without it the pass
     * could end before the lane's thread took the pending status, which then is obsolete and rightly dropped (a late
     * "pending" never hides the result): how many statuses arrive would depend on thread timing.
     */
    SyncListener pendingDeliveredBeforeApplying(StatusSettings settings) {
        SyncListener inner = statuses.listener();
        return new SyncListener() {
            @Override
            public void onPassStart(Plan plan, List<Action> selected) {
                int before = metrics.delivered("github");
                int pending = StatusRules.pending(plan, selected, settings).size();
                inner.onPassStart(plan, selected);
                await().until(() -> metrics.delivered("github") >= before + pending);
            }

            @Override
            public void onPassEnd(PassResult result) {
                inner.onPassEnd(result);
            }
        };
    }

    @AfterEach
    void close() {
        engine.close();
        statuses.close();
        github.close();
    }

    /** The statuses the fake received once {@code count} were set: "state context description" each. */
    List<String> received(int count) {
        await().until(() -> metrics.delivered("github") >= count);
        return github.requests.stream().map(r -> {
            JsonNode b = json(r.body());
            return b.get("state").asText() + " " + b.get("context").asText() + " " + b.get("description").asText();
        }).toList();
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFailingPassSetsAFailureWithTheReasonOnTheCommitItApplied() {
        nas.failNext("app.create", "web", FakeTrueNas.jobFailed("[EFAULT] Failed 'up' action for 'web' app"));
        repo.commit(stack("web", compose("nginx:1.27")));

        engine.syncOnce(SyncOptions.all());

        List<String> got = received(2);
        assertThat(got).hasSize(2);
        assertThat(got.get(0)).isEqualTo("pending truenas-gitops/web creating app 'web' on default");
        assertThat(got.get(1)).startsWith("failure truenas-gitops/web JobFailed: ")
                .contains("Failed 'up' action for 'web' app");
        assertThat(github.requests).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.rawPath()).isEqualTo("/api/v3/repos/home/stacks/statuses/" + repo.head());
            assertThat(r.header("Authorization")).isEqualTo("Bearer ghp_token-of-the-test");
            assertThat(json(r.body()).get("target_url").asText()).isEqualTo("https://gitops.home.test/stacks/web");
        });
    }

    @Test
    void aPassingPassSetsSuccessAndAnUnchangedOneSetsNothing() {
        repo.commit(stack("web", compose("nginx:1.27")));
        String applied = repo.head();

        engine.syncOnce(SyncOptions.all());
        List<String> got = received(2);
        engine.syncOnce(SyncOptions.all());
        repo.commit(stack("web", compose("nginx:1.28")));
        engine.syncOnce(SyncOptions.all());

        assertThat(got.get(0)).isEqualTo("pending truenas-gitops/web creating app 'web' on default");
        assertThat(got.get(1)).startsWith("success truenas-gitops/web ");
        List<String> all = received(4);
        assertThat(all).hasSize(4);
        assertThat(all.get(2)).isEqualTo("pending truenas-gitops/web updating app 'web' on default");
        assertThat(all.get(3)).startsWith("success truenas-gitops/web ");
        assertThat(github.requests.get(0).rawPath()).endsWith("/statuses/" + applied);
        assertThat(github.requests.get(3).rawPath()).endsWith("/statuses/" + repo.head());
    }

    @Test
    void anInvalidStackIsAFailureOfItsCommitWithoutAPendingAndIsSetOnce() {
        repo.commit(Fixtures.invalid("web", "image must be a string"));

        engine.syncOnce(SyncOptions.all());
        engine.syncOnce(SyncOptions.all());
        repo.commit(Fixtures.invalid("web", "image must be a string"), stack("db", compose("postgres:16")));
        engine.syncOnce(SyncOptions.all());

        List<String> got = received(4);
        assertThat(got).hasSize(4);
        assertThat(got.get(0)).startsWith("failure truenas-gitops/web InvalidStack: ");
        assertThat(got.subList(1, 4)).anySatisfy(s -> assertThat(s).startsWith("failure truenas-gitops/web"))
                .anySatisfy(s -> assertThat(s).startsWith("pending truenas-gitops/db"))
                .anySatisfy(s -> assertThat(s).startsWith("success truenas-gitops/db"));
    }
}
