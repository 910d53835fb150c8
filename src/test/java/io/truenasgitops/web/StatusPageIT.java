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
        assertThat(html).as("the sync form stays hidden until the script shows it").contains("<form class=\"sync\" data-endpoint=\"/api/v1/sync\"");
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
                .contains("Events of web");
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
    @Order(6)
    void anOpenedSignInFormIsRefusedWhenReadsNeedNoToken() {
        // without read-requires-token there is nothing to sign in to, but a wrong token is still no session
        given().redirects().follow(false).formParam("token", "wrong").post("/sign-in").then().statusCode(403);
    }
}
