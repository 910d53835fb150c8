package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code __complete} (the names the completion scripts offer) against a hand-written daemon, a stacks folder and
 * the emulator; and the scripts of {@code completion} run by bash, zsh and fish.
 */
class CompleteCommandIT {

    static final Map<String, Object> WEB = Map.of("services", Map.of("web", Map.of("image", "nginx:1.27")));
    static final String TOKEN = "daemon-api-token-42";
    static TrueNasEmulator emulator;
    static Path keyFile;

    @TempDir
    Path tmp;

    HttpServer daemon;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> bearers = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startEmulator() throws IOException {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        keyFile = Files.createTempFile("truenas-key", ".txt");
        Files.writeString(keyFile, emulator.apiKey() + "\n");
    }

    @AfterAll
    static void stopEmulator() throws IOException {
        emulator.close();
        Files.deleteIfExists(keyFile);
    }

    @BeforeEach
    void startDaemon() throws IOException {
        emulator.apps().list().forEach(a -> emulator.apps().remove(a.name()));
        emulator.calls().reset();
        daemon = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        daemon.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            bearers.add(auth == null ? "none" : auth);
            byte[] body = new ObjectMapper().writeValueAsBytes(List.of(Map.of("name", "traefik"),
                    Map.of("name", "nextcloud"), Map.of("name", "tandoor")));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
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

    record Run(int exit, String out, String err) {}

    static Run complete(String... words) {
        List<String> args = new ArrayList<>(List.of(CompleteCommand.NAME, "--"));
        args.addAll(List.of(words));
        String[] argv = args.toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = RootCommand.commandLineFor(CommandLine.defaultFactory(), Commands.TOP_LEVEL, argv);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(argv);
        return new Run(exit, out.toString(), err.toString());
    }

    static String[] nas(String... words) {
        List<String> all = new ArrayList<>(List.of(words.length == 0 ? new String[0] : words));
        all.addAll(all.size() - 1, List.of("--url", "wss://localhost:" + emulator.port(), "--api-key-file",
                keyFile.toString(), "--username", emulator.username(), "--tls-fingerprint", emulator.tlsFingerprint()));
        return all.toArray(String[]::new);
    }

    Path repo() throws IOException {
        Path repo = tmp.resolve("repo");
        for (String stack : List.of("traefik", "tandoor", "nextcloud")) {
            Files.createDirectories(repo.resolve("stacks").resolve(stack));
            Files.writeString(repo.resolve("stacks").resolve(stack).resolve("compose.yaml"), "services: {}\n");
        }
        Files.createDirectories(repo.resolve("stacks/notes"));
        Files.createDirectories(repo.resolve("stacks/.git-crypt"));
        Files.writeString(repo.resolve("stacks/.git-crypt/compose.yaml"), "services: {}\n");
        return repo;
    }

    @Test
    void aStackArgumentCompletesFromTheDaemonsStacksWithTheApiToken() throws IOException {
        Path token = Files.writeString(tmp.resolve("token"), TOKEN + "\n");

        Run r = complete("suspend", "--server", server(), "--api-token-file", token.toString(), "t");

        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).containsExactly("tandoor", "traefik");
        assertThat(r.err()).isEmpty();
        assertThat(requests).containsExactly("GET /api/v1/stacks");
        assertThat(bearers).containsExactly("Bearer " + TOKEN);
    }

    @Test
    void theStackOptionCompletesEachNameOfItsCommaList() {
        Run r = complete("sync", "--server", server(), "--stack", "traefik,n");

        assertThat(r.out().lines()).containsExactly("traefik,nextcloud");
    }

    @Test
    void withRepoTheStacksComeFromItsStacksFolderWithoutAskingAnyone() throws IOException {
        Run r = complete("sync", "--repo", repo().toString(), "--server", server(), "--stack", "");

        assertThat(r.out().lines()).containsExactly("nextcloud", "tandoor", "traefik");
        assertThat(requests).isEmpty();
    }

