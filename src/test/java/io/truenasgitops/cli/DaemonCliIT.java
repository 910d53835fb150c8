package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.truenasgitops.api.V1;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} / {@code get stacks} and {@code sync --server --wait} against a hand-written daemon on
 * 127.0.0.1 that answers with the daemon's own REST records ({@link V1}).
 */
@QuarkusMainTest
class DaemonCliIT {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    static final String TOKEN = "daemon-api-token-42";
    static final String REV = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path tmp;

    HttpServer daemon;
    Path tokenFile;
    final Map<String, Function<HttpExchange, Answer>> routes = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> bearers = new CopyOnWriteArrayList<>();

    record Answer(int status, Object body) {}

    @BeforeEach
    void startDaemon() throws IOException {
        tokenFile = tmp.resolve("api-token");
        Files.writeString(tokenFile, TOKEN + "\n");
        daemon = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // handlers run on their own threads, so one of them can stop the server and wait until it stopped
        daemon.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        daemon.createContext("/", exchange -> {
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI();
            requests.add(key);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            bearers.add(auth == null ? "none" : auth);
            Function<HttpExchange, Answer> route = routes.get(key);
            Answer answer = route == null ? new Answer(404, problem(404, "not-found", "no route " + key)) : route.apply(exchange);
            if (answer == null) {
                exchange.close();
                return;
            }
            byte[] body = JSON.writeValueAsBytes(answer.body());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        daemon.start();
    }

    @AfterEach
    void stopDaemon() {
        daemon.stop(0);
    }

    String server() {
        return "http://127.0.0.1:" + daemon.getAddress().getPort();
    }

    static Map<String, Object> problem(int status, String slug, String detail) {
        return Map.of("type", "tag:truenas-gitops,2026:problem/" + slug, "title", slug, "status", status, "detail", detail);
    }

    static V1.Stack stack(String name, String status, boolean ready, List<String> drift, String error) {
        return new V1.Stack(name, "default", "stacks/" + name, status, ready, "RUNNING", drift, List.of(), REV,
                Instant.parse("2026-12-01T10:00:00Z"), REV, "update", null, error, false, null,
                Instant.parse("2026-12-01T10:00:00Z"), false);
    }

    static final List<V1.Stack> TWO = List.of(stack("traefik", "healthy", true, List.of(), null),
            stack("nextcloud", "stalled", false, List.of("config"), "failed to update app 'nextcloud': [EFAULT] boom"));

    @Test
    void statusShowsEveryStackWithStatusDriftRevisionAndLastError(QuarkusMainLauncher launcher) {
        routes.put("GET /api/v1/stacks", x -> new Answer(200, TWO));

        LaunchResult r = launcher.launch("status", "--server", server(), "--api-token-file", tokenFile.toString());

        assertThat(r.exitCode()).as(r.getErrorOutput()).isZero();
        List<String> lines = CliOutput.lines(r);
        assertThat(lines.get(0)).containsSubsequence("NAME", "STATUS", "READY", "DRIFT", "REVISION", "SUSPENDED", "LAST ERROR");
        assertThat(lines).anySatisfy(l -> assertThat(l).containsSubsequence("traefik", "healthy", "True", "-", "0123456789ab"));
        assertThat(lines).anySatisfy(l -> assertThat(l).containsSubsequence("nextcloud", "stalled", "False", "config",
                "0123456789ab", "failed to update app 'nextcloud': [EFAULT] boom"));
        assertThat(requests).containsExactly("GET /api/v1/stacks");
        assertThat(bearers).containsExactly("Bearer " + TOKEN);
    }

    @Test
    void getStacksAsJsonIsTheDaemonsOwnDocument(QuarkusMainLauncher launcher) throws Exception {
        routes.put("GET /api/v1/stacks", x -> new Answer(200, TWO));

        LaunchResult r = launcher.launch("get", "stacks", "--server", server(), "-o", "json");

        assertThat(r.exitCode()).as(r.getErrorOutput()).isZero();
        JsonNode out = JSON.readTree(String.join("\n", CliOutput.lines(r)));
        assertThat(out).hasSize(2);
        assertThat(out.get(1).path("lastError").asText()).contains("[EFAULT] boom");
        assertThat(out.get(1).path("drift").get(0).asText()).isEqualTo("config");
    }

    @Test
    void watchPrintsAgainOnlyWhenTheStacksChangeAndExitsThreeWhenTheDaemonGoesAway() throws InterruptedException {
        AtomicInteger asked = new AtomicInteger();
        routes.put("GET /api/v1/stacks", x -> switch (asked.incrementAndGet()) {
            case 1, 2 -> new Answer(200, List.of(stack("traefik", "progressing", false, List.of(), null)));
            default -> new Answer(200, List.of(stack("traefik", "healthy", true, List.of(), null)));
        });
        List<java.time.Duration> pauses = new CopyOnWriteArrayList<>();
        // the daemon goes away during the fourth pause, on the watch's own thread: stop returns once the listener
        // is closed, so the fifth ask is refused and never reaches a handler, however loaded the machine is
        WatchOptions.Pause pause = interval -> {
            pauses.add(interval);
            if (pauses.size() == 4) {
                daemon.stop(0);
            }
        };
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        DaemonOptions options = new DaemonOptions();
        options.server = server();

        int exit = StatusCommand.show(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), options,
                new OutputOptions(), true, 7, pause);

        assertThat(exit).as(out + "" + err).isEqualTo(ExitCodes.CONNECTION);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.stream().filter(l -> l.startsWith("NAME"))).hasSize(2);
        assertThat(lines.stream().filter(l -> l.contains("progressing"))).hasSize(1);
        assertThat(lines.stream().filter(l -> l.contains("healthy"))).hasSize(1);
        assertThat(err.toString()).contains("error: cannot reach the daemon at " + server());
        assertThat(asked.get()).isEqualTo(4);
        assertThat(pauses).hasSize(4).containsOnly(java.time.Duration.ofSeconds(7));
    }

