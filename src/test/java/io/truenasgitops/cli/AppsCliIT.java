package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The apps, deploy, jobs and call commands, launched like the jar, against an emulator started here. */
@QuarkusMainTest
class AppsCliIT {

    static final Map<String, Object> WEB = Map.of("services", Map.of("web", Map.of("image", "nginx:1.27")));
    static TrueNasEmulator emulator;
    static Path keyFile;

    @TempDir
    Path dir;

    @BeforeAll
    static void startEmulator() throws Exception {
        // Netty instantiates a Bouncy Castle provider for every fresh class loader unless one is registered;
        // each launch here has its own class loader, so register one JVM-wide (saves seconds per launch).
        if (java.security.Security.getProvider("BC") == null) {
            java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
        // Every CLI launch logs in anew, and a real NAS allows 20 logins per minute from one address: this class
        // launches more than that within a minute, so the emulator's login rate limit is raised for it.
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withLogLineInterval(Duration.ofMillis(20))
                .withRateLimit(1000, Duration.ofSeconds(60), Duration.ZERO));
        keyFile = Files.createTempFile("truenas-key", ".txt");
        Files.writeString(keyFile, emulator.apiKey() + "\n");
    }

    @AfterAll
    static void stopEmulator() throws Exception {
        emulator.close();
        Files.deleteIfExists(keyFile);
    }

    @BeforeEach
    void clean() {
        emulator.apps().list().forEach(a -> emulator.apps().remove(a.name()));
        emulator.faults().clear();
        emulator.calls().reset();
    }

