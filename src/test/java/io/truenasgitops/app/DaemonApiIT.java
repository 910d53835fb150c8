package io.truenasgitops.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.truenasgitops.api.WebhookSignatures;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon's HTTP surfaces against the emulator and a real Git repository: REST API, auth, webhooks,
 * metrics and health. Each test starts from the same place (see {@link #webIsAppliedAndInSync}): Git holds the web
 * stack, the NAS runs it as Git says, its apps service is running; what a test changes, the next one undoes. What
 * happens before the first pass is in {@link DaemonFirstPassIT}.
 */
@QuarkusTest
@QuarkusTestResource(value = DaemonTestResource.class, restrictToAnnotatedClass = true)
class DaemonApiIT {

    static final String BEARER = "Bearer " + DaemonTestResource.TOKEN;
    static final WebhookSignatures SIGNER =
            new WebhookSignatures(DaemonTestResource.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8));

    @Inject
    Daemon daemon;

    static Response syncNow() {
        return given().header("Authorization", BEARER).post("/api/v1/sync?wait=true");
    }

    static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of one series on the scrape page (tolerates the trailing comma of the 0.0.4 text format). */
    static double metric(String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{" + Pattern.quote(labels) + ",?} (\\S+)$")
                .matcher(metrics());
        assertThat(m.find()).as("%s{%s} on /q/metrics", name, labels).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /**
     * The common starting point: the NAS reachable with its apps service running, Git back at the first commit,
     * and a pass (then a forced sync of web, which reverts any drift) that leaves web applied and in sync.
     */
    @BeforeEach
    void webIsAppliedAndInSync() throws Exception {
        DaemonTestResource.emulator.faults().dockerState(io.truenasgitops.emulator.DockerState.RUNNING);
        DaemonTestResource.emulator.faults().rejectUpgrades(0);
        DaemonTestResource.commitIfChanged("stacks/web/compose.yaml", DaemonTestResource.WEB_COMPOSE, "back to web");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> syncNow().then().statusCode(200)
                .body("status", equalTo("completed"))
                .body("actions.find { it.stack == 'web' }.outcome", org.hamcrest.Matchers.oneOf("applied", "unchanged")));
        given().header("Authorization", BEARER).post("/api/v1/stacks/web/sync?wait=true").then().statusCode(200);
        assertThat(DaemonTestResource.emulator.apps().get("web").orElseThrow().compose().toString()).contains("nginx:1.27");
    }

    @Test
    void aSyncedStackIsListedAsHealthyAndItsAppRuns() {
        syncNow().then().statusCode(200)
                .body("status", equalTo("completed"))
                .body("result", equalTo("no_change"))
                .body("actions.find { it.stack == 'web' }.action", equalTo("unchanged"));
        assertThat(DaemonTestResource.emulator.apps().state("web")).isEqualTo("RUNNING");

        given().get("/api/v1/stacks").then().statusCode(200)
                .body("name", hasItem("web"))
                .body("find { it.name == 'web' }.status", equalTo("healthy"))
                .body("find { it.name == 'web' }.ready", equalTo(true));
        assertThat(daemon.targets().get("default").isConnected()).isTrue();
    }

    @Test
    void oneStackShowsItsConditionsAndLastAppliedRevision() {
        given().get("/api/v1/stacks/web").then().statusCode(200)
                .body("name", equalTo("web"))
                .body("target", equalTo("default"))
                .body("path", equalTo("stacks/web"))
                .body("lastAppliedRevision", notNullValue())
                .body("drift", empty())
                .body("conditions.find { it.type == 'Ready' }.status", equalTo("True"));
    }

    @Test
    void anUnknownStackIsAProblemDocument() {
        given().get("/api/v1/stacks/nope").then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("tag:truenas-gitops,2026:problem/stack-not-found"))
                .body("title", equalTo("Stack not found"))
                .body("status", equalTo(404))
                .body("detail", containsString("no stack 'nope'"))
                .body("instance", equalTo("/api/v1/stacks/nope"));
        given().get("/api/v1/no-such-thing").then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("about:blank"));
    }

    @Test
    void readinessIsUpOnceGitWasFetchedAndTheNasIsConnected() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'truenas-gitops' }.data.'target.default'", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void anEditInTheTrueNasUiShowsAsConfigDriftInMetricsDiffAndPlan() {
        Map<String, Object> live = deepCopy(DaemonTestResource.emulator.apps().get("web").orElseThrow().compose());
        Map<String, Object> services = (Map<String, Object>) live.get("services");
        ((Map<String, Object>) services.get("web")).put("image", "nginx:1.25");
        DaemonTestResource.emulator.apps().uiEdit("web", live);
        int writesBefore = DaemonTestResource.emulator.calls().writes();

        syncNow().then().statusCode(200).body("actions.find { it.stack == 'web' }.action", equalTo("unchanged"));

        assertThat(DaemonTestResource.emulator.calls().writes()).as("drift is reported, not reverted").isEqualTo(writesBefore);
        assertThat(metric("truenas_gitops_stack_drift", "kind=\"config\",stack=\"web\"")).isEqualTo(1.0);
        assertThat(metric("truenas_gitops_stack_drift", "kind=\"state\",stack=\"web\"")).isEqualTo(0.0);
        assertThat(metric("truenas_gitops_stack_status", "stack=\"web\",status=\"healthy\"")).isEqualTo(1.0);
        assertThat(metric("truenas_gitops_connection_up", "target=\"default\"")).isEqualTo(1.0);
        assertThat(metric("truenas_gitops_apps", "state=\"RUNNING\",target=\"default\"")).isEqualTo(1.0);
        assertThat(metric("truenas_gitops_source_fetch_total", "result=\"success\"")).isGreaterThanOrEqualTo(2.0);
        assertThat(metric("truenas_gitops_apply_total", "action=\"create\",result=\"applied\"")).isEqualTo(1.0);
        assertThat(metric("truenas_gitops_job_duration_seconds_count", "method=\"app.create\",state=\"SUCCESS\"")).isEqualTo(1.0);
        assertThat(metric("truenas_gitops_api_calls_total", "method=\"app.create\",outcome=\"ok\"")).isEqualTo(1.0);
        assertThat(metrics()).contains("truenas_gitops_reconcile_duration_seconds_bucket");

        given().get("/api/v1/stacks/web").then().statusCode(200).body("drift", equalTo(List.of("config")));
        given().get("/api/v1/stacks/web/diff").then().statusCode(200)
                .body("inSync", equalTo(false))
                .body("changes.find { it.path.contains('image') }.live", equalTo("nginx:1.25"))
                .body("changes.find { it.path.contains('image') }.desired", equalTo("nginx:1.27"))
                .body("unified", containsString("+"));
        given().get("/api/v1/plan").then().statusCode(200)
                .body("inSync", equalTo(false))
                .body("actions.find { it.stack == 'web' }.drift", equalTo(List.of("config")));
        given().get("/api/v1/events?stack=web&limit=5").then().statusCode(200)
                .body("size()", org.hamcrest.Matchers.greaterThan(0))
                .body("stack", org.hamcrest.Matchers.everyItem(equalTo("web")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStackSyncAskedByAHumanRevertsTheDriftAndTheGaugeReturnsToZero() {
        Map<String, Object> live = deepCopy(DaemonTestResource.emulator.apps().get("web").orElseThrow().compose());
        ((Map<String, Object>) ((Map<String, Object>) live.get("services")).get("web")).put("image", "nginx:1.25");
        DaemonTestResource.emulator.apps().uiEdit("web", live);
        syncNow().then().statusCode(200);
        assertThat(metric("truenas_gitops_stack_drift", "kind=\"config\",stack=\"web\"")).isEqualTo(1.0);

        given().header("Authorization", BEARER).post("/api/v1/stacks/web/sync?wait=true").then().statusCode(200)
                .body("actions.find { it.stack == 'web' }.action", equalTo("update"));
        assertThat(metric("truenas_gitops_stack_drift", "kind=\"config\",stack=\"web\"")).isEqualTo(0.0);
        given().get("/api/v1/stacks/web/diff").then().statusCode(200).body("inSync", equalTo(true));
    }

    @Test
    void aSyncOfNamedStacksActsOnThoseOnlyAndAnUnknownNameIsABadRequest() {
        given().header("Authorization", BEARER).post("/api/v1/sync?wait=true&stack=web").then().statusCode(200)
                .body("stacks", equalTo(List.of("web")))
                .body("actions.stack", org.hamcrest.Matchers.everyItem(equalTo("web")));
        given().header("Authorization", BEARER).post("/api/v1/sync?wait=true&stack=traefik").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", startsWith("stack parameter: no stack 'traefik' was seen by the last pass; known stacks:"))
                .body("detail", org.hamcrest.Matchers.containsString("web"));
    }

    @Test
    void anOutOfRangeEventLimitIsABadRequest() {
        given().get("/api/v1/events?limit=0").then().statusCode(400).contentType("application/problem+json")
                .body("detail", startsWith("limit must be between 1 and 1000"));
    }

    @Test
    void anEventLimitThatIsNotANumberIsABadRequestNotANotFound() {
        given().get("/api/v1/events?limit=abc").then().statusCode(400).contentType("application/problem+json")
                .body("detail", startsWith("limit must be between 1 and 1000, not 'abc'"));
    }

    @Test
    void unauthenticatedRequestsAreCountedUnderTheRouteTemplateNotTheirRawPath() {
        for (int i = 0; i < 5; i++) {
            given().post("/api/v1/stacks/probe-" + i + "-x/suspend").then().statusCode(401);
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).doesNotContain("probe-0-x").doesNotContain("probe-4-x");
        assertThat(metrics).contains("uri=\"/api/v1/stacks/{name}/suspend\"");
    }

    @Test
    void mutatingWithoutATokenIsUnauthorisedAndAsksForBearer() {
        given().post("/api/v1/sync").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .contentType("application/problem+json");
        given().post("/api/v1/stacks/web/suspend").then().statusCode(401);
    }

    @Test
    void mutatingWithAWrongTokenIsForbidden() {
        given().header("Authorization", "Bearer wrong").post("/api/v1/sync").then().statusCode(403)
                .contentType("application/problem+json").body("title", equalTo("Wrong token"));
        given().header("Authorization", "Bearer wrong").post("/api/v1/stacks/web/resume").then().statusCode(403);
    }

    @Test
    void readsNeedNoTokenByDefault() {
        given().get("/api/v1/events").then().statusCode(200);
    }

    @Test
    void suspendAndResumeAreKeptByTheEngine() {
        given().header("Authorization", BEARER).post("/api/v1/stacks/web/suspend").then().statusCode(200)
                .body("suspended", equalTo(true));
        given().get("/api/v1/stacks/web").then().body("suspended", equalTo(true));
        assertThat(daemon.reconciler().suspended()).containsExactly("web");

        given().header("Authorization", BEARER).post("/api/v1/stacks/web/resume").then().statusCode(200)
                .body("suspended", equalTo(false));
        assertThat(daemon.reconciler().suspended()).isEmpty();
        given().header("Authorization", BEARER).post("/api/v1/stacks/nope/suspend").then().statusCode(404);
    }

    @Test
    void theOpenApiDocumentDescribesTheApi() {
        given().accept(ContentType.JSON).get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/stacks/{name}/diff'.get", notNullValue())
                .body("paths.'/hooks/git'.post", notNullValue())
                .body("components.securitySchemes.token.scheme", equalTo("bearer"));
    }

    // ---- webhooks ------------------------------------------------------------------------------------------

    static byte[] push(String ref) {
        return ("{\"ref\":\"" + ref + "\",\"after\":\"" + "a".repeat(40) + "\",\"repository\":{\"full_name\":\"me/stacks\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    Response hook(Map<String, String> headers, byte[] body) {
        return given().headers(headers).contentType(ContentType.JSON).body(body).post("/hooks/git");
    }

    long triggersAfterAcceptedHook(Map<String, String> headers, byte[] body) {
        daemon.start();
        long passes = daemon.loop().passes();
        long triggers = daemon.loop().triggers();
        hook(headers, body).then().statusCode(202).body("status", equalTo("triggered"));
        assertThat(daemon.loop().triggers()).isEqualTo(triggers + 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> daemon.loop().passes() > passes);
        return daemon.loop().passes();
    }

    @Test
    void aSignedGitHubPushTriggersAPass() {
        byte[] body = push("refs/heads/main");
        triggersAfterAcceptedHook(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + SIGNER.sign(body)), body);
    }

    @Test
    void giteaForgejoGitLabAndGenericPushesTriggerAPass() {
        byte[] body = push("refs/heads/main");
        triggersAfterAcceptedHook(Map.of("X-Gitea-Event", "push", "X-Gitea-Signature", SIGNER.sign(body)), body);
        triggersAfterAcceptedHook(Map.of("X-Forgejo-Event", "push", "X-Forgejo-Signature", SIGNER.sign(body)), body);
        byte[] gitlab = ("{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\",\"after\":\"" + "b".repeat(40) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        triggersAfterAcceptedHook(Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", DaemonTestResource.WEBHOOK_SECRET), gitlab);
        triggersAfterAcceptedHook(Map.of("X-Signature-256", "sha256=" + SIGNER.sign(body)), body);
    }

    @Test
    void wrongSignaturesOfEveryFlavourAreForbiddenAndTriggerNothing() {
        daemon.start();
        long triggers = daemon.loop().triggers();
        byte[] body = push("refs/heads/main");
        String wrongHex = new WebhookSignatures("other".getBytes(StandardCharsets.UTF_8)).sign(body);
        List<Map<String, String>> wrong = List.of(
                Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + wrongHex),
                Map.of("X-Gitea-Event", "push", "X-Gitea-Signature", wrongHex),
                Map.of("X-Forgejo-Event", "push", "X-Forgejo-Signature", wrongHex),
                Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "other"),
                Map.of("X-Signature-256", "sha256=" + wrongHex));
        for (Map<String, String> headers : wrong) {
            hook(headers, body).then().statusCode(403).contentType("application/problem+json")
                    .body("type", equalTo("tag:truenas-gitops,2026:problem/webhook-signature-invalid"));
        }
        hook(Map.of("X-GitHub-Event", "push"), body).then().statusCode(401)
                .body("type", equalTo("tag:truenas-gitops,2026:problem/webhook-signature-missing"));
        assertThat(daemon.loop().triggers()).isEqualTo(triggers);
    }

    @Test
    void aPushToAnotherBranchIsIgnoredWithAReason() {
        long triggers = daemon.loop().triggers();
        byte[] body = push("refs/heads/feature");
        hook(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + SIGNER.sign(body)), body).then()
                .statusCode(202)
                .body("status", equalTo("ignored"))
                .body("reason", equalTo("push to refs/heads/feature ignored: this daemon follows branch main"));
        assertThat(daemon.loop().triggers()).isEqualTo(triggers);
    }

    @Test
    void aPingIsAnsweredOk() {
        byte[] body = "{\"zen\":\"Design for failure.\"}".getBytes(StandardCharsets.UTF_8);
        hook(Map.of("X-GitHub-Event", "ping", "X-Hub-Signature-256", "sha256=" + SIGNER.sign(body)), body).then()
                .statusCode(200).body("status", equalTo("ignored")).body("event", equalTo("ping"));
    }

    @Test
    void anOversizedPayloadIsRefused() {
        byte[] body = new byte[65537];
        java.util.Arrays.fill(body, (byte) ' ');
        hook(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + SIGNER.sign(body)), body).then()
                .statusCode(413).contentType("application/problem+json")
                .body("detail", containsString("truenas-gitops.webhook.max-payload"));
    }

    @Test
    void aPushOfANewCommitIsAppliedByTheTriggeredPass() throws Exception {
        DaemonTestResource.commit("stacks/web/compose.yaml",
                DaemonTestResource.WEB_COMPOSE.replace("nginx:1.27", "nginx:1.28"), "bump nginx");
        byte[] body = push("refs/heads/main");
        triggersAfterAcceptedHook(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + SIGNER.sign(body)), body);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                DaemonTestResource.emulator.apps().get("web").orElseThrow().compose().toString()).contains("nginx:1.28"));
        given().get("/api/v1/events?stack=web&limit=50").then().body("reason", not(empty()));
    }

    @Test
    void aStoppedAppsServiceMakesTheTargetNotReadyAndIsShownUntilItRunsAgain() {
        DaemonTestResource.emulator.faults().dockerState(io.truenasgitops.emulator.DockerState.STOPPED);
        long writes = DaemonTestResource.emulator.calls().writes();

        syncNow().then().statusCode(200).body("result", equalTo("failure"))
                .body("actions.find { it.stack == 'web' }.action", equalTo("blocked"));

        assertThat(DaemonTestResource.emulator.calls().writes()).isEqualTo(writes);
        assertThat(DaemonTestResource.emulator.apps().get("web")).isPresent();
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'truenas-gitops' }.data.'target.default'",
                        startsWith("DOWN: the apps service (Docker) is STOPPED"));
        given().get("/api/v1/stacks/web").then().statusCode(200)
                .body("status", equalTo("unknown"))
                .body("drift", empty())
                .body("conditions.find { it.type == 'Ready' }.reason", equalTo("DockerNotRunning"))
                .body("conditions.find { it.type == 'Ready' }.message", containsString("reconciliation resumes"));
        assertThat(metric("truenas_gitops_apps_service_up", "target=\"default\"")).isZero();
        assertThat(metric("truenas_gitops_connection_up", "target=\"default\"")).isEqualTo(1.0);
        assertThat(metric("truenas_gitops_stack_drift", "kind=\"missing\",stack=\"web\"")).isZero();

        DaemonTestResource.emulator.faults().dockerState(io.truenasgitops.emulator.DockerState.RUNNING);
        given().header("Authorization", BEARER).post("/api/v1/stacks/web/sync?wait=true").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        assertThat(metric("truenas_gitops_apps_service_up", "target=\"default\"")).isEqualTo(1.0);
        given().get("/api/v1/stacks/web").then().body("ready", equalTo(true));
    }

    // ---- the NAS goes away ----------------------------------------------------------------------------------

    @Test
    void readinessGoesDownWhileTheNasIsUnreachableAndUpWhenItIsBack() {
        // a middleware restart behind an nginx that answers 503: every reconnect attempt is refused
        DaemonTestResource.emulator.faults().rejectUpgrades(503);
        DaemonTestResource.emulator.restartMiddleware();
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/ready").then()
                    .statusCode(503)
                    .body("checks.find { it.name == 'truenas-gitops' }.data.'target.default'", startsWith("DOWN")));
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            DaemonTestResource.emulator.faults().rejectUpgrades(0);
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> deepCopy(Map<String, Object> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m)
                : v instanceof List<?> l ? new java.util.ArrayList<>(l) : v));
        return copy;
    }

    static Map<String, String> headers(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