    @Test
    void appNamesComeFromTheNasThroughTheCommandsConnectionOptions() {
        emulator.apps().put("web", WEB, "RUNNING");
        emulator.apps().put("whoami", WEB, "STOPPED");
        emulator.apps().put("db", WEB, "RUNNING");

        Run r = complete(nas("apps", "stop", "w"));

        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).containsExactly("web", "whoami");
        assertThat(r.out() + r.err()).doesNotContain(emulator.apiKey());
        assertThat(emulator.calls().count("app.query")).isEqualTo(1);
    }

    @Test
    void positionsThatTakeNoNameAskNobody() {
        emulator.apps().put("web", WEB, "RUNNING");

        assertThat(complete(nas("apps", "stop", "--")).out()).isEmpty();
        assertThat(complete(nas("apps", "list", "w")).out()).isEmpty();
        assertThat(complete("status", "--server", server(), "t").out()).isEmpty();
        assertThat(complete("sync", "--server", server(), "--stack", "web", "--interval", "").out()).isEmpty();

        assertThat(emulator.calls().count("app.query")).isZero();
        assertThat(emulator.calls().count("auth.login_ex")).isZero();
        assertThat(requests).isEmpty();
    }

    @Test
    void anUnreachableDaemonOrNasGivesNoNamesNoTextAndExitZero() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }

        Run daemonGone = complete("resume", "--server", "http://127.0.0.1:" + closed, "");
        Run nasGone = complete("apps", "start", "--url", "wss://localhost:" + closed, "--api-key-file",
                keyFile.toString(), "");

        assertThat(daemonGone).isEqualTo(new Run(0, "", ""));
        assertThat(nasGone).isEqualTo(new Run(0, "", ""));
    }

    @Test
    void aRefusedLoginGivesNoNamesNoTextAndExitZero() throws IOException {
        Path wrong = Files.writeString(tmp.resolve("wrong-key"), "1-wrongwrongwrong\n");

        Run r = complete("apps", "logs", "--url", "wss://localhost:" + emulator.port(), "--api-key-file",
                wrong.toString(), "--username", emulator.username(), "--tls-fingerprint", emulator.tlsFingerprint(), "");

        assertThat(r).isEqualTo(new Run(0, "", ""));
        assertThat(emulator.calls().count("app.query")).isZero();
    }

    // ------------------------------------------------------------------ the scripts, run by the shells

    /** A {@code truenas-gitops} on PATH that runs this build's short commands, as the launcher does. */
    Path program() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path program = bin.resolve("truenas-gitops");
        Files.writeString(program, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -XX:TieredStopAtLevel=1 -cp '" + System.getProperty("java.class.path") + "' "
                + ShortMain.class.getName() + " \"$@\"\n");
        program.toFile().setExecutable(true);
        return bin;
    }

    Path script(String shell) throws IOException {
        StringWriter out = new StringWriter();
        CommandLine cli = RootCommand.commandLineFor(CommandLine.defaultFactory(), Commands.TOP_LEVEL, "completion");
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("completion", "--shell", shell)).isZero();
        return Files.writeString(tmp.resolve("completion." + shell), out.toString());
    }

    String run(Path bin, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(tmp.toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("HOME", tmp.toString());
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    static boolean installed(String shell) {
        return Files.isExecutable(Path.of("/usr/bin", shell)) || Files.isExecutable(Path.of("/bin", shell));
    }

    @Test
    void bashCompletesStackNamesFromTheDaemonAndFallsBackToOptionsElsewhere() throws Exception {
        Path bin = program();
        Path script = script("bash");

        String names = run(bin, "bash", "-c", "source '" + script + "'; COMP_WORDS=(truenas-gitops sync --server "
                + server() + " --stack t); COMP_CWORD=5; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE};"
                + " _truenas_gitops_names truenas-gitops t --stack; printf '<%s>\\n' \"${COMPREPLY[@]}\"");
        String options = run(bin, "bash", "-c", "source '" + script + "'; COMP_WORDS=(truenas-gitops sync --dry);"
                + " COMP_CWORD=2; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE};"
                + " _truenas_gitops_names truenas-gitops --dry sync; printf '<%s>\\n' \"${COMPREPLY[@]}\"");

        assertThat(names.lines()).containsExactly("<tandoor>", "<traefik>");
        assertThat(options.lines()).contains("<--dry-run>");
        assertThat(requests).containsExactly("GET /api/v1/stacks");
    }

    @Test
    void bashCompletesAppNamesFromTheNas() throws Exception {
        emulator.apps().put("web", WEB, "RUNNING");
        emulator.apps().put("db", WEB, "RUNNING");
        Path bin = program();
        Path script = script("bash");

        String names = run(bin, "bash", "-c", "source '" + script + "'; COMP_WORDS=(truenas-gitops "
                + String.join(" ", nas("apps", "logs", "")) + " ''); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ));"
                + " COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE};"
                + " _truenas_gitops_names; printf '<%s>\\n' \"${COMPREPLY[@]}\"");

        assertThat(names.lines()).containsExactly("<db>", "<web>");
    }

    @Test
    void zshRunsTheSameScriptThroughBashcompinit() throws Exception {
        assumeThat(installed("zsh")).as("zsh installed").isTrue();
        Path bin = program();
        Path script = script("zsh");
        run(bin, "zsh", "-n", script.toString());

        // bashcompinit's _bash_complete numbers COMP_WORDS from 1 and sets COMP_CWORD to CURRENT - 1
        String names = run(bin, "zsh", "-c", "source '" + script + "'; COMP_WORDS=(truenas-gitops resume --server "
                + server() + " n); COMP_CWORD=4; _truenas_gitops_names; print -l -- $COMPREPLY");

        assertThat(names.lines()).containsExactly("nextcloud");
    }

    @Test
    void fishCompletesCommandsOptionsAndStackNames() throws Exception {
        assumeThat(installed("fish")).as("fish installed").isTrue();
        Path bin = program();
        Path script = script("fish");
        run(bin, "fish", "-n", script.toString());

        String out = run(bin, "fish", "-c", "source '" + script + "'; complete -C 'truenas-gitops sus'; echo ---;"
                + " complete -C 'truenas-gitops sync --dr'; echo ---;"
                + " complete -C 'truenas-gitops sync --server " + server() + " --stack tr'; echo ---;"
                + " complete -C 'truenas-gitops rollback --server " + server() + " n'");

        List<String> parts = List.of(out.split("---\n"));
        assertThat(parts.get(0)).startsWith("suspend\t");
        assertThat(parts.get(1)).startsWith("--dry-run\t");
        assertThat(parts.get(2).lines().map(l -> l.split("\t")[0])).containsExactly("traefik");
        assertThat(parts.get(3).lines().map(l -> l.split("\t")[0])).containsExactly("nextcloud");
    }
}
