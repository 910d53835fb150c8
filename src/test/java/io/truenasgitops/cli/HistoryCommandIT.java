package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.truenasgitops.api.V1;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code history}, {@code suspend} and {@code resume} against a hand-written daemon on 127.0.0.1 that answers with
 * the daemon's own REST records: what is asked (path, token, the CLI's User-Agent), the table (coloured only on a
 * terminal), -o json/yaml, and the daemon's refusals as exit codes.
 */
class HistoryCommandIT {

    /** As the daemon (Quarkus's mapper) writes them: instants as ISO-8601 text. */
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    static final String NEW = "243753e52d5e0123456789abcdef0123456789ab";
    static final String OLD = "e6235e14f0100123456789abcdef0123456789ab";

    @TempDir
    Path tmp;

    HttpServer daemon;
    Path tokenFile;
    final Map<String, Object> answers = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> agents = new CopyOnWriteArrayList<>();
    final List<String> tokens = new CopyOnWriteArrayList<>();
    boolean colours;
    Terminal previous;

    @BeforeEach
    void setUp() throws IOException {
        tokenFile = tmp.resolve("token");
        Files.writeString(tokenFile, "api-token-7\n");
        daemon = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        daemon.createContext("/", exchange -> {
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI();
            requests.add(key);
            agents.add(String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")));
            tokens.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            Object body = answers.get(key);
            byte[] bytes = JSON.writeValueAsBytes(body != null ? body : Map.of("type",
                    "tag:truenas-gitops,2026:problem/stack-not-found", "status", 404, "detail",
                    "no stack 'wbe' was seen by the last pass; GET /api/v1/stacks lists the known ones"));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        daemon.start();
        previous = Terminal.use(new Terminal() {
            public boolean interactive() {
                return false;
            }

            public boolean colours() {
                return colours;
            }

            public String ask(PrintWriter err, String question) {
                return null;
            }
        });
    }

    @AfterEach
    void tearDown() {
        Terminal.use(previous);
        daemon.stop(0);
    }

    static List<V1.HistoryEntry> traefikHistory() {
        return List.of(
                new V1.HistoryEntry(3, Instant.parse("2026-12-07T11:52:10.123456Z"), NEW, OLD, "update", "failed",
                        new V1.Reason("JobFailed", "failed to update app 'traefik' on target 'default': job 98 failed:"
                                + " [EFAULT] Failed 'up' action\nfor 'traefik' app"), "retry", 3),
                new V1.HistoryEntry(2, Instant.parse("2026-12-07T11:50:03Z"), OLD, NEW, "rollback", "rolled-back",
                        new V1.Reason("RolledBack", "rolled stack 'traefik' back to revision e6235e1 (compose only)"),
                        "cli", 1),
                new V1.HistoryEntry(1, Instant.parse("2026-12-07T11:49:40Z"), OLD, null, "create", "applied",
                        new V1.Reason("ReconciliationSucceeded", "created app 'traefik': created (revision e6235e14f010)"),
                        "startup", 1));
    }

    int run(StringWriter out, StringWriter err, Object command, String... args) {
        CommandLine cli = RootCommand.commandLine(CommandLine.defaultFactory(), List.of(command));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", "http://127.0.0.1:" + daemon.getAddress().getPort(), "--api-token-file",
                tokenFile.toString()));
        return cli.execute(all.toArray(String[]::new));
    }

    @Test
    void historyPrintsTheDaemonsEntriesNewestFirstAsATable() {
        answers.put("GET /api/v1/stacks/traefik/history?limit=20", traefikHistory());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = run(out, err, new HistoryCommand(), "history", "traefik");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().lines().toList()).satisfiesExactly(
                header -> assertThat(header).startsWith("ID  REVISION      WHEN                  WHAT      OUTCOME")
                        .endsWith("TRIGGER  REASON"),
                failed -> assertThat(failed).startsWith("3   243753e52d5e  2026-12-07T11:52:10Z  update    failed (3 times)")
                        .contains("retry    failed to update app 'traefik'")
                        .contains("[EFAULT] Failed 'up' action").endsWith("…"),
                rolledBack -> assertThat(rolledBack).startsWith("2   e6235e14f010  2026-12-07T11:50:03Z  rollback  rolled-back")
                        .contains("cli      rolled stack 'traefik' back to revision e6235e1"),
                created -> assertThat(created).startsWith("1   e6235e14f010  2026-12-07T11:49:40Z  create    applied"));
        assertThat(out.toString()).doesNotContain("\u001b[");
        assertThat(agents).singleElement().asString().startsWith("truenas-gitops-cli");
        assertThat(tokens).containsExactly("Bearer api-token-7");
    }

