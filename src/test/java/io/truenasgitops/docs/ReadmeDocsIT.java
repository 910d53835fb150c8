package io.truenasgitops.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truenasgitops.docs.ShellSession.Background;
import io.truenasgitops.emulator.DockerTestEngine;
import io.truenasgitops.docs.ShellSession.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks README.md as a newcomer does: builds (this build), starts {@code demo}, pastes the {@code export} lines
 * it prints into a second shell, and runs every command of the tour there, checking each against the output
 * the README shows (volatile values aside). The commands are read from README.md at test time.
 */
class ReadmeDocsIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path tmp;

    private Background demo;
    private ShellSession shell;
    private int httpPort;
    /** {@code demo --docker}: its process, or null before it starts or without an engine (then its steps skip). */
    private Background dockerDemo;
    private int appPort;
    private String dockerUnavailable;
    private boolean demoImageExisted;
    /** How many times the README asked the demo for a pass over REST. */
    private int syncsAsked;

    @Test
    void everyReadmeCommandRunsAndPrintsWhatTheReadmeShows() throws Exception {
        Path project = DocWalk.projectDir();
        DocWalk.assertJarBuilt(project);
        MarkdownCommands readme = MarkdownCommands.read(project.resolve("README.md"));
        Path home = Files.createDirectories(tmp.resolve("home"));
        DocWalk.writeGitIdentity(home);
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        httpPort = DocWalk.freePort();
        appPort = DocWalk.freePort();
        String ciCommand = ciRunCommand(project);

        DocWalk walk = new DocWalk()
                // The demo's REST API listens on a free port here, not on 8080 (other things may run on it).
                .substitute("localhost:8080", "localhost:" + httpPort)
                .step("build and demo", "\\./mvnw -B -ntp package -DskipTests && (" + Pattern.quote(DocWalk.LAUNCHER)
                        + " demo)",
                        (doc, command, m) -> startDemo(m.group(1)))
                .step("test command", "\\./mvnw -B -ntp verify", (doc, command, m) ->
                        // This very build is that command: check it is the one CI runs.
                        assertThat(command).as("README's test command and .ci/run").isEqualTo(ciCommand))
                .step("apps list", Pattern.quote(DocWalk.CLI + " apps list"), this::appsList)
                .step("edit a stack", "sed -i '[^']+' \\$DEMO/repo/stacks/\\S+/(compose|stack)\\.yaml", this::succeeds)
                .step("commit", "git -C \\$DEMO/repo commit -qam \"[^\"]+\"", this::succeeds)
                .step("plan", Pattern.quote(DocWalk.CLI) + " plan --repo \\$DEMO/repo --secrets-dir \\$DEMO/secrets",
                        this::plan)
                .step("sync over REST", "curl -X POST -H \"Authorization: Bearer \\$\\(cat \\$DEMO/api-token\\)\" "
                        + "http://localhost:" + httpPort + "/api/v1/sync", this::restSync)
                .step("metrics", "curl -s http://localhost:" + httpPort + "/q/metrics \\| grep .*", this::metrics)
                .step("history", Pattern.quote(DocWalk.CLI) + " history traefik", this::daemonCommand)
                .step("suspend", Pattern.quote(DocWalk.CLI) + " suspend traefik", this::daemonCommand)
                .step("resume", Pattern.quote(DocWalk.CLI) + " resume traefik", this::daemonCommand)
                .step("history with data", Pattern.quote(DocWalk.CLI) + " history monitoring", this::daemonCommand)
                .step("rollback with data", Pattern.quote(DocWalk.CLI + " rollback monitoring --to "
                        + "$(git -C $DEMO/repo rev-list --max-parents=0 HEAD) --yes"), this::rollback)
                .step("resume after rollback", Pattern.quote(DocWalk.CLI) + " resume monitoring", this::daemonCommand)
                // demo --docker publishes its app on a free port here, not on 18080.
                .substitute("127.0.0.1:18080", "127.0.0.1:" + appPort)
                .step("docker demo", Pattern.quote(DocWalk.CLI + " demo --docker"), (doc, command, m) -> startDockerDemo(command))
                .step("curl a container", Pattern.quote("curl -s http://127.0.0.1:" + appPort + "/"), this::curlContainer);

        shell = new ShellSession(project, DocWalk.cleanEnvironment(home), scratch);
        try (ShellSession session = shell) {
            List<String> ran;
            try {
                ran = walk.walk(readme);
            } finally {
                stopDockerDemo();
            }
            assertThat(ran).as("the README's commands, in order")
                    .containsSubsequence("build and demo", "apps list", "edit a stack", "commit", "plan",
                            "sync over REST", "metrics", "history", "suspend", "resume", "edit a stack", "commit",
                            "sync over REST", "history with data", "rollback with data", "resume after rollback",
                            "docker demo",
                            "curl a container")
                    .contains("test command");
            assertThat(demo).as("the README starts the demo").isNotNull();
            // The shown first pass and the pass after the sync must be what the demo logged.
            assertLogBlocksAppearIn(readme, demo.stdout());
            // Ctrl-C (SIGINT) and SIGTERM take the same shutdown path; 130/143 is the JVM's exit on a signal.
            int exit = demo.stop(Duration.ofSeconds(60));
            assertThat(exit).as(demo.describe()).isIn(0, 130, 143);
            assertThat(demo.stdout() + demo.stderr()).as("the demo's output").doesNotContain("ERROR");
        }
    }

    /**
     * {@code demo --docker} on the engine of DOCKER_HOST, on a free app port. Without an engine its commands are
     * skipped with a message, except under CI=true, where that fails the walk.
     */
    private void startDockerDemo(String command) {
        dockerUnavailable = DockerTestEngine.unavailableReason();
        if (dockerUnavailable != null) {
            assertThat(DockerTestEngine.underCi()).as("CI=true needs a Docker Engine for the README's demo --docker: "
                    + dockerUnavailable).isFalse();
            System.out.println("ReadmeDocsIT: skipping the README's demo --docker commands: " + dockerUnavailable);
            return;
        }
        demoImageExisted = DockerTestEngine.run(List.of("docker", "image", "inspect", DEMO_IMAGE), null).exit() == 0;
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("DOCKER_HOST", System.getenv("DOCKER_HOST"));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        try {
            env.put("QUARKUS_HTTP_PORT", Integer.toString(DocWalk.freePort()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        dockerDemo = shell.start(command + " --app-port " + appPort, env);
        await("demo --docker's first pass").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    assertThat(dockerDemo.process().isAlive()).as(dockerDemo.describe()).isTrue();
                    assertThat(dockerDemo.stdout()).containsPattern("pass at [0-9a-f]+: success");
                });
    }

    private void curlContainer(MarkdownCommands.Command doc, String command, Matcher m) {
        if (dockerDemo == null) {
            return; // skipped above, with the reason
        }
        Result r = shell.run(command, null, COMMAND_TIMEOUT);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(DocWalk.normalizedLines(r.stdout())).as("output of " + doc).containsExactlyElementsOf(shown(doc));
    }

    /** Stops demo --docker (its project goes with it) and removes the image if the walk built it. */
    private void stopDockerDemo() throws InterruptedException {
        if (dockerDemo == null) {
            return;
        }
        int exit = dockerDemo.stop(Duration.ofSeconds(60));
        assertThat(exit).as(dockerDemo.describe()).isIn(0, 130, 143);
        assertThat(DockerTestEngine.containersOf("ix-hello")).as("demo --docker removed its compose project").isEmpty();
        if (!demoImageExisted) {
            DockerTestEngine.run(List.of("docker", "image", "rm", DEMO_IMAGE), null);
        }
        assertThat(dockerDemo.stdout() + dockerDemo.stderr()).as("demo --docker's output").doesNotContain("ERROR");
    }

    private static final String DEMO_IMAGE = "truenas-gitops-demo/hello:busybox";

    /** The README's only test command is the one CI runs. */
    private static String ciRunCommand(Path project) throws Exception {
        List<String> mvn = Files.readAllLines(project.resolve(".ci/run")).stream()
                .filter(l -> l.startsWith("./mvnw")).toList();
        assertThat(mvn).as(".ci/run runs exactly one ./mvnw command").hasSize(1);
        return mvn.get(0);
    }

    private void startDemo(String javaCommand) {
        // The README's build is the one running this test (no Maven in Maven): the jar must be there.
        DocWalk.assertJarBuilt(DocWalk.projectDir());
        demo = shell.start(javaCommand, Map.of(
                // Bind loopback only, on a free port.
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", Integer.toString(httpPort),
                // No poll during the walk: the plan must still see the change, and the sync must come from
                // the README's POST (the demo polls every minute otherwise).
                "TRUENAS_GITOPS_RECONCILE_INTERVAL", "1h"));
        await("the demo's welcome").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    assertThat(demo.process().isAlive()).as(demo.describe()).isTrue();
                    assertThat(demo.stdout()).contains("export DEMO=");
                });
        Path demoDir = Path.of(demo.stdout().lines().map(String::strip).filter(l -> l.startsWith("export DEMO="))
                .findFirst().orElseThrow().substring("export DEMO=".length()));
        int[] retriedAt = {0};
        await("the demo's first pass").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    assertThat(demo.process().isAlive()).as(demo.describe()).isTrue();
                    String out = demo.stdout();
                    if (Pattern.compile("pass at [0-9a-f]+: success").matcher(out).find()) {
                        return true;
                    }
                    // On a machine so loaded that the first TLS handshake with the emulated NAS times out, the pass
                    // fails with TargetUnreachable and (polling being off here) nothing retries it: ask for a pass,
                    // as a person would. DemoIT checks that one pass applies everything when the machine is not.
                    int unreachable = out.split("TargetUnreachable", -1).length - 1;
                    if (unreachable > retriedAt[0]) {
                        retriedAt[0] = unreachable;
                        System.out.println("ReadmeDocsIT: the demo's pass could not reach its NAS; asking for another");
                        postSync(demoDir.resolve("api-token"));
                    }
                    return false;
                });
        // The welcome suggests the README's launcher, by the path that works from the project folder.
        assertThat(demo.stdout()).as("the demo's welcome").contains(DocWalk.LAUNCHER + " apps list")
                .doesNotContain("java -jar");
        // What a person does next: paste the export lines the demo printed into the other terminal.
        List<String> exports = demo.stdout().lines().map(String::strip).filter(l -> l.startsWith("export ")).toList();
        assertThat(exports).as("the demo prints export lines").isNotEmpty();
        for (String export : exports) {
            Result r = shell.run(export, null, COMMAND_TIMEOUT);
            assertThat(r.exitCode()).as(r.describe()).isZero();
        }
        assertThat(shell.env()).as("the demo's exports").containsKeys("DEMO", "TRUENAS_URL", "TRUENAS_TLS_FINGERPRINT",
                "TRUENAS_USERNAME", "TRUENAS_API_KEY_FILE", "TRUENAS_GITOPS_API_TOKEN_FILE");
    }

    private void postSync(Path tokenFile) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + httpPort + "/api/v1/sync"))
                .header("Authorization", "Bearer " + Files.readString(tokenFile).strip())
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build();
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    }

    private void appsList(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = shell.run(command, null, COMMAND_TIMEOUT);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(DocWalk.normalizedLines(r.stdout())).as("output of " + doc)
                .containsExactlyElementsOf(shown(doc));
    }

    private void succeeds(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = shell.run(command, null, COMMAND_TIMEOUT);
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }

    private void plan(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = shell.run(command, null, COMMAND_TIMEOUT);
        assertThat(r.exitCode()).as("exit 1: changes pending\n" + r.describe()).isEqualTo(1);
        assertThat(DocWalk.normalizedLines(r.stdout())).as("output of " + doc)
                .containsExactlyElementsOf(shown(doc));
    }

    private void restSync(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = shell.run(command, null, COMMAND_TIMEOUT);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(DocWalk.normalizedLines(r.stdout())).as("output of " + doc).containsExactlyElementsOf(shown(doc));
        // The README asks twice (traefik's change, then monitoring's): each waits for its own pass.
        syncsAsked++;
        await("the pass the sync asked for").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(demo.stdout().split("success \\(1 writes", -1).length - 1)
                        .isGreaterThanOrEqualTo(syncsAsked));
        assertThat(demo.stdout()).containsPattern(syncsAsked == 1 ? "updated app 'traefik'" : "updated app 'monitoring'");
    }

    /**
     * A command that asks the demo's daemon (history, suspend, resume): the README's default --server is the demo's
     * 127.0.0.1:8080, here its free port, as TRUENAS_GITOPS_SERVER says for this command only.
     */
    private void daemonCommand(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = shell.run("TRUENAS_GITOPS_SERVER=http://127.0.0.1:" + httpPort + " " + command, null,
                COMMAND_TIMEOUT);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(DocWalk.normalizedLines(r.stdout())).as("output of " + doc).containsExactlyElementsOf(shown(doc));
    }

    /**
     * {@code rollback monitoring --to <the demo's first commit> --yes}: the plan and the answer as the README shows
     * them, the snapshot's name (revision and time) and the daemon's port aside.
     */
    private void rollback(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = shell.run("TRUENAS_GITOPS_SERVER=http://127.0.0.1:" + httpPort + " " + command, null,
                COMMAND_TIMEOUT);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(snapshotNames(DocWalk.normalizedLines(r.stdout().replace("127.0.0.1:" + httpPort, "127.0.0.1:8080"))))
                .as("output of " + doc).containsExactlyElementsOf(snapshotNames(shown(doc)));
    }

    /** A snapshot of this tool is named {@code truenas-gitops-<stack>-<rev7>-<yyyyMMddTHHmmssZ>}. */
    private static List<String> snapshotNames(List<String> lines) {
        return lines.stream().map(l -> l.replaceAll("-[0-9a-f]{7}-\\d{8}T\\d{6}Z\\b", "-<rev7>-<stamp>")).toList();
    }

    private void metrics(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = shell.run(command, null, COMMAND_TIMEOUT);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        // Prometheus text has no fixed order of series: the same lines, in any order.
        assertThat(DocWalk.normalizedLines(r.stdout())).as("output of " + doc)
                .containsExactlyInAnyOrderElementsOf(shown(doc));
    }

    /** The output the README shows under a command, normalised, without the blank lines that end it. */
    private static List<String> shown(MarkdownCommands.Command doc) {
        List<String> lines = new ArrayList<>(DocWalk.normalizedLines(String.join("\n", doc.shown())));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** Every log line the README shows (blocks of log lines, no commands) is a line the demo really logged. */
    private static void assertLogBlocksAppearIn(MarkdownCommands readme, String log) {
        List<String> logged = DocWalk.normalizedLines(log);
        List<MarkdownCommands.Block> logBlocks = readme.blocks().stream()
                .filter(b -> b.info().isEmpty() && !b.hasPrompt() && !b.lines().isEmpty()
                        && b.lines().stream().allMatch(l -> l.matches("(INFO|WARN|ERROR)\\s+\\[.*")))
                .toList();
        assertThat(logBlocks).as("README blocks of demo log lines").hasSizeGreaterThanOrEqualTo(2);
        for (MarkdownCommands.Block block : logBlocks) {
            for (String line : DocWalk.normalizedLines(String.join("\n", block.lines()))) {
                assertThat(logged).as("README line " + block.line() + " block: a line the demo logged").contains(line);
            }
        }
    }
}
