package io.truenasgitops.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.truenasgitops.app.DaemonTestResource;
import org.junit.jupiter.api.Test;

/**
 * With {@code read-requires-token} the status page follows the REST API: nothing is shown without the API token,
 * given as a bearer header or through the sign-in form, whose session cookie holds no token and only reads.
 */
@QuarkusTest
@QuarkusTestResource(value = DaemonTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "truenas-gitops.api.read-requires-token", value = "true"))
class StatusPageAuthIT {

    static final String BEARER = "Bearer " + DaemonTestResource.TOKEN;

    @Test
    void withoutTheTokenThePageIsASignInFormAndShowsNoStack() {
        given().header("Authorization", BEARER).post("/api/v1/sync?wait=true").then().statusCode(200);

        for (String path : new String[] {"/", "/stacks/web"}) {
            String html = given().get(path).then().statusCode(401).contentType("text/html").extract().asString();
            assertThat(html).contains("<form method=\"post\" action=\"/sign-in\"")
                    .contains("<label for=\"signin-token\">API token</label>")
                    .contains("name=\"next\" value=\"" + path + "\"")
                    .doesNotContain("href=\"/stacks/web\"").doesNotContain("Recent events");
        }
        given().get("/status-page/stream").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void theBearerTokenOpensThePageAsItOpensTheApi() {
        given().header("Authorization", BEARER).post("/api/v1/sync?wait=true").then().statusCode(200);
        assertThat(given().header("Authorization", BEARER).get("/").then().statusCode(200).extract().asString())
                .contains("<a href=\"/stacks/web\">web</a>");
        given().header("Authorization", "Bearer wrong").get("/").then().statusCode(403);
    }

    @Test
    void signingInSetsASessionCookieThatHoldsNoTokenAndReadsThePage() {
        given().header("Authorization", BEARER).post("/api/v1/sync?wait=true").then().statusCode(200);
        String wrong = given().redirects().follow(false).formParam("token", "wrong").formParam("next", "/stacks/web")
                .post("/sign-in").then().statusCode(403).extract().asString();
        assertThat(wrong).contains("role=\"alert\"").contains("is not the daemon");

        Response signedIn = given().redirects().follow(false).formParam("token", DaemonTestResource.TOKEN)
                .formParam("next", "/stacks/web").post("/sign-in");
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.header("Location")).endsWith("/stacks/web");
        String setCookie = signedIn.header("Set-Cookie");
        assertThat(setCookie).contains(PageAccess.COOKIE + "=").containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict").doesNotContain(DaemonTestResource.TOKEN);
        String session = signedIn.cookie(PageAccess.COOKIE);

        assertThat(given().cookie(PageAccess.COOKIE, session).get("/stacks/web").then().statusCode(200).extract().asString())
                .contains("Difference from Git").contains("action=\"/sign-out\"");
        // a cookie that is no session of this daemon gets the sign-in form, as no cookie does
        assertThat(given().cookie(PageAccess.COOKIE, session + "0").get("/").then().statusCode(401).extract().asString())
                .contains("<form method=\"post\" action=\"/sign-in\"");
        // the cookie reads, it never writes: the API still wants the bearer token
        given().cookie(PageAccess.COOKIE, session).post("/api/v1/sync").then().statusCode(401);
        given().cookie(PageAccess.COOKIE, session).get("/api/v1/stacks").then().statusCode(401);
    }

    @Test
    void afterSigningInOnlyPathsOfThisSiteAreFollowed() {
        for (String next : new String[] {"https://evil.example/", "//evil.example/", "/\\evil.example"}) {
            given().redirects().follow(false).formParam("token", DaemonTestResource.TOKEN).formParam("next", next)
                    .post("/sign-in").then().statusCode(303)
                    .header("Location", org.hamcrest.Matchers.endsWith("/"))
                    .header("Location", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("evil")));
        }
    }

    static String signIn() {
        Response r = given().redirects().follow(false).formParam("token", DaemonTestResource.TOKEN)
                .formParam("next", "/").post("/sign-in");
        assertThat(r.statusCode()).isEqualTo(303);
        return r.cookie(PageAccess.COOKIE);
    }

    @Test
    void eachSignInGetsItsOwnSessionAndSigningOutEndsThatOneOnly() {
        String first = signIn();
        String second = signIn();
        assertThat(first).isNotBlank().isNotEqualTo(second);
        given().cookie(PageAccess.COOKIE, first).get("/").then().statusCode(200);
        given().cookie(PageAccess.COOKIE, second).get("/").then().statusCode(200);

        Response out = given().redirects().follow(false).cookie(PageAccess.COOKIE, first).post("/sign-out");
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.header("Set-Cookie")).contains(PageAccess.COOKIE + "=;").containsIgnoringCase("Max-Age=0");

        assertThat(given().cookie(PageAccess.COOKIE, first).get("/").then().statusCode(401).extract().asString())
                .contains("<form method=\"post\" action=\"/sign-in\"").doesNotContain("action=\"/sign-out\"");
        given().cookie(PageAccess.COOKIE, first).get("/status-page/stream").then().statusCode(401);
        assertThat(given().cookie(PageAccess.COOKIE, second).get("/").then().statusCode(200).extract().asString())
                .contains("action=\"/sign-out\"");
    }
}