    static String[] args(String... command) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of("--url", "wss://localhost:" + emulator.port(), "--api-key-file", keyFile.toString(),
                "--username", emulator.username(), "--tls-fingerprint", emulator.tlsFingerprint()));
        return all.toArray(String[]::new);
    }

    static void assertNoKey(LaunchResult result) {
        assertThat(result.getOutput()).doesNotContain(emulator.apiKey());
        assertThat(result.getErrorOutput()).doesNotContain(emulator.apiKey());
    }

    @Test
    void deployCreatesThenUpdatesAndKeepsYaml12Strings(QuarkusMainLauncher launcher) throws Exception {
        Path compose = dir.resolve("compose.yaml");
        Files.writeString(compose, """
                services:
                  ssh:
                    image: linuxserver/openssh-server
                    ports:
                      - 22:22
                    environment:
                      PASSWORD_ACCESS: yes
                """);
        LaunchResult created = launcher.launch(args("deploy", compose.toString(), "--name", "ssh"));
        assertThat(created.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(created.getOutput()).contains("created app 'ssh'");
        // Not a terminal: one plain progress line per change, on stderr.
        assertThat(created.getErrorOutput()).contains("app.create SUCCESS 100%");
        @SuppressWarnings("unchecked")
        Map<String, Object> ssh = (Map<String, Object>) ((Map<String, Object>) emulator.apps().get("ssh").orElseThrow()
                .compose().get("services")).get("ssh");
        assertThat(ssh.get("ports")).asList().containsExactly("22:22");
        assertThat(ssh.get("environment")).isEqualTo(Map.of("PASSWORD_ACCESS", "yes"));

        LaunchResult updated = launcher.launch(args("deploy", compose.toString(), "--name", "ssh"));
        assertThat(updated.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(updated.getOutput()).contains("updated app 'ssh'");
        assertThat(emulator.calls().count("app.create")).isEqualTo(1);
        assertThat(emulator.calls().count("app.update")).isEqualTo(1);
        assertNoKey(created);
        assertNoKey(updated);
    }

    @Test
    void deployRefusesAnInvalidNameWithoutConnecting(QuarkusMainLauncher launcher) throws Exception {
        Path compose = dir.resolve("compose.yaml");
        Files.writeString(compose, "services: {web: {image: nginx}}\n");
        LaunchResult result = launcher.launch(args("deploy", compose.toString(), "--name", "Bad_Name"));
        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.getErrorOutput()).contains("invalid app name 'Bad_Name'");
        assertThat(emulator.calls().snapshot()).isEmpty();
    }

    @Test
    void listGetAndConfigShowTheApps(QuarkusMainLauncher launcher) throws Exception {
        emulator.apps().put("web", WEB, "RUNNING");

        LaunchResult list = launcher.launch(args("apps", "list"));
        assertThat(list.exitCode()).isZero();
        assertThat(list.getOutput()).contains("NAME").contains("web").contains("RUNNING");

        LaunchResult json = launcher.launch(args("apps", "list", "-o", "json"));
        JsonNode apps = new ObjectMapper().readTree(json.getOutput());
        assertThat(apps.isArray()).isTrue();
        assertThat(apps.get(0).path("name").asText()).isEqualTo("web");

        LaunchResult get = launcher.launch(args("apps", "get", "web"));
        assertThat(get.getOutput()).contains("state:      RUNNING").contains("nginx:1.27");

        LaunchResult config = launcher.launch(args("apps", "config", "web"));
        assertThat(config.exitCode()).isZero();
        assertThat(config.getOutput()).contains("services:").contains("image: nginx:1.27");
        assertNoKey(list);
    }

    @Test
    void anEmptyListFromAStoppedAppsServiceComesWithAWarningOnStderr(QuarkusMainLauncher launcher) {
        emulator.apps().put("web", WEB, "RUNNING");
        emulator.faults().dockerState(io.truenasgitops.emulator.DockerState.UNCONFIGURED);

        LaunchResult json = launcher.launch(args("apps", "list", "-o", "json"));
        LaunchResult table = launcher.launch(args("apps", "list"));

        assertThat(json.exitCode()).isZero();
        assertThat(json.getOutput().strip()).isEqualTo("[ ]");
        assertThat(json.getErrorOutput()).contains("warning: the list is empty because the apps service (Docker) on",
                "is UNCONFIGURED (Application(s) are not configured)", "Choose Pool");
        assertThat(table.getOutput()).contains("no apps");
        assertThat(table.getErrorOutput()).contains("is UNCONFIGURED");

        emulator.faults().dockerState(io.truenasgitops.emulator.DockerState.RUNNING);
        emulator.apps().remove("web");
        LaunchResult empty = launcher.launch(args("apps", "list"));
        assertThat(empty.getErrorOutput()).doesNotContain("warning");
    }

    @Test
    void anUnknownAppIsAFailedOperation(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch(args("apps", "get", "ghost"));
        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.getErrorOutput()).contains("app 'ghost' does not exist");
        LaunchResult stop = launcher.launch(args("apps", "stop", "ghost"));
        assertThat(stop.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(stop.getErrorOutput()).contains("failed to stop app 'ghost'").contains("App ghost does not exist");
    }

    @Test
    void stopStartRestartAndDeleteRunTheirJobs(QuarkusMainLauncher launcher) {
        emulator.apps().put("web", WEB, "RUNNING");

        assertThat(launcher.launch(args("apps", "stop", "web")).getOutput()).contains("stopped app 'web'");
        assertThat(emulator.apps().state("web")).isEqualTo("STOPPED");
        assertThat(launcher.launch(args("apps", "start", "web")).exitCode()).isZero();
        await().until(() -> "RUNNING".equals(emulator.apps().state("web")));
        assertThat(launcher.launch(args("apps", "restart", "web")).getOutput()).contains("restarted app 'web'");
        assertThat(emulator.calls().count("app.start")).isEqualTo(2);

        LaunchResult delete = launcher.launch(args("apps", "delete", "web", "--keep-images", "--yes"));
        assertThat(delete.exitCode()).isZero();
        assertThat(delete.getOutput()).contains("deleted app 'web'");
        assertThat(emulator.apps().get("web")).isEmpty();
    }

    @Test
    void getShowsThePublishedPortsOfTheAppAndOfEachContainer(QuarkusMainLauncher launcher) {
        emulator.apps().put("web", Map.of("services", Map.of("web", Map.of("image", "nginx:1.27",
                "ports", List.of("8080:80", "127.0.0.1:8443:443/tcp")))), "RUNNING");

        LaunchResult get = launcher.launch(args("apps", "get", "web"));

        assertThat(get.exitCode()).as(get.getErrorOutput()).isZero();
        assertThat(get.getOutput()).contains("->80/tcp").contains("127.0.0.1:8443->443/tcp");
        assertThat(get.getOutput()).containsPattern("(?m)^ports: .*8080->80/tcp")
                .containsPattern("(?m)^ +web +running +nginx:1.27 +.*8080->80/tcp");
    }

    @Test
    void deleteWithoutATerminalOrYesDeletesNothingAndSaysHowToConfirm(QuarkusMainLauncher launcher) {
        emulator.apps().put("web", WEB, "RUNNING");

        LaunchResult refused = launcher.launch(args("apps", "delete", "web"));

        assertThat(refused.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.getErrorOutput()).contains("also deletes its named volumes", "confirm with --yes");
        assertThat(emulator.apps().get("web")).isPresent();
        assertThat(emulator.calls().snapshot()).isEmpty();
    }

    @Test
    void logsPrintTheTailAndFollowUntilTheContainerStops(QuarkusMainLauncher launcher) throws Exception {
        emulator.apps().put("web", WEB, "RUNNING");

        LaunchResult tail = launcher.launch(args("apps", "logs", "web", "--tail", "3"));
        assertThat(tail.exitCode()).isZero();
        assertThat(tail.getOutput().lines().count()).isEqualTo(3);

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            int before = emulator.calls().count("core.subscribe");
            Future<LaunchResult> follow = pool.submit(() -> launcher.launch(args("apps", "logs", "web", "-f",
                    "--service", "web")));
            // core.get_jobs + the log subscription of the follow command.
            await().until(() -> emulator.calls().count("core.subscribe") >= before + 2);
            emulator.apps().crash("web");
            LaunchResult followed = follow.get();
            assertThat(followed.exitCode()).isZero();
            assertThat(followed.getOutput()).isNotBlank();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void followingLogsSurvivesAMiddlewareRestartSaysSoAndPrintsNoLineTwice(QuarkusMainLauncher launcher)
            throws Exception {
        emulator.apps().put("web", WEB, "RUNNING");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            int before = emulator.calls().count("core.subscribe");
            Future<LaunchResult> follow = pool.submit(() -> launcher.launch(args("apps", "logs", "web", "-f",
                    "--service", "web")));
            await().until(() -> emulator.calls().count("core.subscribe") >= before + 2);

            emulator.restartMiddleware();

            // the client reconnects (its own job subscription) and the follower subscribes to the log again
            await().atMost(Duration.ofSeconds(60)).until(() -> emulator.calls().count("core.subscribe") >= before + 4);
            emulator.apps().crash("web");
            LaunchResult followed = follow.get();
            assertThat(followed.exitCode()).isZero();
            assertThat(followed.getErrorOutput()).contains("following again once the NAS answers")
                    .contains("logs of app 'web' (web): following again");
            assertThat(followed.getOutput().lines().filter(l -> l.startsWith("starting web"))).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void jobsCanBeListedShownAndAwaited(QuarkusMainLauncher launcher) {
        emulator.apps().put("web", WEB, "RUNNING");
        long id;
        try (var client = io.truenasgitops.truenas.TrueNasClient.connect(io.truenasgitops.truenas.ConnectionSettings
                .builder(emulator.url()).apiKey(emulator.apiKey()).username(emulator.username())
                .tlsFingerprint(emulator.tlsFingerprint()).build())) {
            id = client.startJob("app.stop", "web");
        }

        LaunchResult wait = launcher.launch(args("jobs", "wait", String.valueOf(id)));
        assertThat(wait.exitCode()).isZero();
        assertThat(wait.getOutput()).contains("job " + id + " (app.stop) SUCCESS");
        LaunchResult list = launcher.launch(args("jobs", "list", "--method", "app.stop"));
        assertThat(list.exitCode()).isZero();
        assertThat(list.getOutput()).contains("ID").contains("app.stop").contains("SUCCESS");
        LaunchResult get = launcher.launch(args("jobs", "get", String.valueOf(id), "-o", "json"));
        assertThat(get.getOutput()).contains("\"method\" : \"app.stop\"");
    }

    @Test
    void callSendsRawCallsLikeMidclt(QuarkusMainLauncher launcher) throws Exception {
        emulator.apps().put("web", WEB, "RUNNING");

        LaunchResult ping = launcher.launch(args("call", "core.ping"));
        assertThat(ping.getOutput().trim()).isEqualTo("\"pong\"");
        LaunchResult query = launcher.launch(args("call", "app.query", "[[\"name\",\"=\",\"web\"]]"));
        assertThat(new ObjectMapper().readTree(query.getOutput()).get(0).path("name").asText()).isEqualTo("web");
        LaunchResult job = launcher.launch(args("call", "-j", "app.stop", "web"));
        assertThat(job.exitCode()).isZero();
        assertThat(job.getOutput().trim()).isEqualTo("null");
        assertThat(emulator.apps().state("web")).isEqualTo("STOPPED");
    }

    @Test
    void connectionProblemsHaveTheirExitCodes(QuarkusMainLauncher launcher) throws Exception {
        LaunchResult noUrl = launcher.launch("apps", "list", "--api-key-file", keyFile.toString());
        assertThat(noUrl.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noUrl.getErrorOutput()).contains("TRUENAS_URL");

        LaunchResult insecure = launcher.launch("apps", "list", "--url", "ws://nas.example", "--api-key-file",
                keyFile.toString());
        assertThat(insecure.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(insecure.getErrorOutput()).contains("refusing to send the API key");

        LaunchResult untrusted = launcher.launch("apps", "list", "--url", "wss://localhost:" + emulator.port(),
                "--api-key-file", keyFile.toString(), "--username", emulator.username());
        assertThat(untrusted.exitCode()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(untrusted.getErrorOutput()).contains(emulator.tlsFingerprint());

        Path wrongKey = dir.resolve("wrong.key");
        Files.writeString(wrongKey, "1-" + "y".repeat(64));
        LaunchResult refused = launcher.launch("apps", "list", "--url", "wss://localhost:" + emulator.port(),
                "--api-key-file", wrongKey.toString(), "--username", emulator.username(), "--tls-fingerprint",
                emulator.tlsFingerprint());
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(refused.getErrorOutput()).contains("AUTH_ERR").doesNotContain("y".repeat(64));
    }
}
