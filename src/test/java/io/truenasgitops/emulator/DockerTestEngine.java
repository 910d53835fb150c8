package io.truenasgitops.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker Engine of {@code DOCKER_HOST} for tests that run apps as real containers. Without one a test is
 * skipped with a message, except under {@code CI=true}, where it fails: CI must run them. Images are built locally
 * (a busybox rootfs imported with {@code docker import}); nothing is ever pulled.
 */
public final class DockerTestEngine {

    /** Debian's busybox-static: one static binary that is a shell, an HTTP server and the rest. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    private DockerTestEngine() {}

    /** Skips the test (fails it under CI=true) unless DOCKER_HOST names an engine that answers. */
    public static void requireEngine() {
        String why = unavailableReason();
        if (why == null) {
            return;
        }
        String message = "this test runs apps as real containers and needs a Docker Engine: " + why;
        if (underCi()) {
            Assertions.fail(message + " (CI=true: CI must provide one)");
        }
        System.out.println("SKIPPED " + message);
        Assumptions.abort(message);
    }

    /** Whether {@code CI=true}: then a missing engine is a failure, not a skip. */
    public static boolean underCi() {
        return "true".equals(System.getenv("CI"));
    }

    /** Why real containers cannot run here, or null when DOCKER_HOST answers and busybox is there. */
    public static String unavailableReason() {
        String host = System.getenv("DOCKER_HOST");
        String why = null;
        if (host == null || host.isBlank()) {
            why = "DOCKER_HOST is not set";
        } else {
            Run version = run(List.of("docker", "version", "--format", "{{.Server.Version}}"), null);
            if (version.exit() != 0) {
                why = "no Docker Engine answers at DOCKER_HOST=" + host + ": " + version.err().strip();
            } else if (!Files.isExecutable(BUSYBOX)) {
                why = BUSYBOX + " (Debian's busybox-static) is missing: the test image is built from it";
            }
        }
        return why;
    }

    /** The result of one docker command. */
    public record Run(int exit, String out, String err) {}

    /** Runs a docker (or other) command with this process's environment; input is fed to its stdin when not null. */
    public static Run run(List<String> command, byte[] input) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            Path err = Files.createTempFile("docker-test", ".err");
            pb.redirectError(err.toFile());
            Process p = pb.start();
            if (input != null) {
                try (var in = p.getOutputStream()) {
                    in.write(input);
                }
            } else {
                p.getOutputStream().close();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Run(124, out, "timed out: " + command);
            }
            String errText = Files.readString(err);
            Files.deleteIfExists(err);
            return new Run(p.exitValue(), out, errText);
        } catch (IOException e) {
            return new Run(127, "", "cannot run " + command + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(130, "", "interrupted");
        }
    }

    /** Runs a docker command that must succeed; returns its stdout. */
    public static String docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Run r = run(command, null);
        Assertions.assertEquals(0, r.exit(), () -> "docker " + String.join(" ", args) + " failed: " + r.err());
        return r.out();
    }

    /**
     * Builds {@code tag}: a rootfs holding only busybox (as {@code /bin/busybox} and {@code /bin/sh}) and an empty
     * {@code /www}, imported with {@code docker import}.
     */
    public static void buildBusyboxImage(String tag, Path workDir) throws IOException {
        Path root = Files.createDirectories(workDir.resolve("rootfs"));
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("www"));
        Files.copy(BUSYBOX, root.resolve("bin/busybox"));
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
        Path tar = workDir.resolve("rootfs.tar");
        Run t = run(List.of("tar", "-C", root.toString(), "-cf", tar.toString(), "."), null);
        Assertions.assertEquals(0, t.exit(), () -> "tar failed: " + t.err());
        docker("import", "--change", "CMD [\"/bin/busybox\", \"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]",
                tar.toString(), tag);
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(tar);
    }

    /** The ids of every container (running or not) of a compose project. */
    public static List<String> containersOf(String project) {
        return docker("ps", "-a", "-q", "--no-trunc", "--filter", "label=com.docker.compose.project=" + project)
                .lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Removes every container of the project (and its default network), then the image; for test clean-up. */
    public static void removeProjectsAndImage(List<String> projects, String image) {
        for (String project : projects) {
            List<String> ids = containersOf(project);
            if (!ids.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f", "-v"));
                rm.addAll(ids);
                run(rm, null);
            }
            run(List.of("docker", "network", "rm", project + "_default"), null);
        }
        if (image != null) {
            run(List.of("docker", "image", "rm", "-f", image), null);
        }
    }
}
