package io.truenasgitops.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.truenasgitops.docs.ShellSession.Background;
import io.truenasgitops.docs.ShellSession.Result;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import io.truenasgitops.git.TestGitHttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks docs/getting-started.md from the build to a running daemon, against the TrueNAS emulator (user
 * {@code gitops}, as the page creates) and a private Git repository served over loopback smart-HTTP with a
 * token. The page's placeholders are mapped to those by one table; what a person types or pastes (secrets,
 * the API key, the Git token) is given to the {@code cat >} commands as their input.
 */
class GettingStartedDocsIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    private static final String GIT_TOKEN = "gt-" + UUID.randomUUID();
    private static final String CLI = Pattern.quote(DocWalk.CLI);
    private static final String CONFIG = Pattern.quote("~/.config/truenas-gitops/");

    @TempDir
    Path tmp;

    private TrueNasEmulator emulator;
    private TestGitHttpServer gitServer;
    private Git yourRepo;
    private ShellSession shell;
    private Background serve;
    private Path home;
    private int httpPort;
    private int writesAfterSync = -1;
    private final DocWalk walk = new DocWalk();

    @AfterEach
    void stopEverything() {
        if (shell != null) {
            shell.close();
        }
        if (gitServer != null) {
            gitServer.close();
        }
        if (yourRepo != null) {
            yourRepo.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void everyGettingStartedCommandWorksFromAnApiKeyToARunningDaemon() throws Exception {
        Path project = DocWalk.projectDir();
        DocWalk.assertJarBuilt(project);
        MarkdownCommands page = MarkdownCommands.read(project.resolve("docs/getting-started.md"));
        home = Files.createDirectories(tmp.resolve("home"));
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withUsername("gitops"));
        Path repoDir = yourRepository(project);
        gitServer = new TestGitHttpServer(yourRepo.getRepository(), "git", GIT_TOKEN);
        httpPort = DocWalk.freePort();

        // Placeholder of the page -> the real thing on loopback. AB:CD:... is added by the openssl step, from
        // what it printed.
        walk.substitute("nas.lan:443", "127.0.0.1:" + emulator.port())
                .substitute("wss://nas.lan", "wss://localhost:" + emulator.port())
                .substitute("https://git.example.com/me/nas-stacks.git", gitServer.url())
                .substitute("path/to/your/repo", repoDir.toString())
                .substitute("localhost:8080", "localhost:" + httpPort);
        walk.step("build", "\\./mvnw -B -ntp package -DskipTests", (doc, command, m) -> DocWalk.assertJarBuilt(project))
                .step("make the config folder", "mkdir -p " + CONFIG + "secrets", this::succeeds)
                .step("restrict the config folder", "chmod 700 ~/\\.config/truenas-gitops", this::succeeds)
                .step("save what is typed", "umask 077; cat > " + CONFIG + "(\\S+)", this::saveTyped)
                .step("validate", CLI + " validate (\\S+) --secrets-dir " + CONFIG + "secrets", this::validate)
                .step("fingerprint", "openssl s_client -connect (\\S+) </dev/null 2>/dev/null"
                        + " \\| openssl x509 -noout -fingerprint -sha256", this::fingerprint)
                .step("export", "export [A-Z_]+=\\S+", this::succeeds)
                .step("apps list", CLI + " apps list", this::appsList)
                .step("plan", CLI + " plan --repo \\S+ --token-file " + CONFIG + "git-token --secrets-dir "
                        + CONFIG + "secrets", this::plan)
                .step("sync", CLI + " sync --repo \\S+ --token-file " + CONFIG + "git-token --secrets-dir "
                        + CONFIG + "secrets", this::sync)
                .step("api token", "umask 077; head -c 32 /dev/urandom \\| base64 > " + CONFIG + "api-token",
                        this::apiToken)
                .step("serve", CLI + " serve", this::serve)
                .step("ready", "curl -s http://localhost:" + httpPort + "/q/health/ready", this::ready)
                .step("stacks", "curl -s http://localhost:" + httpPort + "/api/v1/stacks", this::stacks)
                .step("sync over REST", "curl -s -X POST -H \"Authorization: Bearer \\$\\(cat " + CONFIG
                        + "api-token\\)\" http://localhost:" + httpPort + "/api/v1/sync", this::restSync)
                .step("mode", CLI + " mode (report|sync) --server http://localhost:" + httpPort + " --api-token-file "
                        + CONFIG + "api-token", this::mode);

        shell = new ShellSession(project, DocWalk.cleanEnvironment(home), Files.createDirectories(tmp.resolve("sh")));
        List<String> ran = walk.walk(page);

        assertThat(ran).as("the page's commands, in order").containsSubsequence("build", "save what is typed",
                "validate", "fingerprint", "export", "apps list", "plan", "sync", "api token", "serve", "ready",
                "stacks", "sync over REST", "mode", "mode");
        assertThat(serve).as("the page starts the daemon").isNotNull();
        // The daemon found what `sync` applied: no write of its own, whatever passes it ran.
        assertThat(emulator.calls().writes()).as("writes to the NAS after `sync`, by the daemon")
                .isEqualTo(writesAfterSync);
        int exit = serve.stop(Duration.ofSeconds(60));
        assertThat(exit).as(serve.describe()).isIn(0, 130, 143);
        assertThat(serve.stdout() + serve.stderr()).as("the daemon's log").doesNotContain("\"level\":\"ERROR\"")
                .doesNotContain("ERROR [");
    }

    /** "Your repository": a Git repository holding a copy of stacks-example, as the page suggests starting. */
    private Path yourRepository(Path project) throws Exception {
        Path dir = tmp.resolve("nas-stacks");
        Path example = project.resolve("stacks-example");
        try (Stream<Path> files = Files.walk(example)) {
            for (Path p : files.toList()) {
                Path target = dir.resolve(example.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        PersonIdent me = new PersonIdent("Docs Walker", "docs@localhost");
        yourRepo = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        yourRepo.add().addFilepattern(".").call();
        yourRepo.commit().setMessage("my stacks").setAuthor(me).setCommitter(me).setSign(false).call();
        return dir;
    }

    /** What the person types or pastes into each file the page saves with {@code cat >}. */
    private String typed(String file) {
        return switch (file) {
            case "secrets/NEXTCLOUD_DB_PASSWORD", "secrets/GRAFANA_ADMIN_PASSWORD" -> "pw-" + UUID.randomUUID() + "\n";
            case "api-key" -> emulator.apiKey() + "\n";
            case "git-token" -> GIT_TOKEN + "\n";
            default -> throw new AssertionError("the page saves ~/.config/truenas-gitops/" + file
                    + " from the keyboard: add what a person would type to the walk's table");
        };
    }

    private Result run(String command) {
        return shell.run(command, null, COMMAND_TIMEOUT);
    }

    private void succeeds(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = run(command);
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }

    private void saveTyped(MarkdownCommands.Command doc, String command, Matcher m) throws IOException {
        String value = typed(m.group(1));
        Result r = shell.run(command, value, COMMAND_TIMEOUT);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        Path file = home.resolve(".config/truenas-gitops").resolve(m.group(1));
        assertThat(file).hasContent(value.stripTrailing());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file + " readable only by you")
                .isEqualTo("rw-------");
    }

    private void validate(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = run(command);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).as(r.describe()).contains("ok: 4 stacks checked, 4 valid, 0 invalid");
    }

    private void fingerprint(MarkdownCommands.Command doc, String command, Matcher m) {
        String fingerprint;
        if (run("command -v openssl").exitCode() != 0) {
            // Only this command needs openssl; the walk goes on with the fingerprint the emulator reports.
            System.err.println("GettingStartedDocsIT: openssl is not installed, " + doc + " not run");
            fingerprint = emulator.tlsFingerprint();
        } else {
            Result r = run(command);
            assertThat(r.exitCode()).as(r.describe()).isZero();
            Matcher printed = Pattern.compile("(?i)^sha256 Fingerprint=([0-9A-F:]+)\\s*$").matcher(r.stdout());
            assertThat(printed.find()).as("prints sha256 Fingerprint=...: " + r.describe()).isTrue();
            fingerprint = printed.group(1);
            assertThat(fingerprint).as("the fingerprint of the NAS's certificate").isEqualToIgnoringCase(
                    emulator.tlsFingerprint());
        }
        walk.substitute("AB:CD:...", fingerprint);
    }

    private void appsList(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = run(command);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout().strip()).as(r.describe()).isEqualTo("no apps");
    }

    private void plan(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = run(command);
        assertThat(r.exitCode()).as("exit 1: changes pending\n" + r.describe()).isEqualTo(1);
        assertThat(r.stdout()).as(r.describe()).contains("Source: " + gitServer.url())
                .containsPattern("(?m)^  \\+ create\\s+traefik\\b")
                .contains("Plan: 4 to create, 0 to update, 0 to start, 0 to stop, 0 to delete; 0 unchanged, 0 blocked");
        assertThat(emulator.calls().writes()).as("plan writes nothing").isZero();
    }

    private void sync(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = run(command);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(emulator.apps().list().stream().map(a -> a.name()).toList()).as(r.describe())
                .containsExactlyInAnyOrder("traefik", "nextcloud", "monitoring", "jellyfin");
        assertThat(emulator.apps().state("jellyfin")).as("jellyfin's stack.yaml says state: stopped").isEqualTo("STOPPED");
        assertThat(emulator.apps().state("traefik")).isEqualTo("RUNNING");
        writesAfterSync = emulator.calls().writes();
    }

    private void apiToken(MarkdownCommands.Command doc, String command, Matcher m) throws IOException {
        succeeds(doc, command, m);
        assertThat(Files.readString(home.resolve(".config/truenas-gitops/api-token")).strip()).hasSizeGreaterThan(40);
    }

    private void serve(MarkdownCommands.Command doc, String command, Matcher m) {
        // In "another terminal": the daemon runs until the walk stops it. Loopback only, on a free port.
        serve = shell.start(command, Map.of("QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", Integer.toString(httpPort)));
    }

    private void ready(MarkdownCommands.Command doc, String command, Matcher m) {
        // A person re-runs it until the daemon is up; so does the walk.
        await("the daemon to be ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    assertThat(serve.process().isAlive()).as(serve.describe()).isTrue();
                    Result r = run(command);
                    assertThat(r.exitCode()).as(r.describe()).isZero();
                    assertThat(json(r.stdout()).path("status").asText()).as(r.describe()).isEqualTo("UP");
                });
    }

    private void stacks(MarkdownCommands.Command doc, String command, Matcher m) {
        await("the daemon's first pass").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    Result r = run(command);
                    assertThat(r.exitCode()).as(r.describe()).isZero();
                    List<String> names = new ArrayList<>();
                    json(r.stdout()).forEach(s -> names.add(s.path("name").asText()));
                    assertThat(names).as(r.describe())
                            .containsExactlyInAnyOrder("traefik", "nextcloud", "monitoring", "jellyfin");
                });
    }

    private void restSync(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = run(command);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(json(r.stdout()).path("status").asText()).as(r.describe()).isEqualTo("queued");
    }

    private void mode(MarkdownCommands.Command doc, String command, Matcher m) {
        Result r = run(command);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).as(r.describe()).startsWith(m.group(1) + ": ");
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
