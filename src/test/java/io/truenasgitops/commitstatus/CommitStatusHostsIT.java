package io.truenasgitops.commitstatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.truenasgitops.notify.DeliverySettings;
import io.truenasgitops.notify.Receiver;
import io.truenasgitops.notify.RecordingMetrics;
import io.truenasgitops.notify.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each Git host gets the commit status request its API documents (method, path, authentication, body), checked on
 * a fake of the host on 127.0.0.1; retries and refusals as the notifications have them.
 */
class CommitStatusHostsIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SHA = "4f1c2a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a";
    static final String TOKEN = "ghp_s3cr3t-token-value";

    Receiver host;
    CommitStatuses statuses;
    final RecordingMetrics metrics = new RecordingMetrics();

    @BeforeEach
    void start() throws Exception {
        host = new Receiver();
    }

    @AfterEach
    void stop() {
        if (statuses != null) {
            statuses.close();
        }
        host.close();
    }

    static DeliverySettings delivery(int attempts) {
        return new DeliverySettings(attempts, Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(40), 100);
    }

    StatusSettings settings(Forge forge, String apiPath, String repository, String token) {
        return new StatusSettings(forge, host.url(apiPath), repository, new Secret(token), null,
                "https://gitops.home.test", delivery(3), null);
    }

    Receiver.Request set(StatusSettings s, CommitState state, String description) {
        Endpoint e = Endpoint.resolve(s, "https://git.home.test/home/stacks.git");
        statuses = CommitStatuses.of(s, e, metrics);
        statuses.submit(new CommitStatus(SHA, s.contextOf("media"), "media", state, description, s.linkOf("media")));
        await().until(() -> metrics.delivered(e.forge().id()) + metrics.failures(e.forge().id()) == 1);
        assertThat(metrics.delivered(e.forge().id())).isEqualTo(1);
        return host.requests.get(host.requests.size() - 1);
    }

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void gitHubGetsAStatusOnTheCommitWithABearerTokenAndItsContext() throws Exception {
        Receiver.Request r = set(settings(Forge.GITHUB, "/api/v3", null, TOKEN), CommitState.FAILURE,
                "JobFailed: failed to update app 'media'");

        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.rawPath()).isEqualTo("/api/v3/repos/home/stacks/statuses/" + SHA);
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(r.header("Accept")).isEqualTo("application/vnd.github+json");
        assertThat(r.header("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(json(r.body())).isEqualTo(json("""
                {"state": "failure", "target_url": "https://gitops.home.test/stacks/media",
                 "description": "JobFailed: failed to update app 'media'", "context": "truenas-gitops/media"}
                """));
    }

    @Test
    void gitHubDescriptionsAreCutTo140Characters() throws Exception {
        Receiver.Request r = set(settings(Forge.GITHUB, "/", null, TOKEN), CommitState.FAILURE, "x".repeat(300));

        String description = json(r.body()).get("description").asText();
        assertThat(description).hasSize(140).endsWith("…");
        assertThat(r.rawPath()).isEqualTo("/repos/home/stacks/statuses/" + SHA);
    }

    @Test
    void gitLabGetsTheProjectPathEncodedAndAPrivateToken() throws Exception {
        Receiver.Request r = set(settings(Forge.GITLAB, "/api/v4", "home/infra/stacks", "glpat-secret"),
                CommitState.PENDING, "updating app 'media' on nas1");

        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.rawPath()).isEqualTo("/api/v4/projects/home%2Finfra%2Fstacks/statuses/" + SHA);
        assertThat(r.header("PRIVATE-TOKEN")).isEqualTo("glpat-secret");
        assertThat(r.header("Authorization")).isNull();
        assertThat(json(r.body())).isEqualTo(json("""
                {"state": "running", "name": "truenas-gitops/media", "description": "updating app 'media' on nas1",
                 "target_url": "https://gitops.home.test/stacks/media"}
                """));
    }

    @Test
    void giteaAndForgejoGetTheirTokenHeaderAndGitHubsBody() throws Exception {
        Receiver.Request r = set(settings(Forge.FORGEJO, "/api/v1", null, "forgejo-token"), CommitState.SUCCESS,
                "applied and healthy");

        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.rawPath()).isEqualTo("/api/v1/repos/home/stacks/statuses/" + SHA);
        assertThat(r.header("Authorization")).isEqualTo("token forgejo-token");
        assertThat(json(r.body())).isEqualTo(json("""
                {"state": "success", "target_url": "https://gitops.home.test/stacks/media",
                 "description": "applied and healthy", "context": "truenas-gitops/media"}
                """));
    }

    @Test
    void bitbucketGetsABuildStatusWithBasicAuthAndAKeyOfAtMost40Characters() throws Exception {
        Receiver.Request r = set(settings(Forge.BITBUCKET, "/2.0", "home/stacks", "jdoe:app-password"),
                CommitState.SUCCESS, "applied and healthy");

        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.rawPath()).isEqualTo("/2.0/repositories/home/stacks/commit/" + SHA + "/statuses/build");
        assertThat(r.header("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("jdoe:app-password".getBytes(StandardCharsets.UTF_8)));
        assertThat(json(r.body())).isEqualTo(json("""
                {"key": "truenas-gitops/media", "state": "SUCCESSFUL", "name": "truenas-gitops/media",
                 "description": "applied and healthy", "url": "https://gitops.home.test/stacks/media"}
                """));
        assertThat(StatusRequests.bitbucketKey("truenas-gitops/" + "s".repeat(40))).hasSize(40).matches("[0-9a-f]+");
    }

    @Test
    void aHostThatIsBusyIsAskedAgainAndAWrongTokenIsNeitherRetriedNorShown() throws Exception {
        host.answer(503, Map.of("Retry-After", "0"), "");
        Receiver.Request r = set(settings(Forge.GITEA, "/api/v1", null, TOKEN), CommitState.SUCCESS, "applied");
        assertThat(host.requests).hasSize(2);
        assertThat(r.header("Authorization")).isEqualTo("token " + TOKEN);
        statuses.close();

        host.answer(401, Map.of(), "{\"message\": \"token " + TOKEN + " is invalid\"}");
        StatusSettings s = settings(Forge.GITEA, "/api/v1", null, TOKEN);
        Endpoint e = Endpoint.resolve(s, "https://gitea.home.test/home/stacks.git");
        RecordingMetrics refused = new RecordingMetrics();
        statuses = CommitStatuses.of(s, e, refused);
        statuses.submit(new CommitStatus(SHA, s.contextOf("web"), "web", CommitState.FAILURE, "JobFailed: x", null));
        await().until(() -> refused.failures("gitea") == 1);
        assertThat(host.requests).hasSize(3);
        assertThat(refused.delivered("gitea")).isZero();
    }

    @Test
    void theSameStatusTwiceOnOneCommitIsSentOnce() {
        StatusSettings s = settings(Forge.GITHUB, "/", null, TOKEN);
        statuses = CommitStatuses.of(s, Endpoint.resolve(s, "https://github.com/home/stacks.git"), metrics);
        CommitStatus failed = new CommitStatus(SHA, s.contextOf("web"), "web", CommitState.FAILURE, "JobFailed: x",
                null);

        statuses.submit(failed);
        await().until(() -> metrics.delivered("github") == 1);
        statuses.submit(failed);
        statuses.submit(new CommitStatus(SHA, s.contextOf("web"), "web", CommitState.SUCCESS, "applied", null));

        await().until(() -> metrics.delivered("github") == 2);
        assertThat(host.requests).hasSize(2);
    }

    @Test
    void aPendingStatusWaitingForItsRetryNeverHidesTheResultThatFollowsIt() throws Exception {
        StatusSettings s = settings(Forge.GITHUB, "/", null, TOKEN);
        statuses = CommitStatuses.of(s, Endpoint.resolve(s, "https://github.com/home/stacks.git"), metrics);
        host.answer(502, Map.of("Retry-After", "0"), "");
        host.hang();

        statuses.submit(new CommitStatus(SHA, s.contextOf("web"), "web", CommitState.PENDING, "updating", null));
        await().until(() -> host.requests.size() == 1);
        statuses.submit(new CommitStatus(SHA, s.contextOf("web"), "web", CommitState.SUCCESS, "applied", null));
        host.release();
        await().until(() -> metrics.delivered("github") == 1);
        // queued behind the pending status's retry: once it is sent, that retry has had its turn
        statuses.submit(new CommitStatus(SHA, s.contextOf("db"), "db", CommitState.SUCCESS, "applied", null));
        await().until(() -> metrics.delivered("github") == 2);

        assertThat(host.requests).extracting(r -> json(r.body()).get("state").asText() + " "
                + json(r.body()).get("context").asText())
                .containsExactly("pending truenas-gitops/web", "success truenas-gitops/web",
                        "success truenas-gitops/db");
    }
}
