package io.truenasgitops.app;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;

/**
 * A TrueNAS emulator on 127.0.0.1 and a real Git repository with one stack ({@code web}) in a temp dir, plus
 * an API token file and a webhook secret file, fed to the daemon as configuration. Tests reach the running
 * emulator and repository through the static fields.
 */
public class DaemonTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "test-api-token-0123456789";
    public static final String WEBHOOK_SECRET = "test-webhook-secret";
    public static final String WEB_COMPOSE = """
            services:
              web:
                image: nginx:1.27
                ports:
                  - "8080:80"
            """;

    public static volatile TrueNasEmulator emulator;
    public static volatile Path repo;
    private Path dir;
    private final Map<String, String> overrides = new HashMap<>();

    /** Resource args named like config keys override the defaults below (e.g. a short reconcile interval). */
    @Override
    public void init(Map<String, String> initArgs) {
        initArgs.forEach((k, v) -> {
            if (k.startsWith("truenas-gitops.")) {
                overrides.put(k, v);
            }
        });
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("truenas-gitops-daemon-it");
            repo = dir.resolve("repo");
            Files.createDirectories(repo.resolve("stacks/web"));
            Files.writeString(repo.resolve("stacks/web/compose.yaml"), WEB_COMPOSE);
            try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
                git.add().addFilepattern(".").call();
                git.commit().setMessage("web").setAuthor("t", "t@example.invalid").setCommitter("t", "t@example.invalid")
                        .setSign(false).call();
            }
            Path token = Files.writeString(dir.resolve("api-token"), TOKEN + "\n");
            Path secret = Files.writeString(dir.resolve("webhook-secret"), WEBHOOK_SECRET + "\n");
            emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
            Path keyFile = Files.writeString(dir.resolve("api-key"), emulator.apiKey());
            Map<String, String> config = new HashMap<>();
            config.put("truenas-gitops.targets.default.url", emulator.url());
            config.put("truenas-gitops.targets.default.api-key-file", keyFile.toString());
            config.put("truenas-gitops.targets.default.username", emulator.username());
            config.put("truenas-gitops.targets.default.tls-fingerprint", emulator.tlsFingerprint());
            config.put("truenas-gitops.git.url", repo.toUri().toString());
            config.put("truenas-gitops.git.ref", "main");
            config.put("truenas-gitops.state-dir", dir.resolve("state").toString());
            config.put("truenas-gitops.api.token-file", token.toString());
            config.put("truenas-gitops.webhook.secret-file", secret.toString());
            config.put("truenas-gitops.webhook.max-payload", "65536");
            // Only triggers run passes in tests; the health gate settles fast against the emulator.
            config.put("truenas-gitops.reconcile.interval", "1h");
            config.put("truenas-gitops.reconcile.settle-time", "300ms");
            config.put("truenas-gitops.reconcile.health-poll-interval", "50ms");
            config.put("truenas-gitops.reconcile.shutdown-timeout", "5s");
            config.putAll(overrides);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Commits a change of the web stack's compose to the test repository. */
    public static void commit(String path, String content, String message) throws Exception {
        Files.createDirectories(repo.resolve(path).getParent());
        Files.writeString(repo.resolve(path), content);
        try (Git git = Git.open(repo.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage(message).setAuthor("t", "t@example.invalid").setCommitter("t", "t@example.invalid")
                    .setSign(false).call();
        }
    }

    /** Commits {@code content} at {@code path} unless the repository already holds exactly that. */
    public static void commitIfChanged(String path, String content, String message) throws Exception {
        Path file = repo.resolve(path);
        if (Files.isRegularFile(file) && Files.readString(file).equals(content)) {
            return;
        }
        commit(path, content, message);
    }

    @Override
    public void stop() {
        if (emulator != null) {
            emulator.close();
            emulator = null;
        }
        if (dir != null) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // temp dir cleanup is best effort
            }
        }
    }
}