    @Test
    void onATerminalTheOutcomesAreColouredAndTheColumnsStayAligned() {
        colours = true;
        answers.put("GET /api/v1/stacks/traefik/history?limit=20", traefikHistory());
        StringWriter out = new StringWriter();

        run(out, new StringWriter(), new HistoryCommand(), "history", "traefik");

        assertThat(out.toString()).contains("\u001b[31mfailed\u001b[0m (3 times)")
                .contains("\u001b[33mrolled-back\u001b[0m").contains("\u001b[32mapplied\u001b[0m");
        List<String> lines = out.toString().replaceAll("\u001b\\[[0-9;]*m", "").lines().toList();
        int trigger = lines.get(0).indexOf("TRIGGER");
        assertThat(lines.subList(1, lines.size())).allSatisfy(l -> assertThat(l.substring(trigger)).matches("\\w+ +\\S.*"));
    }

    @Test
    void historyAsJsonIsTheDaemonsDocumentAndLimitIsPassedOn() throws Exception {
        answers.put("GET /api/v1/stacks/traefik/history?limit=2", traefikHistory().subList(0, 2));
        StringWriter out = new StringWriter();

        int code = run(out, new StringWriter(), new HistoryCommand(), "history", "traefik", "--limit", "2", "-o", "json");

        assertThat(code).isZero();
        assertThat(JSON.readTree(out.toString())).hasSize(2);
        assertThat(JSON.readTree(out.toString()).get(0).path("outcome").asText()).isEqualTo("failed");
        assertThat(JSON.readTree(out.toString()).get(0).path("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void aStackWithoutHistorySaysSo() {
        answers.put("GET /api/v1/stacks/web/history?limit=20", List.of());
        StringWriter out = new StringWriter();

        int code = run(out, new StringWriter(), new HistoryCommand(), "history", "web");

        assertThat(code).isZero();
        assertThat(out.toString()).isEqualTo("no history of stack 'web' yet: no pass applied anything to it, nor"
                + " failed to\n");
    }

    @Test
    void anUnknownStackIsTheDaemonsRefusalWithExitCode2() {
        StringWriter err = new StringWriter();

        int code = run(new StringWriter(), err, new HistoryCommand(), "history", "wbe");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("refused GET /api/v1/stacks/wbe/history?limit=20 (404 stack-not-found)")
                .contains("no stack 'wbe' was seen by the last pass");
    }

    @Test
    void aLimitOutsideItsRangeIsAUsageErrorAndNothingIsAsked() {
        StringWriter err = new StringWriter();

        int code = run(new StringWriter(), err, new HistoryCommand(), "history", "web", "--limit", "0");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("history: --limit must be between 1 and 100, not 0");
        assertThat(requests).isEmpty();
    }

    @Test
    void suspendPostsAndPrintsTheDaemonsAnswer() {
        answers.put("POST /api/v1/stacks/traefik/suspend", new V1.Suspension("traefik", true,
                "stack 'traefik' is suspended: passes leave its app alone until it is resumed", true, false));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = run(out, err, new SuspendCommand(), "suspend", "traefik");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo("stack 'traefik' is suspended: passes leave its app alone until it is"
                + " resumed\n");
        assertThat(requests).containsExactly("POST /api/v1/stacks/traefik/suspend");
        assertThat(tokens).containsExactly("Bearer api-token-7");
    }

    @Test
    void resumePostsAndPrintsTheAnswerAsYamlWhenAsked() {
        answers.put("POST /api/v1/stacks/traefik/resume", new V1.Suspension("traefik", true,
                "stack 'traefik' resumed at runtime, but its stack.yaml still says suspend: true", false, true));
        StringWriter out = new StringWriter();

        int code = run(out, new StringWriter(), new ResumeCommand(), "resume", "traefik", "-o", "yaml");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("stack: traefik").contains("suspended: true")
                .contains("suspendedAtRuntime: false").contains("suspendedInStackYaml: true");
        assertThat(requests).containsExactly("POST /api/v1/stacks/traefik/resume");
    }

    @Test
    void resumeOfAnUnknownStackFailsWithTheDaemonsReason() {
        StringWriter err = new StringWriter();

        int code = run(new StringWriter(), err, new ResumeCommand(), "resume", "wbe");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("refused POST /api/v1/stacks/wbe/resume (404 stack-not-found)");
    }
}
