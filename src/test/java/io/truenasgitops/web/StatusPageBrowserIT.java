package io.truenasgitops.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.truenasgitops.app.DaemonTestResource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The status page in a real headless Chromium against the daemon, the emulator and a Git repository with three
 * stacks, one of them drifted (its image changed in the TrueNAS UI). Saves screenshots of the overview and of the
 * drifted stack under {@code target/screenshots/}, audits accessibility (landmarks, labels, contrast of every
 * status colour in light and dark mode), and syncs with the keyboard only; then uses each action of the page (the
 * overview's Sync now on a drifted stack, suspend and resume, recent logs, history, the token shared by tabs) and
 * checks its effect on the emulated NAS.
 */
@QuarkusTest
@QuarkusTestResource(value = DaemonTestResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusPageBrowserIT {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final String BEARER = "Bearer " + DaemonTestResource.TOKEN;
    /** Every class the page gives a status colour, so the contrast audit measures all of them. */
    static final List<String> COLOURED = List.of("s-healthy", "s-progressing", "s-degraded", "s-missing", "s-stalled",
            "s-stopped", "s-suspended", "s-unknown", "drift", "e-Warning", "e-Normal", "t-up", "t-unreachable",
            "t-apps-service-down", "t-unknown", "k-added", "k-changed", "k-removed", "cond c-True cond-ImageUpdateAvailable",
            "cond c-True", "cond c-False", "o-applied", "o-failed", "o-rolled-back", "o-rollback-failed", "o-deleted");

    static Chromium browser;

    @TestHTTPResource("/")
    URL root;

    @BeforeAll
    static void startTheBrowser() throws Exception {
        Chromium.require();
        browser = Chromium.launch();
    }

    @AfterAll
    static void stopTheBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    String url(String path) {
        return root.toString().replaceAll("/$", "") + path;
    }

    @Test
    @Order(1)
    void setUpThreeStacksOneOfThemDrifted() throws Exception {
        DaemonTestResource.commit("stacks/whoami/compose.yaml", """
                services:
                  whoami:
                    image: traefik/whoami:v1.10
                """, "whoami: add a test service");
        DaemonTestResource.commit("stacks/media/compose.yaml", """
                services:
                  jellyfin:
                    image: jellyfin/jellyfin:10.10.3
                """, "media: jellyfin 10.10.3");
        DaemonTestResource.commit("stacks/media/stack.yaml", "state: stopped\n", "media: keep stopped until the dataset exists");
        given().header("Authorization", BEARER).post("/api/v1/sync?wait=true").then().statusCode(200);
        BrowserFixtures.driftWebImage("nginx:1.25");
        given().header("Authorization", BEARER).post("/api/v1/sync?wait=true").then().statusCode(200);
        given().get("/api/v1/stacks/web").then().statusCode(200).body("drift", org.hamcrest.Matchers.hasItem("config"));
    }

    @Test
    @Order(2)
    void theOverviewShowsEveryStackAndGoesLive() throws IOException {
        browser.colorScheme("light");
        browser.viewport(1280, 900);
        browser.navigate(url("/"));
        await("the live-update stream").atMost(Duration.ofSeconds(20))
                .until(() -> browser.eval("!document.querySelector('.live').hidden && document.querySelector('.live').textContent === 'live'").asBoolean());

        assertThat(browser.text("document.querySelector('h1').textContent")).isEqualTo("Some stacks need a look");
        assertThat(rows()).containsExactly("media", "web", "whoami");
        assertThat(browser.text("document.querySelector('a[href=\"/stacks/web\"]').closest('tr').querySelector('.badge.drift').textContent"))
                .isEqualTo("config");
        assertThat(browser.text("document.querySelector('a[href=\"/stacks/media\"]').closest('tr').querySelector('.badge').textContent"))
                .isEqualTo("stopped");
        assertThat(browser.eval("document.querySelector('form.sync').hidden").asBoolean())
                .as("the script shows the sync form").isFalse();

        browser.screenshot(SCREENSHOTS.resolve("overview.png"), 1280);
        browser.colorScheme("dark");
        browser.screenshot(SCREENSHOTS.resolve("overview-dark.png"), 1280);
        browser.colorScheme("light");
        assertThat(SCREENSHOTS.resolve("overview.png")).isNotEmptyFile();
    }

    @Test
    @Order(3)
    void theOverviewPassesTheAccessibilityAuditInLightAndDarkMode() throws IOException {
        browser.navigate(url("/"));
        for (String scheme : List.of("light", "dark")) {
            browser.colorScheme(scheme);
            JsonNode result = auditWithEveryStatusColour();
            assertThat(problems(result)).as("accessibility problems in %s mode", scheme).isEmpty();
            assertThat(result.path("measured").asInt()).as("elements whose contrast was measured").isGreaterThan(COLOURED.size());
        }
        browser.colorScheme("light");
    }

    @Test
    @Order(4)
    void onANarrowScreenNothingOverflowsSideways() throws IOException {
        browser.viewport(390, 844);
        browser.navigate(url("/"));
        assertThat(browser.eval("document.documentElement.scrollWidth <= window.innerWidth").asBoolean()).isTrue();
        browser.screenshot(SCREENSHOTS.resolve("overview-narrow.png"), 390);
        browser.viewport(1280, 900);
    }

    @Test
    @Order(5)
    void theDriftedStackShowsWhatDiffersFromGit() throws IOException {
        browser.navigate(url("/stacks/web"));
        assertThat(browser.text("document.querySelector('h1 .badge.drift').textContent")).isEqualTo("config drift");
        assertThat(browser.text("document.querySelector('table.changes .live-value').textContent")).isEqualTo("nginx:1.25");
        assertThat(browser.text("document.querySelector('table.changes .desired-value').textContent")).isEqualTo("nginx:1.27");
        assertThat(browser.text("document.querySelector('.facts').textContent")).contains("default").contains("stacks/web");
        browser.eval("document.querySelector('details.unified').open = true");
        browser.screenshot(SCREENSHOTS.resolve("stack-drifted.png"), 1280);
        JsonNode result = browser.eval(audit());
        assertThat(problems(result)).as("accessibility problems of the stack page").isEmpty();
    }

    @Test
    @Order(6)
    void withoutJavaScriptThePageStillReadsAndHidesTheSyncButton() {
        browser.scripts(false);
        try {
            browser.navigate(url("/"));
            assertThat(rows()).containsExactly("media", "web", "whoami");
            assertThat(browser.eval("document.querySelector('form.sync').getClientRects().length").asInt()).isZero();
        } finally {
            browser.scripts(true);
        }
    }

    @Test
    @Order(7)
    void theSyncButtonIsReachedWithTabAndPressedWithEnterAndTheRevertedDriftShowsLive() {
        browser.navigate(url("/stacks/web"));
        await("the live-update stream").atMost(Duration.ofSeconds(20))
                .until(() -> browser.eval("document.querySelector('.live').textContent === 'live'").asBoolean());
        int writesBefore = DaemonTestResource.emulator.calls().writes();

        assertThat(tabUntil("document.activeElement.id === 'sync-token'")).as("Tab reaches the token field").isTrue();
        browser.type(DaemonTestResource.TOKEN);
        browser.press("Tab");
        assertThat(browser.text("document.activeElement.textContent")).isEqualTo("Sync now");
        browser.press("Enter");

        await("the sync result").atMost(Duration.ofSeconds(30))
                .until(() -> browser.text("document.querySelector('.sync-result').textContent").startsWith("Sync "));
        assertThat(browser.text("document.querySelector('.sync-result').textContent")).doesNotContain("Not synced");
        assertThat(browser.text("sessionStorage.getItem('truenas-gitops.api-token')")).isEqualTo(DaemonTestResource.TOKEN);
        await("the app reverted to Git").atMost(Duration.ofSeconds(30))
                .until(() -> DaemonTestResource.emulator.calls().writes() > writesBefore);
        await("the page updated without a reload").atMost(Duration.ofSeconds(30))
                .until(() -> browser.eval("document.querySelector('h1 .badge.drift') === null"
                        + " && document.querySelector('p.ok') !== null").asBoolean());
        assertThat(browser.eval("document.querySelector('.token-field').hidden").asBoolean())
                .as("the token is kept for this tab").isTrue();
    }

    @Test
    @Order(8)
    void aWrongTokenIsRefusedAndForgotten() {
        browser.navigate(url("/"));
        browser.eval("sessionStorage.setItem('truenas-gitops.api-token', 'wrong'); true");
        browser.navigate(url("/"));
        browser.eval("document.querySelector('form.sync button[type=submit]').click(); true");
        await("the refusal").atMost(Duration.ofSeconds(20))
                .until(() -> browser.text("document.querySelector('.sync-result').textContent").startsWith("Not synced"));
        assertThat(browser.text("document.querySelector('.sync-result').textContent")).contains("not the daemon's API token");
        assertThat(browser.eval("sessionStorage.getItem('truenas-gitops.api-token')").isNull()).isTrue();
        assertThat(browser.eval("document.querySelector('.token-field').hidden").asBoolean()).isFalse();
    }

    @Test
    @Order(9)
    void aChangeMadeElsewhereAppearsOnAnOpenPageWithoutAReload() {
        browser.navigate(url("/"));
        await("the live-update stream").atMost(Duration.ofSeconds(20))
                .until(() -> browser.eval("document.querySelector('.live').textContent === 'live'").asBoolean());
        assertThat(browser.eval("document.querySelectorAll('.badge.drift').length").asInt()).isZero();
        browser.eval("window.notReloaded = true");

        BrowserFixtures.driftWebImage("nginx:1.26");
        given().header("Authorization", BEARER).post("/api/v1/sync?wait=true").then().statusCode(200);

        await("the drift on the open page").atMost(Duration.ofSeconds(30))
                .until(() -> browser.eval("document.querySelectorAll('.badge.drift').length").asInt() == 1);
        assertThat(browser.eval("window.notReloaded === true").asBoolean()).as("the same document, updated in place").isTrue();
        assertThat(browser.text("document.querySelector('h1').textContent")).isEqualTo("Some stacks need a look");
    }

    @Test
    @Order(10)
    void theOverviewsSyncNowRevertsTheDriftItHighlights() throws IOException {
        // test 9 left web drifted (nginx:1.26 on the NAS, nginx:1.27 in Git); self-heal is off
        assertThat(webImage()).isEqualTo("nginx:1.26");
        browser.navigate(url("/"));
        await("the live-update stream").atMost(Duration.ofSeconds(20))
                .until(() -> browser.eval("document.querySelector('.live').textContent === 'live'").asBoolean());
        assertThat(browser.text("document.querySelector('form.sync').getAttribute('data-endpoint')"))
                .isEqualTo("/api/v1/sync?revertDrift=true");
        browser.eval("document.getElementById('sync-token').focus(); true");
        browser.type(DaemonTestResource.TOKEN);
        browser.press("Enter");

        await("the app's config back as Git has it").atMost(Duration.ofSeconds(30))
                .until(() -> "nginx:1.27".equals(webImage()));
        await("the drift gone from the open page").atMost(Duration.ofSeconds(30))
                .until(() -> browser.eval("document.querySelectorAll('.badge.drift').length === 0"
                        + " && document.querySelector('h1').textContent === 'All stacks in sync'").asBoolean());
        assertThat(browser.text("document.querySelector('.sync-result').textContent")).startsWith("Sync ")
                .doesNotContain("Not synced");
        browser.screenshot(SCREENSHOTS.resolve("overview-synced.png"), 1280);
    }

    @Test
    @Order(11)
    void aStackIsSuspendedWithTheKeyboardAndResumedFromItsPage() throws IOException {
        browser.navigate(url("/stacks/web"));
        assertThat(browser.eval("document.querySelector('.stack-actions').hidden").asBoolean())
                .as("the script shows the actions").isFalse();
        assertThat(tabUntil("document.activeElement.getAttribute('data-action') === 'suspend'"))
                .as("Tab reaches Suspend").isTrue();
        browser.press("Enter");

        await("the suspension on the page").atMost(Duration.ofSeconds(30))
                .until(() -> browser.eval("document.querySelector('button[data-action=resume]') !== null").asBoolean());
        assertThat(browser.text("document.getElementById('action-result').textContent"))
                .startsWith("Stack 'web' is suspended");
        assertThat(browser.text("document.querySelector('.facts').textContent")).contains("Suspendedyes");
        assertThat(browser.text("document.querySelector('h1 .suspended-now').textContent")).isEqualTo("suspended");
        given().get("/api/v1/stacks/web").then().statusCode(200).body("suspended", org.hamcrest.Matchers.is(true));
        browser.screenshot(SCREENSHOTS.resolve("stack-suspended.png"), 1280);

        browser.eval("document.querySelector('button[data-action=resume]').click(); true");
        await("the resume on the page").atMost(Duration.ofSeconds(30))
                .until(() -> browser.eval("document.querySelector('button[data-action=suspend]') !== null").asBoolean());
        assertThat(browser.text("document.getElementById('action-result').textContent")).startsWith("Stack 'web' resumed");
        given().get("/api/v1/stacks/web").then().statusCode(200).body("suspended", org.hamcrest.Matchers.is(false));
    }

    @Test
    @Order(12)
    void theRecentLogLinesOfTheStacksContainersShowOnItsPage() throws IOException {
        browser.navigate(url("/stacks/web"));
        browser.eval("document.querySelector('button[data-action=logs]').click(); true");
        await("the log lines").atMost(Duration.ofSeconds(30))
                .until(() -> browser.eval("!document.getElementById('logs').hidden"
                        + " && document.querySelectorAll('#logs pre.log').length > 0").asBoolean());
        String log = browser.text("document.querySelector('#logs pre.log').textContent");
        assertThat(log).contains("starting web (nginx:1.27)").contains("ready to accept connections");
        assertThat(browser.text("document.querySelector('#logs h3').textContent")).startsWith("web ");
        assertThat(browser.text("document.activeElement.className")).as("focus moves to the logs").isEqualTo("log");
        browser.screenshot(SCREENSHOTS.resolve("stack-logs.png"), 1280);
        browser.viewport(390, 844);
        assertThat(browser.eval("document.documentElement.scrollWidth <= window.innerWidth").asBoolean())
                .as("the logs and the history fit a phone's width").isTrue();
        browser.screenshot(SCREENSHOTS.resolve("stack-logs-narrow.png"), 390);
        browser.viewport(1280, 900);
        JsonNode result = browser.eval(audit());
        assertThat(problems(result)).as("accessibility problems of the stack page with its logs").isEmpty();
    }

    @Test
    @Order(13)
    void theStacksHistoryListsItsAppliesWithWhatTriggeredThem() {
        browser.navigate(url("/stacks/web"));
        JsonNode rows = browser.eval("Array.from(document.querySelectorAll('table.history tbody tr')).map(r =>"
                + " [r.querySelector('[data-label=Outcome]').textContent.trim(), r.querySelector('[data-label=Trigger]').textContent.trim()])");
        assertThat(rows.size()).as("history rows: %s", rows).isGreaterThanOrEqualTo(2);
        List<String> outcomes = new ArrayList<>();
        rows.forEach(r -> outcomes.add(r.get(0).asText() + "/" + r.get(1).asText()));
        assertThat(outcomes).as("the revert of test 10 (api) is the newest").first().isEqualTo("applied/api");
        assertThat(outcomes).allMatch(o -> o.startsWith("applied/"));
    }

    @Test
    @Order(14)
    void theTokenIsAskedOncePerBrowserSessionAndAnotherTabGetsIt() throws Exception {
        assertThat(browser.text("sessionStorage.getItem('truenas-gitops.api-token')")).isEqualTo(DaemonTestResource.TOKEN);
        try (Chromium tab = browser.newTab()) {
            tab.navigate(url("/stacks/web"));
            await("the token from the open tab").atMost(Duration.ofSeconds(20))
                    .until(() -> DaemonTestResource.TOKEN.equals(tab.text("sessionStorage.getItem('truenas-gitops.api-token') || ''")));
            assertThat(tab.eval("document.querySelector('.token-field').hidden").asBoolean())
                    .as("the new tab does not ask again").isTrue();
            tab.eval("document.querySelector('button[data-action=logs]').click(); true");
            await("logs read with the shared token").atMost(Duration.ofSeconds(30))
                    .until(() -> tab.eval("document.querySelectorAll('#logs pre.log').length > 0").asBoolean());

            // "Forget token" in one tab forgets it in all of them
            tab.eval("document.querySelector('form.sync .forget').click(); true");
            await("forgotten in the first tab too").atMost(Duration.ofSeconds(20))
                    .until(() -> browser.eval("sessionStorage.getItem('truenas-gitops.api-token') === null").asBoolean());
        }
    }

    private static String webImage() {
        @SuppressWarnings("unchecked")
        var services = (java.util.Map<String, Object>) DaemonTestResource.emulator.apps().get("web").orElseThrow()
                .compose().get("services");
        @SuppressWarnings("unchecked")
        var web = (java.util.Map<String, Object>) services.get("web");
        return String.valueOf(web.get("image"));
    }

    private List<String> rows() {
        JsonNode names = browser.eval("Array.from(document.querySelectorAll('table.stacks tbody th a')).map(a => a.textContent)");
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add(n.asText()));
        return out;
    }

    private boolean tabUntil(String condition) {
        for (int i = 0; i < 20; i++) {
            browser.press("Tab");
            if (browser.eval(condition).asBoolean()) {
                return true;
            }
        }
        return false;
    }

    /** Runs the audit with one sample of every status colour added to the page, so that all are measured. */
    private JsonNode auditWithEveryStatusColour() throws IOException {
        String samples = String.join("", COLOURED.stream()
                .map(c -> "<span class=\"" + (c.contains(" ") ? c : "badge " + c) + "\">" + c + "</span> ").toList());
        browser.eval("(() => { const s = document.createElement('section'); s.id = 'audit-samples';"
                + " s.setAttribute('aria-labelledby', 'audit-samples-title');"
                + " s.innerHTML = '<h2 id=\"audit-samples-title\">samples</h2><p>" + samples.replace("'", "\\'") + "</p>';"
                + " document.querySelector('main').appendChild(s); return true; })()");
        try {
            return browser.eval(audit());
        } finally {
            browser.eval("document.getElementById('audit-samples').remove(); true");
        }
    }

    private static List<String> problems(JsonNode result) {
        List<String> out = new ArrayList<>();
        result.path("problems").forEach(p -> out.add(p.asText()));
        return out;
    }

    private static String audit() throws IOException {
        try (InputStream in = StatusPageBrowserIT.class.getResourceAsStream("/web/audit.js")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

}
