package io.truenasgitops.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.truenasgitops.app.DaemonTestResource;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The status page as a client without JavaScript sees it (server-rendered HTML), and the API explorer, against
 * the emulator and a real Git repository. The browser tests are in {@link StatusPageBrowserIT}.
 */
@QuarkusTest
@QuarkusTestResource(value = DaemonTestResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusPageIT {

    static final String BEARER = "Bearer " + DaemonTestResource.TOKEN;

    @Test
    @Order(1)
    void theOverviewListsEveryStackWithItsStatusRevisionAndCommitMessageWithoutScript() {
        given().header("Authorization", BEARER).post("/api/v1/sync?wait=true").then().statusCode(200);

        String html = given().accept("text/html").get("/").then().statusCode(200)
                .contentType("text/html").header("Content-Security-Policy", org.hamcrest.Matchers.containsString("default-src 'self'"))
                .extract().asString();

        assertThat(html).contains("<a href=\"/stacks/web\">web</a>")
                .contains("<span class=\"badge s-healthy\">healthy</span>")
                .contains("All stacks in sync")
                .contains("<span class=\"msg\">web</span>") // the commit message of the applied revision
                .contains("NAS targets").contains("Git source").contains("Recent events")
                .contains("<span class=\"badge t-up\">up</span>");
        assertThat(html).as("the sync form stays hidden until the script shows it").contains("<form class=\"sync\" data-endpoint=\"/api/v1/sync?revertDrift=true\"");
    }

    @Test
    @Order(2)
    @SuppressWarnings("unchecked")
    void aDriftedStackShowsItsDriftOnTheOverviewAndItsSemanticDiffOnItsPage() {
        Map<String, Object> live = BrowserFixtures.driftWebImage("nginx:1.25");
        assertThat(live).isNotEmpty();
        given().header("Authorization", BEARER).post("/api/v1/sync?wait=true").then().statusCode(200);

        assertThat(given().get("/").then().statusCode(200).extract().asString())
                .contains("Some stacks need a look")
                .contains("<span class=\"badge drift\">config</span>");
        String stack = given().get("/stacks/web").then().statusCode(200).extract().asString();
        assertThat(stack).contains("Difference from Git")
                .contains("<code class=\"live-value\">nginx:1.25</code>")
                .contains("<code class=\"desired-value\">nginx:1.27</code>")
                .contains("data-endpoint=\"/api/v1/stacks/web/sync\"")
                .contains("Events of web")
                .contains("the next pass leaves it as it is and only reports the drift")
                .doesNotContain("a pass would")
                .contains("History of web").contains("<span class=\"badge o-applied\">applied</span>")
                .contains("data-action=\"suspend\"").contains("data-action=\"logs\"");
    }

    @Test
    @Order(3)
    void anUnknownStackIsAnHtmlNotFoundPage() {
        String html = given().get("/stacks/nope").then().statusCode(404).contentType("text/html").extract().asString();
        assertThat(html).contains("No stack “nope”").contains("<a href=\"/\">All stacks</a>");
    }

    @Test
    @Order(4)
    void theApiExplorerIsServedByTheDaemon() {
        String html = given().get("/q/swagger-ui/").then().statusCode(200).contentType("text/html").extract().asString();
        assertThat(html).containsIgnoringCase("swagger-ui");
        assertThat(given().get("/q/swagger-ui/index.html").then().statusCode(200).extract().asString())
                .contains("/q/openapi");
    }

    @Test
    @Order(4)
    void theApiExplorerIsBuiltIntoThePackagedDaemonToo() {
        // tests and dev mode always have it; the packaged daemon only with this build-time switch
        assertThat(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.swagger-ui.always-include", Boolean.class)).isTrue();
    }

    @Test
    @Order(5)
    void thePageIsNotPartOfTheOpenApiDocument() {
        String doc = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString();
        assertThat(doc).contains("/api/v1/stacks").doesNotContain("/status-page/stream").doesNotContain("/sign-in");
    }

    @Test
    @Order(7)
    void aStacksRecentLogsNeedTheTokenEvenWhenReadsDoNotAndAreBounded() {
        given().get("/api/v1/stacks/web/logs").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").get("/api/v1/stacks/web/logs").then().statusCode(403);
        given().header("Authorization", BEARER).get("/api/v1/stacks/web/logs?lines=0").then().statusCode(400);
        given().header("Authorization", BEARER).get("/api/v1/stacks/web/logs?lines=201").then().statusCode(400);
        given().header("Authorization", BEARER).get("/api/v1/stacks/nope/logs").then().statusCode(404);

        var body = given().header("Authorization", BEARER).get("/api/v1/stacks/web/logs?lines=2").then().statusCode(200)
                .extract().jsonPath();
        assertThat(body.getString("stack")).isEqualTo("web");
        assertThat(body.getList("containers")).hasSize(1);
        assertThat(body.getString("containers[0].service")).isEqualTo("web");
        assertThat(body.getList("containers[0].lines", String.class)).hasSize(2)
                .as("the last two of the container's tail").contains("ready to accept connections");
    }

    @Test
    @Order(8)
    void aSessionCookieAloneNeverAuthorisesAnAction() {
        // the actions are authorised by the bearer header only, which another site cannot make a browser send
        given().cookie(PageAccess.COOKIE, "anything").post("/api/v1/stacks/web/suspend").then().statusCode(401);
        given().cookie(PageAccess.COOKIE, "anything").post("/api/v1/sync?revertDrift=true").then().statusCode(401);
        given().get("/api/v1/stacks/web").then().statusCode(200).body("suspended", org.hamcrest.Matchers.is(false));
    }

    @Test
    @Order(9)
    @SuppressWarnings("unchecked")
    void syncEveryStackWithRevertDriftPutsTheDriftedAppBackAsGitHasIt() {
        // test 2 left web drifted, and a plain pass only reports it
        given().header("Authorization", BEARER).post("/api/v1/sync?wait=true").then().statusCode(200);
        given().get("/api/v1/stacks/web").then().body("drift", org.hamcrest.Matchers.hasItem("config"));

        given().header("Authorization", BEARER).post("/api/v1/sync?wait=true&revertDrift=true").then().statusCode(200);

        Map<String, Object> services = (Map<String, Object>) DaemonTestResource.emulator.apps().get("web").orElseThrow()
                .compose().get("services");
        assertThat(((Map<String, Object>) services.get("web")).get("image")).isEqualTo("nginx:1.27");
        given().get("/api/v1/stacks/web").then().body("drift", org.hamcrest.Matchers.empty());
    }

    @Test
    @Order(6)
    void anOpenedSignInFormIsRefusedWhenReadsNeedNoToken() {
        // without read-requires-token there is nothing to sign in to, but a wrong token is still no session
        given().redirects().follow(false).formParam("token", "wrong").post("/sign-in").then().statusCode(403);
    }
}
