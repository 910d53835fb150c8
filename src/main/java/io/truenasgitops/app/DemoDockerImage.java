package io.truenasgitops.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The tiny local image of {@code demo --docker}: a rootfs holding only a statically linked busybox (a shell and an
 * HTTP server), imported with {@code docker import}. Nothing is pulled, so the demo works without a registry.
 */
final class DemoDockerImage {

    /** The image the demo's stack runs; built once, then reused. */
    static final String IMAGE = "truenas-gitops-demo/hello:busybox";

    private static final List<Path> BUSYBOX_CANDIDATES = List.of(Path.of("/bin/busybox"), Path.of("/usr/bin/busybox"));

    private DemoDockerImage() {}

    /** Builds {@link #IMAGE} unless the engine (of {@code DOCKER_HOST}) has it already. */
    static void ensure(Path workDir) throws IOException {
        if (docker(List.of("image", "inspect", "--format", "{{.Id}}", IMAGE), null).exit == 0) {
            return;
        }
        Path busybox = staticBusybox().orElseThrow(() -> new IOException("demo --docker builds its tiny local image "
                + IMAGE + " from a statically linked busybox, and none is here (Debian/Ubuntu: apt-get install"
                + " busybox-static); or load that image into the engine yourself"));
        Path root = Files.createDirectories(workDir.resolve("image-rootfs"));
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("www"));
        Files.copy(busybox, root.resolve("bin/busybox"));
        root.resolve("bin/busybox").toFile().setExecutable(true, false);
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
        Path tar = workDir.resolve("image-rootfs.tar");
        try {
            Run t = run(List.of("tar", "-C", root.toString(), "-cf", tar.toString(), "."));
            if (t.exit != 0) {
                throw new IOException("demo --docker: cannot pack the image's rootfs with tar: " + t.err.strip());
            }
            Run imported = docker(List.of("import", "--change",
                    "CMD [\"/bin/busybox\", \"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]",
                    tar.toString(), IMAGE), null);
            if (imported.exit != 0) {
                throw new IOException("demo --docker: docker import of " + IMAGE + " failed: " + imported.err.strip());
            }
        } finally {
            deleteTree(root);
            Files.deleteIfExists(tar);
        }
    }

    /** A busybox that runs in an empty rootfs: no ELF interpreter (a dynamic one names ld-linux or ld-musl). */
    static Optional<Path> staticBusybox() {
        List<Path> candidates = new ArrayList<>(BUSYBOX_CANDIDATES);
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isBlank()) {
                    candidates.add(Path.of(dir, "busybox"));
                }
            }
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isReadable(candidate) && !dynamic(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static boolean dynamic(Path binary) {
        try (InputStream in = Files.newInputStream(binary)) {
            String head = new String(in.readNBytes(16 * 1024), StandardCharsets.ISO_8859_1);
            return head.contains("ld-linux") || head.contains("ld-musl");
        } catch (IOException e) {
            return true;
        }
    }

    private record Run(int exit, String err) {}

    private static Run docker(List<String> args, Path dir) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(args);
        return run(command);
    }

    private static Run run(List<String> command) {
        try {
            Path err = Files.createTempFile("truenas-gitops-demo", ".err");
            try {
                Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(err.toFile()).start();
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    return new Run(124, String.join(" ", command) + " did not finish within 5 minutes");
                }
                return new Run(p.exitValue(), Files.readString(err));
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return new Run(127, "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(130, "interrupted");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
