package io.truenasgitops.cli;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.truenasgitops.app.DaemonTestResource;
import io.truenasgitops.emulator.DockerState;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The exit codes of {@code plan}, {@code sync} and {@code status}, as one table: every case (in sync, changes
 * pending, drift, a failed apply, an invalid stack, bad options, the NAS unable to run apps, the NAS unreachable,
 * the daemon unreachable) run against the emulator by a pass made here and by the running daemon's own pass
 * ({@code --server}, the daemon of {@link DaemonTestResource} on the same emulator and Git repository). Both modes
 * must end with the same code, the code each command's {@code --help} gives for that case; and the JSON both print
 * for the same state is the same document.
 */
@QuarkusTest
@QuarkusTestResource(value = DaemonTestResource.class, restrictToAnnotatedClass = true)
class ExitCodeTableIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String BEARER = "Bearer " + DaemonTestResource.TOKEN;

    @TestHTTPResource("/")
    URL daemonUrl;

    @TempDir
    Path tmp;

    Path keyFile;
    /** The NAS the CLI's own passes talk to: the emulator, or a dead port for the unreachable case. */
    volatile String nasUrl;
    Path tokenFile;
    final AtomicInteger edits = new AtomicInteger(30);

    /** Where a command runs: a pass made here against the emulator, or the daemon's pass. */
    enum Mode {
        LOCAL,
        SERVER
    }

    /** What one run printed and how it ended. */
    record Run(int code, String out, String err) {}

    /**
     * One row: how to set the case up before each run, the exit code each command must end with (the same in both
     * modes; null where a mode does not apply), and the words its {@code --help} says for that code.
     */
    record Case(String name, Runnable prepare, Map<String, Integer> codes, Map<String, String> helpWords,
            Map<String, List<String>> extraArgs, boolean localOnly, boolean serverOnly) {}

    @BeforeEach
    void webIsAppliedAndInSync() throws Exception {
        reset();
        keyFile = Files.writeString(tmp.resolve("api-key"), DaemonTestResource.emulator.apiKey());
        tokenFile = Files.writeString(tmp.resolve("api-token"), DaemonTestResource.TOKEN + "\n");
        assertThat(run("plan", Mode.LOCAL).code()).as("the starting point is in sync").isZero();
    }

    /** Back to the starting point: Git holds web alone, the NAS runs it as Git says, no fault. */
    void reset() throws Exception {
        TrueNasEmulator emulator = DaemonTestResource.emulator;
        nasUrl = emulator.url();
        emulator.faults().clear();
        emulator.faults().dockerState(DockerState.RUNNING);
        emulator.faults().rejectUpgrades(0);
        removeIfPresent("stacks/broken");
        DaemonTestResource.commitIfChanged("stacks/web/compose.yaml", DaemonTestResource.WEB_COMPOSE, "back to web");
        // a pass of everything (the first one makes web known), then one of web as a human asks: drift reverted
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                given().header("Authorization", BEARER).post("/api/v1/sync?wait=true").then().statusCode(200));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                given().header("Authorization", BEARER).post("/api/v1/stacks/web/sync?wait=true").then()
                        .statusCode(200).body("actions.find { it.stack == 'web' }.outcome",
                                org.hamcrest.Matchers.oneOf("applied", "unchanged")));
    }

    @AfterEach
    void clearFaults() {
        DaemonTestResource.emulator.faults().clear();
        DaemonTestResource.emulator.faults().rejectUpgrades(0);
        DaemonTestResource.emulator.faults().dockerState(DockerState.RUNNING);
    }

    @Test
    void everyCommandEndsWithTheSameCodeHereAndOnTheDaemonAndItsHelpSaysSo() throws Exception {
        List<Case> table = List.of(
                new Case("in sync", () -> {}, codes(0, 0, 0), words("in sync", "everything applied", "answered"),
                        Map.of(), false, false),
                new Case("changes pending", this::bumpImage, codes(1, 0, 0),
                        words("changes pending", "everything applied", "answered"), Map.of(), false, false),
                new Case("drift", this::editInTheUi, codes(1, 1, 0), words("drift", "drifted and was not reverted",
                        "answered"), Map.of(), false, false),
                new Case("a failed apply", () -> {
                    bumpImage();
                    DaemonTestResource.emulator.faults().failNextJob("app.update", "web", "EFAULT", "boom");
                }, codes(1, 1, 0), words("changes pending", "a stack failed", "answered"), Map.of(), false, false),
                new Case("an invalid stack", this::commitBrokenStack, codes(1, 1, 0),
                        words("blocked stacks", "is blocked", "answered"), Map.of(), false, false),
                new Case("bad options", () -> {}, codes(2, 2, 2), words("bad options", "an unknown --stack",
                        "bad options"), Map.of("plan", List.of("-o", "nonsense"), "sync", List.of("--stack", "nosuch"),
                                "status", List.of("--server", "not a url")), false, false),
                new Case("the NAS cannot run apps", () -> DaemonTestResource.emulator.faults()
                        .dockerState(DockerState.STOPPED), codes(3, 3, 0), words("cannot run apps", "cannot run apps",
                                "answered"), Map.of(), false, false),
                new Case("the NAS unreachable", () -> nasUrl = deadUrl().replace("http:", "wss:"), codes(3, 3, 0),
                        words("could not be reached", "could not be reached", "answered"), Map.of(), true, false),
                new Case("the daemon unreachable", () -> {}, codes(3, 3, 3), words("daemon could not be reached",
                        "daemon could not be reached", "could not be reached"), Map.of(), false, true));

        Map<String, Map<Integer, String>> help = Map.of("plan", helpCodes("plan"), "sync", helpCodes("sync"),
                "status", helpCodes("status"));
        SoftAssertions softly = new SoftAssertions();
        for (Case c : table) {
            for (String command : List.of("plan", "sync", "status")) {
                Integer expected = c.codes().get(command);
                String line = help.get(command).get(expected);
                softly.assertThat(line).as("%s --help names exit code %s (%s)", command, expected, c.name()).isNotNull();
                if (line != null) {
                    softly.assertThat(line).as("%s --help for exit code %s (%s)", command, expected, c.name())
                            .contains(c.helpWords().get(command));
                }
                for (Mode mode : Mode.values()) {
                    if (command.equals("status") && mode == Mode.LOCAL || c.serverOnly() && mode == Mode.LOCAL
                            || c.localOnly() && mode == Mode.SERVER) {
                        continue;
                    }
                    reset();
                    c.prepare().run();
                    List<String> extra = new ArrayList<>(c.extraArgs().getOrDefault(command, List.of()));
                    if (c.serverOnly()) {
                        extra.addAll(List.of("--server", deadUrl()));
                    }
                    Run r = run(command, mode, extra.toArray(String[]::new));
                    System.out.printf("exit-code table: %s %s %s -> %d%n", c.name(), command, mode, r.code());
                    softly.assertThat(r.code()).as("%s (%s) for %s: stdout %s stderr %s", command, mode, c.name(),
                            r.out(), r.err()).isEqualTo(expected);
                    clearFaults();
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void planAsJsonIsTheDaemonsPlanDocumentForTheSameState() throws Exception {
        for (Runnable state : List.<Runnable>of(() -> {}, this::bumpImage, this::editInTheUi, this::commitBrokenStack)) {
            reset();
            state.run();
            Run here = run("plan", Mode.LOCAL, "-o", "json");
            Run there = run("plan", Mode.SERVER, "-o", "json");
            JsonNode rest = JSON.readTree(given().get("/api/v1/plan").then().statusCode(200).extract().asString());
            assertThat(withoutTimes(here.out())).as(here.err()).isEqualTo(withoutTimes(there.out()))
                    .isEqualTo(withoutTimes(rest));
            assertThat(JSON.readTree(here.out()).path("actions").get(0).fieldNames()).toIterable()
                    .contains("stack", "path", "action", "reason", "drift", "diff");
        }
    }

    @Test
    void syncAsJsonIsTheDaemonsSyncDocumentForTheSameState() throws Exception {
        for (Runnable state : List.<Runnable>of(() -> {}, this::editInTheUi, () -> DaemonTestResource.emulator.faults()
                .dockerState(DockerState.STOPPED))) {
            reset();
            state.run();
            Run here = run("sync", Mode.LOCAL, "-o", "json");
            Run there = run("sync", Mode.SERVER, "-o", "json");
            assertThat(withoutTimes(here.out())).as(here.err()).isEqualTo(withoutTimes(there.out()));
            clearFaults();
        }
    }

    // ---- the case set-ups ------------------------------------------------------------------------------------

    void bumpImage() {
        try {
            DaemonTestResource.commit("stacks/web/compose.yaml",
                    DaemonTestResource.WEB_COMPOSE.replace("nginx:1.27", "nginx:1." + edits.incrementAndGet()), "bump");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    void editInTheUi() {
        Map<String, Object> live = JSON.convertValue(
                DaemonTestResource.emulator.apps().get("web").orElseThrow().compose(), LinkedHashMap.class);
        ((Map<String, Object>) ((Map<String, Object>) live.get("services")).get("web")).put("image", "nginx:1.25");
        DaemonTestResource.emulator.apps().uiEdit("web", live);
    }

    void commitBrokenStack() {
        try {
            DaemonTestResource.commit("stacks/broken/compose.yaml", "services:\n  app:\n    image: [unclosed\n", "broken");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void removeIfPresent(String folder) throws Exception {
        Path dir = DaemonTestResource.repo.resolve(folder);
        if (!Files.exists(dir)) {
            return;
        }
        try (Git git = Git.open(DaemonTestResource.repo.toFile())) {
            git.rm().addFilepattern(folder).call();
            git.commit().setMessage("remove " + folder).setAuthor("t", "t@example.invalid")
                    .setCommitter("t", "t@example.invalid").setSign(false).call();
        }
    }

    // ---- running the CLI ---------------------------------------------------------------------------------------

    static Map<String, Integer> codes(int plan, int sync, int status) {
        return Map.of("plan", plan, "sync", sync, "status", status);
    }

    static Map<String, String> words(String plan, String sync, String status) {
        return Map.of("plan", plan, "sync", sync, "status", status);
    }

    Run run(String command, Mode mode, String... extra) {
        List<String> args = new ArrayList<>(List.of(command));
        boolean serverGiven = List.of(extra).contains("--server");
        if (mode == Mode.LOCAL) {
            args.addAll(List.of("--repo", DaemonTestResource.repo.toString(), "--url", nasUrl,
                    "--api-key-file", keyFile.toString(), "--username", DaemonTestResource.emulator.username(),
                    "--tls-fingerprint", DaemonTestResource.emulator.tlsFingerprint(), "--settle-time", "1"));
        } else if (!serverGiven) {
            args.addAll(List.of("--server", daemonUrl.toString(), "--api-token-file", tokenFile.toString()));
        }
        if (mode == Mode.SERVER && command.equals("sync")) {
            args.add("--wait");
        }
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] argv = args.toArray(String[]::new);
        CommandLine cli = RootCommand.commandLineFor(CommandLine.defaultFactory(), Commands.TOP_LEVEL, argv);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(argv);
        return new Run(code, out.toString(), err.toString());
    }

    /** The lines of {@code --help}'s exit codes, by code (a line's continuation lines joined to it). */
    static Map<Integer, String> helpCodes(String command) {
        StringWriter out = new StringWriter();
        CommandLine cli = RootCommand.commandLineFor(CommandLine.defaultFactory(), Commands.TOP_LEVEL, command, "--help");
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute(command, "--help")).isZero();
        String text = out.toString();
        String codes = text.substring(text.indexOf("Exit codes:"));
        Map<Integer, String> byCode = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^  (\\d)  (.*(?:\\n {5}.*)*)").matcher(codes);
        while (m.find()) {
            byCode.put(Integer.parseInt(m.group(1)), m.group(2).replaceAll("\\s+", " "));
        }
        return byCode;
    }

    /** A loopback URL nothing listens on. */
    static String deadUrl() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A plan or sync document without what differs between two runs of the same pass (when, how long). */
    static JsonNode withoutTimes(Object document) {
        try {
            JsonNode node = document instanceof JsonNode n ? n.deepCopy() : JSON.readTree((String) document);
            if (node instanceof ObjectNode o) {
                o.remove(List.of("createdAt", "startedAt", "durationMillis"));
            }
            return node;
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + document, e);
        }
    }
}