    @Test
    void watchRefusesAnIntervalBelowOneSecondBeforeAskingTheDaemon(QuarkusMainLauncher launcher) {
        routes.put("GET /api/v1/stacks", x -> new Answer(200, List.of(stack("traefik", "healthy", true, List.of(), null))));

        LaunchResult r = launcher.launch("status", "--server", server(), "--watch", "--interval", "0");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.getErrorOutput()).contains("--interval must be at least 1 second, not 0");
        assertThat(requests).isEmpty();
    }

    @Test
    void statusWithoutADaemonSaysWhereItLookedAndExitsThree(QuarkusMainLauncher launcher) {
        String gone = server();
        daemon.stop(0);

        LaunchResult r = launcher.launch("status", "--server", gone);

        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(r.getErrorOutput()).contains("error: cannot reach the daemon at " + gone, "--server");
    }

    static Map<String, Object> completed(String stack, String outcome) {
        return Map.of("status", "completed", "stacks", List.of(), "result", outcome.equals("applied") ? "success" : "failure",
                "revision", REV, "actions", List.of(Map.of("stack", stack, "action", "update", "outcome", outcome,
                        "reason", Map.of("code", "ConfigChanged", "message", "update app '" + stack + "'"),
                        "health", "healthy")));
    }

    @Test
    void syncServerWaitRunsOnePassOnTheDaemonAndExitsZeroWhenItApplied(QuarkusMainLauncher launcher) {
        routes.put("POST /api/v1/sync?wait=true", x -> new Answer(200, completed("traefik", "applied")));

        LaunchResult r = launcher.launch("sync", "--server", server(), "--wait", "--api-token-file", tokenFile.toString());

        assertThat(r.exitCode()).as(r.getErrorOutput()).isZero();
        assertThat(String.join("\n", CliOutput.lines(r))).contains("Sync success at 0123456789ab on " + server() + ".")
                .containsPattern("traefik\\s+update\\s+applied\\s+healthy");
        assertThat(requests).containsExactly("POST /api/v1/sync?wait=true");
        assertThat(bearers).containsExactly("Bearer " + TOKEN);
    }

    @Test
    void syncServerWaitForAStackThatStalledExitsOne(QuarkusMainLauncher launcher) {
        routes.put("POST /api/v1/stacks/nextcloud/sync?wait=true", x -> new Answer(200, completed("nextcloud", "stalled")));

        LaunchResult r = launcher.launch("sync", "--server", server(), "--wait", "--stack", "nextcloud",
                "--api-token-file", tokenFile.toString());

        assertThat(r.exitCode()).as(r.getErrorOutput()).isEqualTo(ExitCodes.FAILED);
        assertThat(requests).containsExactly("POST /api/v1/stacks/nextcloud/sync?wait=true");
    }

    @Test
    void syncServerWaitExitsOneWhenTheDaemonsPassLeftADriftedStackUnrevertedAsALocalSyncDoes(
            QuarkusMainLauncher launcher) {
        routes.put("POST /api/v1/sync?wait=true", x -> new Answer(200, Map.of("status", "completed", "stacks",
                List.of(), "result", "no_change", "revision", REV, "actions", List.of(Map.of("stack", "traefik",
                        "action", "unchanged", "outcome", "unchanged", "reason", Map.of("code", "ConfigDrift",
                                "message", "edited on the NAS"), "health", "healthy", "drift", List.of("config"))))));

        LaunchResult r = launcher.launch("sync", "--server", server(), "--wait", "--api-token-file", tokenFile.toString());

        assertThat(r.exitCode()).as(r.getErrorOutput()).isEqualTo(ExitCodes.FAILED);
        assertThat(String.join("\n", CliOutput.lines(r))).contains("not in sync: traefik (drift: config).");
    }

    @Test
    void planServerPrintsTheDaemonsPlanAndExitsAsAPlanMadeHere(QuarkusMainLauncher launcher) throws Exception {
        routes.put("GET /api/v1/plan", x -> new Answer(200, new V1.Plan(REV, Instant.parse("2026-12-01T10:00:00Z"),
                false, true, List.of(new V1.PlannedAction("traefik", "default", "stacks/traefik", "update", true,
                        new V1.Reason("ConfigChanged", "update app 'traefik'"), List.of(), List.of(), List.of(), List.of(), 1,
                        "--- live\n+++ desired\n-  image: traefik:3.0\n+  image: traefik:3.1\n", List.of(), List.of())), List.of())));

        LaunchResult table = launcher.launch("plan", "--server", server());
        LaunchResult json = launcher.launch("plan", "--server", server(), "-o", "json");

        assertThat(table.exitCode()).as(table.getErrorOutput()).isEqualTo(ExitCodes.FAILED);
        assertThat(String.join("\n", CliOutput.lines(table))).contains("Source: the daemon's repository at 0123456789ab",
                "ConfigChanged: update app 'traefik'", "+  image: traefik:3.1", "Plan: 0 to create, 1 to update");
        assertThat(json.exitCode()).isEqualTo(ExitCodes.FAILED);
        JsonNode doc = JSON.readTree(String.join("\n", CliOutput.lines(json)));
        assertThat(doc.path("actions").get(0).path("action").asText()).isEqualTo("update");
        assertThat(doc.path("createdAt").asText()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(requests).containsExactly("GET /api/v1/plan", "GET /api/v1/plan");
    }

    @Test
    void syncServerForAnUnknownStackOrWithoutTheTokenIsAUsageError(QuarkusMainLauncher launcher) {
        routes.put("POST /api/v1/stacks/nosuch/sync?wait=true", x -> new Answer(404,
                problem(404, "stack-not-found", "no stack 'nosuch' was seen by the last pass")));
        routes.put("POST /api/v1/sync?wait=true", x -> new Answer(401,
                problem(401, "unauthorized", "this endpoint needs the API token")));

        LaunchResult unknown = launcher.launch("sync", "--server", server(), "--wait", "--stack", "nosuch",
                "--api-token-file", tokenFile.toString());
        LaunchResult noToken = launcher.launch("sync", "--server", server(), "--wait");

        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.getErrorOutput()).contains("stack-not-found", "no stack 'nosuch'");
        assertThat(noToken.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noToken.getErrorOutput()).contains("--api-token-file");
    }

    @Test
    void syncServerWithoutWaitOnlyQueuesAPassAndSaysHowToFollowIt(QuarkusMainLauncher launcher) {
        routes.put("POST /api/v1/sync?wait=false", x -> new Answer(202, Map.of("status", "queued", "stacks", List.of())));

        LaunchResult r = launcher.launch("sync", "--server", server(), "--api-token-file", tokenFile.toString());

        assertThat(r.exitCode()).as(r.getErrorOutput()).isZero();
        assertThat(String.join("\n", CliOutput.lines(r))).contains("queued a pass on " + server(),
                "status --server " + server() + " --watch");
        assertThat(requests).containsExactly("POST /api/v1/sync?wait=false");
    }

    @Test
    void waitWithoutServerIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("sync", "--wait", "--repo", tmp.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.getErrorOutput()).contains("--wait goes with --server");
        assertThat(requests).isEmpty();
    }
}
