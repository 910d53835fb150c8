package io.truenasgitops.app;

import io.truenasgitops.emulator.DockerOptions;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.StoredConfig;

/**
 * Everything {@code demo} needs besides the daemon itself: an emulated TrueNAS on loopback and a local Git
 * repository holding a copy of the example stacks, with generated demo secrets.
 *
 * <p>It is prepared before Quarkus boots (the daemon's configuration has to point at it) and torn down after
 * Quarkus exits. The example stacks come from {@code ./stacks-example} when the demo runs in a checkout, else
 * from the copy packaged in the jar.
 */
public final class DemoEnvironment implements AutoCloseable {

    /** The folder of the example repository, in a checkout and in the jar. */
    static final String EXAMPLE = "stacks-example";
    /** Example secrets: one placeholder file per variable, never real values; the demo generates its own. */
    static final String SECRETS_EXAMPLE = "secrets.example";

    /** The loopback port the stack of {@code demo --docker} publishes its web server on, unless told. */
    public static final int DEFAULT_APP_PORT = 18080;

    private static volatile DemoEnvironment current;

    private final TrueNasEmulator emulator;
    private final Path workDir;
    private final Path repoDir;
    private final Path secretsDir;
    private final Path stateDir;
    private final boolean keep;
    /** With {@code --docker}: the loopback port of the demo's real container; null for in-memory apps. */
    private final Integer appPort;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private DemoEnvironment(TrueNasEmulator emulator, Path workDir, Path repoDir, Path secretsDir, Path stateDir,
            boolean keep, Integer appPort) {
        this.appPort = appPort;
        this.emulator = emulator;
        this.workDir = workDir;
        this.repoDir = repoDir;
        this.secretsDir = secretsDir;
        this.stateDir = stateDir;
        this.keep = keep;
    }

    /**
     * Starts the emulator and builds the demo repository in a new temporary folder.
     *
     * @param exampleDir the example repository to copy; null for {@code ./stacks-example} or the packaged copy
     * @param keep whether to leave the temporary folder behind on exit (to look at state and repository)
     */
    public static DemoEnvironment prepare(Path exampleDir, boolean keep) {
        return prepare(exampleDir, keep, null);
    }

    /**
     * As {@link #prepare(Path, boolean)}; with a non-null {@code dockerAppPort} ({@code demo --docker}) the emulated
     * NAS runs apps as real containers on the Docker Engine of {@code DOCKER_HOST}, and the repository holds one
     * stack (unless {@code exampleDir} is given) whose image the demo builds locally and whose web server
     * publishes on {@code 127.0.0.1:dockerAppPort}.
     */
    public static DemoEnvironment prepare(Path exampleDir, boolean keep, Integer dockerAppPort) {
        return prepare(exampleDir, keep, dockerAppPort, true);
    }

    /**
     * As {@link #prepare(Path, boolean, Integer)}; with {@code appDatasets} (the default; {@code demo
     * --no-app-datasets} turns it off) each stack folder of the repository gets a dataset of its own on the emulated
     * NAS, {@code tank/apps/<stack>}, so that the example stacks' {@code snapshot:} policies protect their data and a
     * snapshot, a failed update and {@code rollback} with data can be tried.
     */
    public static DemoEnvironment prepare(Path exampleDir, boolean keep, Integer dockerAppPort, boolean appDatasets) {
        Path work = null;
        TrueNasEmulator emulator = null;
        try {
            work = Files.createTempDirectory("truenas-gitops-demo-");
            Path repo = work.resolve("repo");
            Path secrets = work.resolve("secrets");
            Path state = work.resolve("state");
            Files.createDirectories(state);
            // A short DEPLOYING phase, so that the health gate has something to watch; jobs step quickly.
            EmulatorOptions options = EmulatorOptions.defaults()
                    .withDeployDelay(Duration.ofSeconds(2))
                    .withJobStepDelay(Duration.ofMillis(300));
            if (dockerAppPort != null) {
                options = options.withDocker(new DockerOptions(null, work.resolve("ix-apps")));
            }
            emulator = TrueNasEmulator.start(options);
            if (dockerAppPort != null) {
                DemoDockerImage.ensure(work);
            }
            if (dockerAppPort != null && exampleDir == null) {
                writeDockerExample(repo, dockerAppPort);
            } else {
                copyExample(exampleDir, repo);
            }
            generateSecrets(repo.resolve(SECRETS_EXAMPLE), secrets);
            commitAll(repo, "demo: the example stacks");
            if (appDatasets) {
                emulator.storage().seedAppDatasets(repo.resolve("stacks"));
            }
            DemoEnvironment env = new DemoEnvironment(emulator, work, repo, secrets, state, keep, dockerAppPort);
            current = env;
            return env;
        } catch (IOException | GitAPIException | RuntimeException e) {
            if (emulator != null) {
                emulator.close();
            }
            if (work != null) {
                deleteQuietly(work);
            }
            throw new IllegalStateException("could not prepare the demo: " + e.getMessage(), e);
        }
    }

