package io.truenasgitops.app;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Liveness fails when a pass hangs far longer than allowed (here: the NAS answers app.query after 10 s). */
@QuarkusTest
@QuarkusTestResource(value = DaemonTestResource.class, restrictToAnnotatedClass = true, initArgs = {
    @ResourceArg(name = "truenas-gitops.reconcile.interval", value = "200ms"),
    @ResourceArg(name = "truenas-gitops.reconcile.jitter", value = "0"),
    @ResourceArg(name = "truenas-gitops.health.max-pass-duration", value = "500ms")
})
class StuckLoopIT {

    @Inject
    Daemon daemon;

    @AfterEach
    void clearFaults() {
        DaemonTestResource.emulator.faults().clear();
    }

    @Test
    void livenessIsDownWhileAPassHangsAndTheLoopIsLiveAgainAfterwards() {
        given().get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'reconcile-loop' }.data.loop", equalTo("not started"));
        DaemonTestResource.emulator.faults().latency("app.query", Duration.ofSeconds(10));

        daemon.start();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/live").then().statusCode(503)
                .body("checks.find { it.name == 'reconcile-loop' }.data.reason", containsString("the loop is stuck"))
                .body("checks.find { it.name == 'reconcile-loop' }.data.reason", org.hamcrest.Matchers.not(containsString("PT")))
                .body("checks.find { it.name == 'reconcile-loop' }.data.sinceLastPass", org.hamcrest.Matchers.not(containsString("PT"))));
        DaemonTestResource.emulator.faults().clear();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/live").then().statusCode(200));
    }
}
