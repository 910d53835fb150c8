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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The daemon's HTTP surfaces against the emulator and a real Git repository: REST API, auth, webhooks,
 * metrics and health. Ordered: the first sync creates the app, later tests build on it.
 */
@QuarkusTest
@QuarkusTestResource(value = DaemonTestResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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

    @Test
    @Order(1)
    void readinessIsDownBeforeTheFirstPass() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'truenas-gitops' }.data.git", equalTo("not fetched yet"));
    }

    @Test
    @Order(2)
    void aSyncCreatesTheAppAndListsTheStackAsHealthy() {
        long vertxBefore = vertxInstances();
        assertThat(daemon.targets().get("default").isConnected()).isFalse();
        // the first sync connects the target from a REST worker thread
        syncNow().then().statusCode(200)
                .body("status", equalTo("completed"))
                .body("result", equalTo("success"))
                .body("actions.find { it.stack == 'web' }.action", equalTo("create"))
                .body("actions.find { it.stack == 'web' }.outcome", equalTo("applied"));
        assertThat(DaemonTestResource.emulator.apps().state("web")).isEqualTo("RUNNING");

        given().get("/api/v1/stacks").then().statusCode(200)
                .body("name", hasItem("web"))
                .body("find { it.name == 'web' }.status", equalTo("healthy"))
                .body("find { it.name == 'web' }.ready", equalTo(true));
        // on Quarkus' Vert.x: connecting started no Vert.x instance (event loops, checker thread) of its own
        assertThat(daemon.targets().get("default").isConnected()).isTrue();
        assertThat(vertxInstances()).isLessThanOrEqualTo(vertxBefore);
    }

    /** Live Vert.x instances in this JVM: each runs exactly one blocked-thread checker thread. */
    static long vertxInstances() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("vertx-blocked-thread-checker")).count();
    }

    @Test
    @Order(3)
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
    @Order(4)
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
    @Order(5)
    void readinessIsUpOnceGitWasFetchedAndTheNasIsConnected() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'truenas-gitops' }.data.'target.default'", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    @Order(10)
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
    @Order(11)
    void aStackSyncAskedByAHumanRevertsTheDriftAndTheGaugeReturnsToZero() {
        given().header("Authorization", BEARER).post("/api/v1/stacks/web/sync?wait=true").then().statusCode(200)
                .body("actions.find { it.stack == 'web' }.action", equalTo("update"));
        assertThat(metric("truenas_gitops_stack_drift", "kind=\"config\",stack=\"web\"")).isEqualTo(0.0);
        given().get("/api/v1/stacks/web/diff").then().statusCode(200).body("inSync", equalTo(true));
    }

    @Test
    @Order(12)
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
    @Order(12)
    void anOutOfRangeEventLimitIsABadRequest() {
        given().get("/api/v1/events?limit=0").then().statusCode(400).contentType("application/problem+json")
                .body("detail", startsWith("limit must be between 1 and 1000"));
    }

    @Test
    @Order(13)
    void anEventLimitThatIsNotANumberIsABadRequestNotANotFound() {
        given().get("/api/v1/events?limit=abc").then().statusCode(400).contentType("application/problem+json")
                .body("detail", startsWith("limit must be between 1 and 1000, not 'abc'"));
    }

    @Test
    @Order(14)
    void unauthenticatedRequestsAreCountedUnderTheRouteTemplateNotTheirRawPath() {
        for (int i = 0; i < 5; i++) {
            given().post("/api/v1/stacks/probe-" + i + "-x/suspend").then().statusCode(401);
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).doesNotContain("probe-0-x").doesNotContain("probe-4-x");
        assertThat(metrics).contains("uri=\"/api/v1/stacks/{name}/suspend\"");
    }

    @Test
    @Order(20)
    void mutatingWithoutATokenIsUnauthorisedAndAsksForBearer() {
        given().post("/api/v1/sync").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .contentType("application/problem+json");
        given().post("/api/v1/stacks/web/suspend").then().statusCode(401);
    }

    @Test
    @Order(21)
    void mutatingWithAWrongTokenIsForbidden() {
        given().header("Authorization", "Bearer wrong").post("/api/v1/sync").then().statusCode(403)
                .contentType("application/problem+json").body("title", equalTo("Wrong token"));
        given().header("Authorization", "Bearer wrong").post("/api/v1/stacks/web/resume").then().statusCode(403);
    }

    @Test
    @Order(22)
    void readsNeedNoTokenByDefault() {
        given().get("/api/v1/events").then().statusCode(200);
    }

    @Test
    @Order(23)
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
    @Order(24)
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
    @Order(30)
    void aSignedGitHubPushTriggersAPass() {
        byte[] body = push("refs/heads/main");
        triggersAfterAcceptedHook(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + SIGNER.sign(body)), body);
    }

    @Test
    @Order(31)
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
    @Order(32)
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
    @Order(33)
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
    @Order(34)
    void aPingIsAnsweredOk() {
        byte[] body = "{\"zen\":\"Design for failure.\"}".getBytes(StandardCharsets.UTF_8);
        hook(Map.of("X-GitHub-Event", "ping", "X-Hub-Signature-256", "sha256=" + SIGNER.sign(body)), body).then()
                .statusCode(200).body("status", equalTo("ignored")).body("event", equalTo("ping"));
    }

    @Test
    @Order(35)
    void anOversizedPayloadIsRefused() {
        byte[] body = new byte[65537];
        java.util.Arrays.fill(body, (byte) ' ');
        hook(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + SIGNER.sign(body)), body).then()
                .statusCode(413).contentType("application/problem+json")
                .body("detail", containsString("truenas-gitops.webhook.max-payload"));
    }

    @Test
    @Order(36)
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
    @Order(80)
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

    // ---- last: the NAS goes away ---------------------------------------------------------------------------

    @Test
    @Order(90)
    void readinessGoesDownWhenTheNasIsUnreachable() {
        DaemonTestResource.emulator.close();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'truenas-gitops' }.data.'target.default'", startsWith("DOWN")));
        given().get("/q/health/live").then().statusCode(200);
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
