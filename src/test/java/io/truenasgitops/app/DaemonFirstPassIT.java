package io.truenasgitops.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * A daemon before and after its first pass, on an application of its own (the resource argument keeps it
 * apart from {@link DaemonApiIT}'s, whose tests each start from an applied stack).
 */
@QuarkusTest
@QuarkusTestResource(value = DaemonTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "truenas-gitops.reconcile.shutdown-timeout", value = "6s")})
class DaemonFirstPassIT {

    @Inject
    Daemon daemon;

    @Test
    void theFirstPassConnectsOnQuarkusVertxCreatesTheAppAndMakesTheDaemonReady() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'truenas-gitops' }.data.git", equalTo("not fetched yet"));
        long vertxBefore = vertxInstances();
        assertThat(daemon.targets().get("default").isConnected()).isFalse();

        // the first sync connects the target from a REST worker thread
        DaemonApiIT.syncNow().then().statusCode(200)
                .body("status", equalTo("completed"))
                .body("result", equalTo("success"))
                .body("actions.find { it.stack == 'web' }.action", equalTo("create"))
                .body("actions.find { it.stack == 'web' }.outcome", equalTo("applied"));

        assertThat(DaemonTestResource.emulator.apps().state("web")).isEqualTo("RUNNING");
        assertThat(DaemonTestResource.emulator.calls().count("app.create")).isEqualTo(1);
        given().get("/q/health/ready").then().statusCode(200);
        // on Quarkus' Vert.x: connecting started no Vert.x instance (event loops, checker thread) of its own
        assertThat(daemon.targets().get("default").isConnected()).isTrue();
        assertThat(vertxInstances()).isLessThanOrEqualTo(vertxBefore);
    }

    /** Live Vert.x instances in this JVM: each runs exactly one blocked-thread checker thread. */
    static long vertxInstances() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("vertx-blocked-thread-checker")).count();
    }
}
