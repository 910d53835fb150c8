package io.truenasgitops.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The rollback endpoints of the daemon against the emulator and a real Git repository: a stack with the snapshot
 * policy is updated, then rolled back to its first revision through REST (the plan with GET, the rollback with POST
 * and the API token).
 */
@QuarkusTest
@QuarkusTestResource(value = DaemonTestResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RollbackApiIT {

    static final String BEARER = "Bearer " + DaemonTestResource.TOKEN;
    static final String POLICY = "snapshot:\n  keepLast: 3\n";
    static String firstRevision;

    static String compose(String tag) {
        return """
                services:
                  web:
                    image: nginx:%s
                    volumes:
                      - /mnt/tank/apps/web:/usr/share/nginx/html
                """.formatted(tag);
    }

    static void syncNow() {
        given().header("Authorization", BEARER).post("/api/v1/sync?wait=true").then().statusCode(200);
    }

    @Test
    @Order(1)
    void anUpdateWithTheSnapshotPolicySnapshotsTheStacksDataset() throws Exception {
        DaemonTestResource.emulator.storage().seedDataset("tank/apps/web");
        DaemonTestResource.commit("stacks/web/stack.yaml", POLICY, "web: snapshots");
        DaemonTestResource.commit("stacks/web/compose.yaml", compose("1.26"), "web 1.26");
        syncNow();
        firstRevision = given().get("/api/v1/stacks/web").then().statusCode(200).extract().path("lastAppliedRevision");
        DaemonTestResource.emulator.storage().write("tank/apps/web", "site-v1");

        DaemonTestResource.commit("stacks/web/compose.yaml", compose("1.27"), "web 1.27");
        syncNow();
        DaemonTestResource.emulator.storage().write("tank/apps/web", "site-v2");

        assertThat(DaemonTestResource.emulator.storage().snapshots("tank/apps/web")).singleElement()
                .satisfies(s -> assertThat(s.name()).startsWith("truenas-gitops-web-" + firstRevision.substring(0, 7)));
    }

    @Test
    @Order(2)
    void getShowsThePlanAndChangesNothing() {
        given().get("/api/v1/stacks/web/rollback?to=" + firstRevision.substring(0, 7)).then().statusCode(200)
                .body("revision", equalTo(firstRevision))
                .body("diff", containsString("nginx:1.26"))
                .body("datasets", hasSize(1))
                .body("datasets[0].dataset", equalTo("tank/apps/web"))
                .body("destroysNewer", equalTo(false))
                .body("problems", hasSize(0));
        assertThat(DaemonTestResource.emulator.storage().content("tank/apps/web")).isEqualTo("site-v2");
        given().get("/api/v1/stacks/web/rollback?to=not-hex").then().statusCode(400)
                .body("detail", containsString("a commit id of 4 to 40 hex digits"));
    }

    @Test
    @Order(3)
    void postNeedsTheTokenThenRestoresDataAndComposeAndSuspendsTheStack() {
        given().post("/api/v1/stacks/web/rollback?to=" + firstRevision).then().statusCode(401);

        given().header("Authorization", BEARER).post("/api/v1/stacks/web/rollback?to=" + firstRevision)
                .then().statusCode(200)
                .body("suspended", equalTo(true))
                .body("message", containsString("the stack stays suspended until resumed"));

        assertThat(DaemonTestResource.emulator.storage().content("tank/apps/web")).isEqualTo("site-v1");
        assertThat(DaemonTestResource.emulator.apps().get("web").orElseThrow().compose().toString())
                .contains("nginx:1.26");
        given().get("/api/v1/stacks/web").then().body("suspended", equalTo(true))
                .body("status", equalTo("suspended"))
                .body("lastAppliedRevision", equalTo(firstRevision))
                .body("reason.code", equalTo("RolledBack"));
        given().get("/api/v1/stacks/web/history").then().statusCode(200)
                .body("[0].operation", equalTo("rollback"))
                .body("[0].outcome", equalTo("rolled-back"))
                .body("[0].revision", equalTo(firstRevision))
                .body("[0].trigger", equalTo("api"))
                .body("[1].operation", equalTo("update"))
                .body("[1].outcome", equalTo("applied"));
        java.util.List<java.util.Map<String, Object>> history = given().get("/api/v1/stacks/web/history").then()
                .extract().path("");
        assertThat(history.get(0).get("fromRevision")).as("the rollback started from the update")
                .isEqualTo(history.get(1).get("revision"));
        given().get("/api/v1/events?stack=web").then().statusCode(200)
                .body("reason", org.hamcrest.Matchers.hasItem("RolledBack"));
        assertThat(given().get("/q/metrics").then().extract().asString())
                .contains("truenas_gitops_rollback_total{result=\"success\"");
    }

    @Test
    @Order(4)
    void aRevisionWithoutTheStacksSnapshotIsRefusedWithNothingChanged() throws Exception {
        DaemonTestResource.emulator.calls().reset();
        String noSnapshot = given().get("/api/v1/stacks/web").then().extract().path("lastAttemptedRevision");

        given().header("Authorization", BEARER).post("/api/v1/stacks/web/rollback?to=" + noSnapshot)
                .then().statusCode(409)
                .body("type", equalTo("tag:truenas-gitops,2026:problem/rollback-refused"))
                .body("detail", containsString("has no snapshot of revision"));
        assertThat(DaemonTestResource.emulator.calls().writes()).isZero();
    }

    @Test
    @Order(4)
    void aCommitTheCloneDoesNotHaveIsNotFoundSoTheCliExitsTwoWithNothingChanged() {
        DaemonTestResource.emulator.calls().reset();

        given().header("Authorization", BEARER).post("/api/v1/stacks/web/rollback?to=deadbeef")
                .then().statusCode(404)
                .body("type", equalTo("tag:truenas-gitops,2026:problem/revision-not-found"))
                .body("detail", containsString("deadbeef"));
        given().get("/api/v1/stacks/web/rollback?to=deadbeef").then().statusCode(404);
        assertThat(DaemonTestResource.emulator.calls().writes()).isZero();
    }

    @Test
    @Order(5)
    void aPassWhileSuspendedKeepsTheRolledBackRevisionAndResumeAnswersTheSuspensionAsItIsNow() {
        syncNow();
        given().get("/api/v1/stacks/web").then().body("lastAppliedRevision", equalTo(firstRevision))
                .body("suspended", equalTo(true));

        given().header("Authorization", BEARER).post("/api/v1/stacks/web/resume").then().statusCode(200)
                .body("suspended", equalTo(false))
                .body("suspendedAtRuntime", equalTo(false))
                .body("suspendedInStackYaml", equalTo(false))
                .body("message", equalTo("stack 'web' resumed: the next pass reconciles it"));
        given().get("/api/v1/stacks/web").then().body("suspended", equalTo(false));
        given().get("/api/v1/stacks/nothing/history").then().statusCode(404);
        given().get("/api/v1/stacks/web/history?limit=0").then().statusCode(400);
    }
}
