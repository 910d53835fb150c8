package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.truenasgitops.api.V1;
import io.truenasgitops.reconcile.RollbackPlan.DatasetRollback;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
 * {@code rollback STACK --to REV} against a hand-written daemon on 127.0.0.1 that answers with the daemon's own REST
 * records: the plan is shown, a person confirms on a terminal (or a script passes --yes), and nothing is rolled back
 * without that, nor when newer snapshots would be destroyed without --force-destroy-newer.
 */
class RollbackCommandIT {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    static final String REV = "0123456789abcdef0123456789abcdef01234567";
    static final String LIVE = "89abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path tmp;

    HttpServer daemon;
    Path tokenFile;
    final Map<String, Object> answers = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> questions = new ArrayList<>();
    final Deque<String> typed = new ArrayDeque<>();
    boolean interactive = true;
    Terminal previous;

    @BeforeEach
    void setUp() throws IOException {
        tokenFile = tmp.resolve("token");
        Files.writeString(tokenFile, "api-token-7\n");
        daemon = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        daemon.createContext("/", exchange -> {
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI();
            requests.add(key);
            Object body = answers.get(exchange.getRequestMethod());
            byte[] bytes = JSON.writeValueAsBytes(body == null ? Map.of("detail", "no route") : body);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        daemon.start();
        previous = Terminal.use(new Terminal() {
            public boolean interactive() {
                return interactive;
            }

            public boolean colours() {
                return false;
            }

            public String ask(PrintWriter err, String question) {
                questions.add(question);
                return typed.poll();
            }
        });
    }

    @AfterEach
    void tearDown() {
        Terminal.use(previous);
        daemon.stop(0);
    }

    static V1.RollbackPlan plan(List<String> newer, List<String> problems) {
        return new V1.RollbackPlan("web", "default", REV, LIVE, "-    image: nginx:1.27\n+    image: nginx:1.26\n",
                List.of(new DatasetRollback("tank/apps/web", "tank/apps/web@truenas-gitops-web-0123456-20261201T100000Z",
                        Instant.parse("2026-12-01T10:00:00Z"), newer)),
                List.of("host path /etc/localtime of stack 'web' is outside /mnt, on no pool: it is not snapshotted"),
                problems, !newer.isEmpty());
    }

    int rollback(StringWriter out, StringWriter err, String... extra) {
        CommandLine cli = RootCommand.commandLine(CommandLine.defaultFactory(), List.of(new RollbackCommand()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of("rollback", "web", "--to", "0123456", "--server",
                "http://127.0.0.1:" + daemon.getAddress().getPort(), "--api-token-file", tokenFile.toString()));
        args.addAll(List.of(extra));
        return cli.execute(args.toArray(String[]::new));
    }

    @Test
    void aYesOnTheTerminalRollsBackAfterShowingThePlan() {
        answers.put("GET", plan(List.of(), List.of()));
        answers.put("POST", new V1.Rollback("web", REV, true, "rolled stack 'web' back to revision 0123456 with"
                + " datasets tank/apps/web@truenas-gitops-web-0123456-20261201T100000Z; the stack stays suspended until"
                + " resumed", plan(List.of(), List.of())));
        typed.add("y");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = rollback(out, err);

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("rollback of stack 'web' on target 'default' to revision 0123456789ab (it runs 89abcdef0123)")
                .contains("+    image: nginx:1.26")
                .contains("tank/apps/web -> tank/apps/web@truenas-gitops-web-0123456-20261201T100000Z")
                .contains("note: host path /etc/localtime")
                .contains("the stack stays suspended until resumed")
                .contains("resume it with: truenas-gitops resume web");
        assertThat(questions).singleElement().asString().contains("Roll stack 'web' back to revision 0123456789ab");
        assertThat(requests).containsExactly("GET /api/v1/stacks/web/rollback?to=0123456",
                "POST /api/v1/stacks/web/rollback?to=0123456&destroyNewer=false");
    }

    @Test
    void withoutATerminalAndWithoutYesNothingIsRolledBack() {
        interactive = false;
        answers.put("GET", plan(List.of(), List.of()));
        StringWriter err = new StringWriter();

        int code = rollback(new StringWriter(), err);

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("confirm with --yes (there is no terminal to ask on)");
        assertThat(requests).containsExactly("GET /api/v1/stacks/web/rollback?to=0123456");
    }

    @Test
    void anAnswerOtherThanYesRollsNothingBack() {
        answers.put("GET", plan(List.of(), List.of()));
        typed.add("n");
        StringWriter err = new StringWriter();

        int code = rollback(new StringWriter(), err);

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("stack 'web' was not rolled back (not confirmed)");
        assertThat(requests).hasSize(1);
    }

    @Test
    void newerSnapshotsAreNotDestroyedWithoutForceDestroyNewer() {
        answers.put("GET", plan(List.of("tank/apps/web@manual-1"), List.of()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = rollback(out, err, "--yes");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(out.toString()).contains("destroys newer snapshot tank/apps/web@manual-1");
        assertThat(err.toString()).contains("pass --force-destroy-newer");
        assertThat(requests).hasSize(1);
        assertThat(questions).isEmpty();
    }

    @Test
    void forceDestroyNewerWithYesRollsBackWithoutAsking() {
        answers.put("GET", plan(List.of("tank/apps/web@manual-1"), List.of()));
        answers.put("POST", new V1.Rollback("web", REV, true, "rolled back", plan(List.of(), List.of())));

        int code = rollback(new StringWriter(), new StringWriter(), "--yes", "--force-destroy-newer");

        assertThat(code).isZero();
        assertThat(questions).isEmpty();
        assertThat(requests).last().isEqualTo("POST /api/v1/stacks/web/rollback?to=0123456&destroyNewer=true");
    }

    @Test
    void aPlanWithProblemsIsShownAndNothingIsSent() {
        answers.put("GET", plan(List.of(), List.of("dataset 'tank/apps/web' has no snapshot of revision 0123456")));
        StringWriter err = new StringWriter();

        int code = rollback(new StringWriter(), err, "--yes");

        assertThat(code).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).contains("cannot roll stack 'web' back to revision 0123456789ab")
                .contains("nothing was changed");
        assertThat(requests).hasSize(1);
    }
}