    /** The repository of {@code demo --docker}: one stack whose image exists locally, published on loopback. */
    private static void writeDockerExample(Path repo, int port) throws IOException {
        Path stack = Files.createDirectories(repo.resolve("stacks/hello"));
        Files.writeString(repo.resolve("README.md"), "# demo --docker\n\nOne stack, run as a real container by the"
                + " emulated TrueNAS. Its image (" + DemoDockerImage.IMAGE + ") was built locally by the demo from"
                + " busybox: nothing is pulled.\n");
        Files.writeString(stack.resolve("compose.yaml"), String.join("\n",
                "# A tiny web server in a real container: change the greeting, commit, sync, and curl it again.",
                "services:",
                "  hello:",
                "    image: " + DemoDockerImage.IMAGE,
                "    command: [\"/bin/sh\", \"-c\", \"echo 'Hello from a real container' > /www/index.html;"
                        + " echo serving http on 8080; trap 'exit 0' TERM; /bin/busybox httpd -f -v -p 8080 -h /www & wait\"]",
                "    ports:",
                "      - \"127.0.0.1:" + port + ":8080\"",
                ""));
    }

    /** The environment prepared in this process, if {@code demo} is running. */
    public static Optional<DemoEnvironment> current() {
        return Optional.ofNullable(current);
    }

