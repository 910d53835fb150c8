package io.truenasgitops.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class WebhookHandlerTest {

    static final byte[] SECRET = "s3cr3t-hook".getBytes(StandardCharsets.UTF_8);
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    final WebhookSignatures signer = new WebhookSignatures(SECRET);
    final WebhookHandler handler = new WebhookHandler(Optional.of(SECRET), "main", 1024);

    static byte[] githubPush(String ref) {
        return ("{\"ref\":\"" + ref + "\",\"before\":\"" + "1".repeat(40) + "\",\"after\":\"" + SHA
                + "\",\"deleted\":false,\"repository\":{\"full_name\":\"me/stacks\"}}").getBytes(StandardCharsets.UTF_8);
    }

    WebhookHandler.Outcome send(Map<String, String> headers, byte[] body) {
        return handler.handle(HeaderLookup.of(headers), body, "application/json");
    }

    @Test
    void aSignedGitHubPushToTheBranchTriggersAPass() {
        byte[] body = githubPush("refs/heads/main");
        var outcome = send(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + signer.sign(body)), body);

        assertThat(outcome).isInstanceOf(WebhookHandler.Trigger.class);
        assertThat(outcome.status()).isEqualTo(202);
        var event = ((WebhookHandler.Trigger) outcome).event();
        assertThat(event.provider()).isEqualTo(GitProvider.GITHUB);
        assertThat(event.revision()).isEqualTo(SHA);
        assertThat(event.repository()).isEqualTo("me/stacks");
        assertThat(((WebhookHandler.Trigger) outcome).reason()).isEqualTo("webhook: github push 0123456789ab");
        assertThat(outcome.body()).containsEntry("status", "triggered").containsEntry("ref", "refs/heads/main");
    }

    @Test
    void theSignatureIsCheckedOverTheRawBytesSoReformattedJsonFails() {
        byte[] body = githubPush("refs/heads/main");
        String signature = "sha256=" + signer.sign(body);
        byte[] reformatted = new String(body, StandardCharsets.UTF_8).replace(",", ", ").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> send(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", signature), reformatted))
                .asInstanceOf(InstanceOfAssertFactories.type(ApiProblem.class))
                .satisfies(p -> assertThat(p.status()).isEqualTo(403))
                .satisfies(p -> assertThat(p.type()).endsWith("webhook-signature-invalid"));
    }

    @Test
    void aGitHubSignatureWithoutItsPrefixIsRejected() {
        byte[] body = githubPush("refs/heads/main");
        assertThatThrownBy(() -> send(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", signer.sign(body)), body))
                .asInstanceOf(InstanceOfAssertFactories.type(ApiProblem.class))
                .satisfies(p -> assertThat(p.status()).isEqualTo(403))
                .satisfies(p -> assertThat(p.detail()).contains("sha256=<hex>"));
    }

    @Test
    void anUnsignedRequestIsUnauthorised() {
        byte[] body = githubPush("refs/heads/main");
        assertThatThrownBy(() -> send(Map.of("X-GitHub-Event", "push"), body))
                .asInstanceOf(InstanceOfAssertFactories.type(ApiProblem.class))
                .satisfies(p -> assertThat(p.status()).isEqualTo(401))
                .satisfies(p -> assertThat(p.detail()).contains("X-Hub-Signature-256"));
    }

    @Test
    void giteaAndForgejoHexSignaturesAreAccepted() {
        byte[] body = githubPush("refs/heads/main");
        var gitea = send(Map.of("X-Gitea-Event", "push", "X-Gitea-Signature", signer.sign(body)), body);
        var forgejo = send(Map.of("X-Forgejo-Event", "push", "X-Forgejo-Signature", signer.sign(body).toUpperCase()), body);

        assertThat(gitea).isInstanceOf(WebhookHandler.Trigger.class);
        assertThat(((WebhookHandler.Trigger) gitea).event().provider()).isEqualTo(GitProvider.GITEA);
        assertThat(forgejo).isInstanceOf(WebhookHandler.Trigger.class);
        assertThat(((WebhookHandler.Trigger) forgejo).event().provider()).isEqualTo(GitProvider.FORGEJO);
    }

    @Test
    void aWrongForgejoSignatureIsNotRescuedByAnotherHeader() {
        byte[] body = githubPush("refs/heads/main");
        Map<String, String> headers = Map.of("X-Forgejo-Event", "push",
                "X-Forgejo-Signature", "00".repeat(32), "X-Hub-Signature-256", "sha256=" + signer.sign(body));
        assertThatThrownBy(() -> send(headers, body))
                .asInstanceOf(InstanceOfAssertFactories.type(ApiProblem.class))
                .satisfies(p -> assertThat(p.detail()).startsWith("X-Forgejo-Signature does not match"));
    }

    @Test
    void gitLabIsVerifiedByItsTokenAndReadsItsPushPayload() {
        byte[] body = ("{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\",\"after\":\"" + SHA
                + "\",\"checkout_sha\":\"" + SHA + "\",\"project\":{\"path_with_namespace\":\"me/stacks\"}}")
                .getBytes(StandardCharsets.UTF_8);
        var ok = send(Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "s3cr3t-hook"), body);

        assertThat(ok).isInstanceOf(WebhookHandler.Trigger.class);
        assertThat(((WebhookHandler.Trigger) ok).event().repository()).isEqualTo("me/stacks");
        assertThatThrownBy(() -> send(Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "s3cr3t-hooK"), body))
                .asInstanceOf(InstanceOfAssertFactories.type(ApiProblem.class))
                .satisfies(p -> assertThat(p.status()).isEqualTo(403));
    }

    @Test
    void aGitLabTagPushIsIgnored() {
        byte[] body = "{\"object_kind\":\"tag_push\",\"ref\":\"refs/tags/v1\"}".getBytes(StandardCharsets.UTF_8);
        var outcome = send(Map.of("X-Gitlab-Event", "Tag Push Hook", "X-Gitlab-Token", "s3cr3t-hook"), body);

        assertThat(outcome).isInstanceOf(WebhookHandler.Ignore.class);
        assertThat(outcome.body().get("reason").toString()).startsWith("tag push ignored");
    }

    @Test
    void aGenericSenderMaySignAnEmptyBody() {
        var outcome = send(Map.of("X-Signature-256", "sha256=" + signer.sign(new byte[0])), new byte[0]);

        assertThat(outcome).isInstanceOf(WebhookHandler.Trigger.class);
        assertThat(((WebhookHandler.Trigger) outcome).event().provider()).isEqualTo(GitProvider.GENERIC);
        assertThat(((WebhookHandler.Trigger) outcome).reason()).isEqualTo("webhook: generic push");
    }

    @Test
    void aGenericSenderNamingAnotherBranchIsIgnored() {
        byte[] body = "{\"ref\":\"refs/heads/dev\"}".getBytes(StandardCharsets.UTF_8);
        var outcome = send(Map.of("X-Signature-256", signer.sign(body)), body);

        assertThat(outcome).isInstanceOf(WebhookHandler.Ignore.class);
    }

    @Test
    void aPushToAnotherBranchIsIgnoredWithAReason() {
        byte[] body = githubPush("refs/heads/feature");
        var outcome = send(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + signer.sign(body)), body);

        assertThat(outcome).isInstanceOf(WebhookHandler.Ignore.class);
        assertThat(outcome.status()).isEqualTo(202);
        assertThat(outcome.body()).containsEntry("status", "ignored")
                .containsEntry("reason", "push to refs/heads/feature ignored: this daemon follows branch main");
    }

    @Test
    void aPushThatDeletesTheBranchIsIgnored() {
        byte[] body = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + "0".repeat(40) + "\",\"deleted\":true}")
                .getBytes(StandardCharsets.UTF_8);
        var outcome = send(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + signer.sign(body)), body);

        assertThat(outcome).isInstanceOf(WebhookHandler.Ignore.class);
    }

    @Test
    void aPingIsAnsweredOkWithoutTriggering() {
        byte[] body = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}".getBytes(StandardCharsets.UTF_8);
        var outcome = send(Map.of("X-GitHub-Event", "ping", "X-Hub-Signature-256", "sha256=" + signer.sign(body)), body);

        assertThat(outcome).isInstanceOf(WebhookHandler.Ignore.class);
        assertThat(outcome.status()).isEqualTo(200);
        assertThat(outcome.body()).containsEntry("event", "ping");
    }

    @Test
    void anIssueEventIsIgnored() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        var outcome = send(Map.of("X-GitHub-Event", "issues", "X-Hub-Signature-256", "sha256=" + signer.sign(body)), body);

        assertThat(outcome.body()).containsEntry("reason", "event 'issues' ignored: only push events trigger a pass");
    }

    @Test
    void gitHubFormEncodedPayloadsAreRead() {
        String form = "payload=" + URLEncoder.encode(new String(githubPush("refs/heads/main"), StandardCharsets.UTF_8),
                StandardCharsets.UTF_8);
        byte[] body = form.getBytes(StandardCharsets.US_ASCII);
        var outcome = handler.handle(HeaderLookup.of(Map.of("X-GitHub-Event", "push",
                "X-Hub-Signature-256", "sha256=" + signer.sign(body))), body, "application/x-www-form-urlencoded");

        assertThat(outcome).isInstanceOf(WebhookHandler.Trigger.class);
        assertThat(((WebhookHandler.Trigger) outcome).event().revision()).isEqualTo(SHA);
    }

    @Test
    void aSignedPushThatIsNotJsonIsABadRequest() {
        byte[] body = "not json".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> send(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + signer.sign(body)), body))
                .asInstanceOf(InstanceOfAssertFactories.type(ApiProblem.class))
                .satisfies(p -> assertThat(p.status()).isEqualTo(400));
    }

    @Test
    void aBodyOverTheCapIsRefusedBeforeItsSignatureIsChecked() {
        byte[] body = new byte[1025];
        Map<String, String> headers = new HashMap<>();
        headers.put("X-Signature-256", signer.sign(body));
        assertThatThrownBy(() -> send(headers, body))
                .asInstanceOf(InstanceOfAssertFactories.type(ApiProblem.class))
                .satisfies(p -> assertThat(p.status()).isEqualTo(413))
                .satisfies(p -> assertThat(p.detail()).contains("1025 bytes").contains("truenas-gitops.webhook.max-payload"));
    }

    @Test
    void withoutASecretEveryWebhookIsRefused() {
        var disabled = new WebhookHandler(Optional.empty(), "main", 1024);
        assertThat(disabled.enabled()).isFalse();
        assertThatThrownBy(() -> disabled.handle(HeaderLookup.of(Map.of()), new byte[0], null))
                .asInstanceOf(InstanceOfAssertFactories.type(ApiProblem.class))
                .satisfies(p -> assertThat(p.status()).isEqualTo(403))
                .satisfies(p -> assertThat(p.detail()).contains("truenas-gitops.webhook.secret-file"));
    }

    @Test
    void theBranchMayBeGivenAsAFullRef() {
        var full = new WebhookHandler(Optional.of(SECRET), "refs/heads/main", 1024);
        byte[] body = githubPush("refs/heads/main");
        var outcome = full.handle(HeaderLookup.of(Map.of("X-GitHub-Event", "push",
                "X-Hub-Signature-256", "sha256=" + signer.sign(body))), body, "application/json");
        assertThat(outcome).isInstanceOf(WebhookHandler.Trigger.class);
    }
}
