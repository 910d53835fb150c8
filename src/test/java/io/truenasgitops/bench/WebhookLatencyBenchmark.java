package io.truenasgitops.bench;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.truenasgitops.api.WebhookSignatures;
import io.truenasgitops.app.Daemon;
import io.truenasgitops.app.DaemonTestResource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Measures how fast a signed GitHub push webhook gets the daemon working: from sending the request to (a) the
 * pass reading the NAS ({@code app.query} arriving at the emulator, i.e. the Git fetch is done and the pass is
 * under way) and (b) the pass finishing. Not a test (no assertion on time); run it explicitly:
 *
 * <pre>./mvnw -B -ntp -o verify -Dtest=WebhookLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * It rewrites its section of {@code docs/performance.md}.
 */
@QuarkusTest
@QuarkusTestResource(value = DaemonTestResource.class, restrictToAnnotatedClass = true)
class WebhookLatencyBenchmark {

    static final int WARMUP = 5;
    static final int PUSHES = Integer.getInteger("bench.pushes", 40);
    static final String START = "<!-- bench:webhook-latency:start -->";
    static final String END = "<!-- bench:webhook-latency:end -->";

    @Inject
    Daemon daemon;

    @Test
    void webhookToPassLatency() throws Exception {
        WebhookSignatures signer = new WebhookSignatures(DaemonTestResource.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8));
        byte[] body = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + "c".repeat(40) + "\"}").getBytes(StandardCharsets.UTF_8);
        String signature = "sha256=" + signer.sign(body);
        daemon.start();
        awaitPasses(1);

        List<Double> toObserve = new ArrayList<>();
        List<Double> toDone = new ArrayList<>();
        List<Double> response = new ArrayList<>();
        for (int i = 0; i < WARMUP + PUSHES; i++) {
            long passes = daemon.loop().passes();
            int queries = DaemonTestResource.emulator.calls().count("app.query");
            long t0 = System.nanoTime();
            given().header("X-GitHub-Event", "push").header("X-Hub-Signature-256", signature)
                    .contentType(ContentType.JSON).body(body).post("/hooks/git").then().statusCode(202);
            long t1 = System.nanoTime();
            long observed = 0;
            while (daemon.loop().passes() <= passes) {
                if (observed == 0 && DaemonTestResource.emulator.calls().count("app.query") > queries) {
                    observed = System.nanoTime();
                }
                LockSupport.parkNanos(100_000);
                assertThat(System.nanoTime() - t0).as("pass %d finished", i).isLessThan(TimeUnit.SECONDS.toNanos(30));
            }
            long done = System.nanoTime();
            if (observed == 0) {
                observed = done;
            }
            if (i >= WARMUP) {
                response.add(ms(t1 - t0));
                toObserve.add(ms(observed - t0));
                toDone.add(ms(done - t0));
            }
        }
        write(response, toObserve, toDone);
    }

    void awaitPasses(long n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (daemon.loop().passes() < n && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static String row(String what, List<Double> v) {
        return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |", what, percentile(v, 50), percentile(v, 95),
                Collections.max(v));
    }

    static void write(List<Double> response, List<Double> toObserve, List<Double> toDone) throws Exception {
        String section = String.join("\n",
                START,
                "## Webhook → reconcile pass latency",
                "",
                "How long after a signed GitHub push webhook the daemon is at work, measured by",
                "`src/test/java/io/truenasgitops/bench/WebhookLatencyBenchmark.java` against the emulator and a local",
                "Git repository with one stack (" + PUSHES + " pushes after " + WARMUP + " warm-up pushes, each waiting for",
                "the previous pass to end; the reconcile interval is 1 h so every pass comes from the webhook).",
                "",
                "| from sending the webhook to | median ms | p95 ms | max ms |",
                "|---|---|---|---|",
                row("the 202 response", response),
                row("the pass reading the NAS (Git fetch done)", toObserve),
                row("the pass finished (nothing to change)", toDone),
                "",
                "Measured " + Instant.now().toString().substring(0, 16) + "Z on " + Runtime.getRuntime().availableProcessors()
                        + " CPUs (shared with other builds while measured: expect less on an idle box), Java "
                        + System.getProperty("java.version") + ". Run it with:",
                "",
                "```",
                "./mvnw -B -ntp -o verify -Dtest=WebhookLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false",
                "```",
                "(`-Dbench.pushes=N` changes the number of pushes.)",
                END);
        PerformanceReport.writeSection(section, START, END);
    }
}