    /** The configuration that points the daemon at the emulator and the demo repository. */
    public Map<String, String> daemonProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("truenas-gitops.targets.default.url", emulator.url());
        p.put("truenas-gitops.targets.default.username", emulator.username());
        p.put("truenas-gitops.targets.default.api-key-file", writeApiKeyFile().toString());
        p.put("truenas-gitops.targets.default.tls-fingerprint", emulator.tlsFingerprint());
        p.put("truenas-gitops.git.url", repoDir.toUri().toString());
        p.put("truenas-gitops.git.ref", "main");
        p.put("truenas-gitops.state-dir", stateDir.toString());
        p.put("truenas-gitops.stacks.secrets-dir", secretsDir.toString());
        p.put("truenas-gitops.api.token-file", writeApiTokenFile().toString());
        // The demo's REST API and metrics are for the person at this machine: loopback only (QUARKUS_HTTP_HOST
        // opens it up on purpose).
        p.put("quarkus.http.host", "127.0.0.1");
        // Poll every minute, as serve does: time enough to look at `plan` before the change is applied (the
        // README's tour); POST /api/v1/sync applies at once. Apps settle for 3 s so that a pass is quick.
        p.put("truenas-gitops.reconcile.interval", "1m");
        p.put("truenas-gitops.reconcile.settle-time", "3s");
        p.put("truenas-gitops.reconcile.health-poll-interval", "1s");
        // A person watches the demo in a terminal: readable log lines, not JSON.
        p.put("quarkus.log.console.json.enabled", "false");
        return p;
    }

    /** Tells the person running the demo what runs where and what to try. */
    public void printWelcome(PrintStream out, int httpPort) {
        String http = "http://localhost:" + httpPort;
        // the launcher the build puts next to the jar (README: "Two commands"), from the project folder
        String jar = "target/quarkus-app/truenas-gitops";
        out.printf("""

                truenas-gitops demo is running (Ctrl-C to stop).

                  Emulated TrueNAS   %s
                    TLS fingerprint  %s
                  Git repository     %s  (branch main)
                  State directory    %s
                %s
                Look:
                  %s/                     status page (every stack, its drift and diff, Sync now)
                  %s/api/v1/stacks        status of every stack
                  %s/api/v1/plan          what the next pass would do
                  %s/q/metrics            Prometheus metrics (truenas_gitops_*)
                  %s/q/health             readiness and liveness

                Try (in another terminal, from the project folder):
                  export DEMO=%s
                  export TRUENAS_URL=%s TRUENAS_TLS_FINGERPRINT=%s
                  export TRUENAS_USERNAME=%s TRUENAS_API_KEY_FILE=$DEMO/api-key
                  export TRUENAS_GITOPS_API_TOKEN_FILE=$DEMO/api-token
                  %s apps list
                  # change a stack and commit it, see the plan, then apply it now (or wait for the next poll):
                  $EDITOR $DEMO/repo/stacks/%s/compose.yaml && git -C $DEMO/repo commit -qam "change %s"
                  %s plan --repo $DEMO/repo --secrets-dir $DEMO/secrets
                  curl -X POST -H "Authorization: Bearer $(cat $DEMO/api-token)" %s/api/v1/sync
                  # or through the CLI, which reads the token from $TRUENAS_GITOPS_API_TOKEN_FILE:
                  %s sync --server %s --wait
                %s
                """,
                emulator.url(), emulator.tlsFingerprint(), repoDir, stateDir,
                appPort == null ? "" : "  Real containers    on the Docker Engine (" + emulator.docker().get("compose")
                        + "), the app on http://127.0.0.1:" + appPort + "/\n",
                http, http, http, http, http,
                workDir, emulator.url(), emulator.tlsFingerprint(), emulator.username(), jar,
                appPort == null ? "traefik" : "hello", appPort == null ? "traefik" : "hello", jar, http, jar, http,
                appPort == null ? "" : "  curl http://127.0.0.1:" + appPort + "/\n");
        out.flush();
    }

    public TrueNasEmulator emulator() {
        return emulator;
    }

    public Path repoDir() {
        return repoDir;
    }

    public Path stateDir() {
        return stateDir;
    }

    public Path secretsDir() {
        return secretsDir;
    }

    /**
     * Stops the emulator and deletes the temporary folder (unless kept). Idempotent: it runs when Quarkus stops
     * (Ctrl-C, SIGTERM: {@link DemoLifecycle}) and again when {@code main} returns.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        current = null;
        emulator.close();
        if (!keep) {
            deleteQuietly(workDir);
        }
    }

    /** The demo's temporary folder (repository, secrets, state, API key and token files). */
    public Path workDir() {
        return workDir;
    }

    private Path apiTokenFile() {
        return workDir.resolve("api-token");
    }

    /** The bearer token of the demo daemon's mutating endpoints (POST /api/v1/...): random, per run. */
    private Path writeApiTokenFile() {
        Path file = apiTokenFile();
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, randomValue(32), StandardCharsets.UTF_8);
                restrictToOwner(file);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the demo API token file " + file, e);
        }
    }

    private Path apiKeyFile() {
        return workDir.resolve("api-key");
    }

    private Path writeApiKeyFile() {
        Path file = apiKeyFile();
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, emulator.apiKey(), StandardCharsets.UTF_8);
                restrictToOwner(file);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the demo API key file " + file, e);
        }
    }

    private static void copyExample(Path exampleDir, Path target) throws IOException {
        Path local = exampleDir != null ? exampleDir : Path.of(EXAMPLE);
        if (Files.isDirectory(local)) {
            copyTree(local, target);
            return;
        }
        if (exampleDir != null) {
            throw new IOException("example repository " + exampleDir + " is not a directory");
        }
        URL packaged = DemoEnvironment.class.getClassLoader().getResource(EXAMPLE + "/README.md");
        if (packaged == null) {
            throw new IOException("no ./" + EXAMPLE + " folder here and none packaged in the jar");
        }
        try {
            URI uri = packaged.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                copyTree(fs.getPath("/" + EXAMPLE), target);
            } else {
                copyTree(Path.of(uri).getParent(), target);
            }
        } catch (URISyntaxException e) {
            throw new IOException("cannot read the packaged example stacks: " + e.getMessage(), e);
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path p : paths.toList()) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.createDirectories(dest.getParent());
                    try (InputStream in = Files.newInputStream(p)) {
                        Files.copy(in, dest, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    /** One random value per placeholder file: the demo never ships or prints a fixed secret. */
    private static void generateSecrets(Path examples, Path secrets) throws IOException {
        Files.createDirectories(secrets);
        if (!Files.isDirectory(examples)) {
            return;
        }
        try (Stream<Path> files = Files.list(examples)) {
            for (Path example : files.filter(Files::isRegularFile).toList()) {
                Path secret = secrets.resolve(example.getFileName().toString());
                Files.writeString(secret, randomValue(24), StandardCharsets.UTF_8);
                restrictToOwner(secret);
            }
        }
    }

    private static String randomValue(int length) {
        SecureRandom random = new SecureRandom();
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder value = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            value.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return value.toString();
    }

    /** The author of the demo's commits, also the repository's own {@code user.name}/{@code user.email}. */
    static final String DEMO_NAME = "truenas-gitops demo";
    static final String DEMO_EMAIL = "demo@localhost";

    private static void commitAll(Path repo, String message) throws GitAPIException, IOException {
        PersonIdent demo = new PersonIdent(DEMO_NAME, DEMO_EMAIL);
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            // The README's `git -C $DEMO/repo commit` must work on a box with no Git identity of its own:
            // the demo's repository carries one in its local config.
            StoredConfig config = git.getRepository().getConfig();
            config.setString("user", null, "name", DEMO_NAME);
            config.setString("user", null, "email", DEMO_EMAIL);
            config.save();
            git.add().addFilepattern(".").call();
            git.commit().setMessage(message).setAuthor(demo).setCommitter(demo).setSign(false).call();
        }
    }

    private static void restrictToOwner(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system: the temp folder's own permissions are all there is.
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}
