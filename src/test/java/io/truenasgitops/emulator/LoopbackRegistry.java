package io.truenasgitops.emulator;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A Docker registry on 127.0.0.1 for tests that pull through the real engine: Debian's {@code docker-registry}
 * (the Distribution registry), started on a free loopback port with its storage in a temp dir, no auth. The engine
 * reaches a loopback registry over plain HTTP without configuration. Without the binary a test is skipped with a
 * message, except under {@code CI=true} ({@code .ci/docker-engine.sh} installs it), where it fails.
 */
public final class LoopbackRegistry implements AutoCloseable {

    /** Debian's {@code docker-registry} package. */
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final int port;

    private LoopbackRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Skips the test (fails it under CI=true) when the registry binary is not installed. */
    public static void require() {
        if (Files.isExecutable(BINARY)) {
            return;
        }
        String message = "this test pulls from a registry on 127.0.0.1 and needs " + BINARY
                + " (Debian's docker-registry: apt-get install docker-registry)";
        if (DockerTestEngine.underCi()) {
            Assertions.fail(message + " (CI=true: .ci/docker-engine.sh installs it)");
        }
        System.out.println("SKIPPED " + message);
        Assumptions.abort(message);
    }

    /** Starts a registry storing under {@code dir}; returns once {@code GET /v2/} answers. */
    public static LoopbackRegistry start(Path dir) throws IOException {
        require();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("registry.yml");
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                """.formatted(dir.resolve("data"), port));
        Process p = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        LoopbackRegistry registry = new LoopbackRegistry(p, port);
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            if (!p.isAlive()) {
                throw new AssertionError("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
        return registry;
    }

    /** {@code 127.0.0.1:<port>}, the registry part of an image reference. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** {@code <host>/<repository>:<tag>}: a reference to this registry. */
    public String reference(String repository, String tag) {
        return host() + "/" + repository + ":" + tag;
    }

    /**
     * Pushes the engine's image {@code ref} (a {@link #reference}) to this registry, then removes it from the engine,
     * so that a pull downloads it again (when no other tag holds the same image).
     */
    public void push(String ref) {
        DockerTestEngine.docker("push", ref);
        DockerTestEngine.docker("image", "rm", ref);
    }

    /**
     * Builds one busybox image, pushes it under each of the tags of {@code repository}, and removes them from the
     * engine again: the registry then lists exactly those tags.
     */
    public void pushTags(String repository, Path workDir, String... tags) throws IOException {
        String first = reference(repository, tags[0]);
        DockerTestEngine.buildBusyboxImage(first, Files.createDirectories(workDir.resolve("image-" + tags[0])));
        for (String tag : tags) {
            String ref = reference(repository, tag);
            if (!tag.equals(tags[0])) {
                DockerTestEngine.docker("tag", first, ref);
            }
            DockerTestEngine.docker("push", ref);
        }
        for (String tag : tags) {
            DockerTestEngine.docker("image", "rm", reference(repository, tag));
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
