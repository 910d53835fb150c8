package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/truenas-gitops}, run by sh against a stand-in jar ({@link LauncherProbe}) laid out as the packaged
 * application: where it finds the jar, which flags short commands and the daemon get, the class archive it trains
 * once and then uses, and that arguments and exit codes pass through unchanged.
 */
class LauncherScriptTest {

    static final Path SCRIPT = Path.of("bin/truenas-gitops").toAbsolutePath();
    static final String JAVA_HOME = System.getProperty("java.home");

    @TempDir
    Path tmp;

    Path app;

    record Result(int exit, List<String> lines, String err) {
        List<String> flags() {
            return lines.stream().filter(l -> l.startsWith("flag ")).map(l -> l.substring(5)).toList();
        }

        List<String> args() {
            return lines.stream().filter(l -> l.startsWith("arg ")).map(l -> l.substring(4)).toList();
        }
    }

    @BeforeEach
    void packagedLayout() throws IOException {
        app = Files.createDirectories(tmp.resolve("checkout/target/quarkus-app"));
        writeProbeJar(app.resolve("quarkus-run.jar"));
        Path bin = Files.createDirectories(tmp.resolve("checkout/bin"));
        Files.copy(SCRIPT, bin.resolve("truenas-gitops"));
        bin.resolve("truenas-gitops").toFile().setExecutable(true);
    }

    /** A jar whose manifest runs the probe from the test classes, as quarkus-run.jar runs the application. */
    static void writeProbeJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH,
                Path.of("target/test-classes").toAbsolutePath().toUri().toString());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
    }

    Result run(Path script, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("TRUENAS_GITOPS_HOME");
        pb.environment().remove("TRUENAS_GITOPS_ARCHIVE");
        pb.environment().put("JAVA_HOME", JAVA_HOME);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out.lines().toList(), err);
    }

    Path script() {
        return tmp.resolve("checkout/bin/truenas-gitops");
    }

    @Test
    void findsTheJarOfTheCheckoutAndPassesArgumentsAndTheExitCodeUnchanged() throws Exception {
        Result r = run(script(), Map.of("PROBE_EXIT", "3", "TRUENAS_GITOPS_ARCHIVE", "off"),
                "apps", "list", "a b", "--name=x y", "");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.args()).containsExactly("apps", "list", "a b", "--name=x y", "");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void shortCommandsStartQuicklyAndJavaOptsComeLast() throws Exception {
        Result r = run(script(), Map.of("JAVA_OPTS", "-Xmx100m -XX:TieredStopAtLevel=4", "TRUENAS_GITOPS_ARCHIVE", "off"),
                "validate");

        assertThat(r.flags()).containsSubsequence("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx100m",
                "-XX:TieredStopAtLevel=4");
    }

    @Test
    void theDaemonGetsOnlyJavaOpts() throws Exception {
        Result serve = run(script(), Map.of("JAVA_OPTS", "-Xmx64m"), "serve");
        Result demo = run(script(), Map.of(), "demo", "--once");

        assertThat(serve.flags()).containsExactly("-Xmx64m");
        assertThat(demo.flags()).isEmpty();
        assertThat(demo.args()).containsExactly("demo", "--once");
        assertThat(Files.list(app).map(p -> p.getFileName().toString())).containsExactly("quarkus-run.jar");
    }

    @Test
    void theFirstShortCommandThatWorksTrainsTheClassArchiveAndTheNextOnesUseIt() throws Exception {
        Result version = run(script(), Map.of(), "--version");
        assertThat(Files.list(app)).hasSize(1);
        assertThat(version.flags()).noneMatch(f -> f.contains("Archive") || f.contains("AOTCache"));
        Result first = run(script(), Map.of(), "validate", "stacks");
        Path archive = Files.list(app).filter(p -> p.getFileName().toString().startsWith("truenas-gitops.jdk"))
                .findFirst().orElseThrow();
        Result second = run(script(), Map.of(), "--help");

        assertThat(first.exit()).isZero();
        assertThat(first.flags()).anyMatch(f -> f.startsWith("-XX:ArchiveClassesAtExit=") || f.startsWith("-XX:AOTCacheOutput="));
        assertThat(Files.size(archive)).isPositive();
        assertThat(second.flags()).anyMatch(f -> f.equals("-XX:SharedArchiveFile=" + archive)
                || f.equals("-XX:AOTCache=" + archive));
        assertThat(Files.list(app).filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
    }

    @Test
    void aCopiedBuildTrainsItsOwnArchiveInsteadOfUsingOneMadeForTheOriginalPaths() throws Exception {
        run(script(), Map.of(), "validate");
        Path copy = Files.createDirectories(tmp.resolve("copy/target/quarkus-app"));
        Files.createDirectories(tmp.resolve("copy/bin"));
        Files.copy(script(), tmp.resolve("copy/bin/truenas-gitops"));
        tmp.resolve("copy/bin/truenas-gitops").toFile().setExecutable(true);
        Files.copy(app.resolve("quarkus-run.jar"), copy.resolve("quarkus-run.jar"));
        try (var files = Files.list(app)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("truenas-gitops.jdk")).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }

        Result copied = run(tmp.resolve("copy/bin/truenas-gitops"), Map.of(), "validate");

        assertThat(copied.flags()).noneMatch(f -> f.startsWith("-XX:SharedArchiveFile=") || f.startsWith("-XX:AOTCache="));
        assertThat(copied.flags()).anyMatch(f -> f.startsWith("-XX:ArchiveClassesAtExit=") || f.startsWith("-XX:AOTCacheOutput="));
    }

    @Test
    void aRebuiltJarGetsANewArchive() throws Exception {
        run(script(), Map.of(), "validate");
        Path archive = Files.list(app).filter(p -> p.getFileName().toString().startsWith("truenas-gitops.jdk"))
                .findFirst().orElseThrow();
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(0));

        Result rebuilt = run(script(), Map.of(), "validate");

        assertThat(rebuilt.flags()).anyMatch(f -> f.startsWith("-XX:ArchiveClassesAtExit=") || f.startsWith("-XX:AOTCacheOutput="));
        assertThat(Files.getLastModifiedTime(archive).toMillis()).isPositive();
    }

    @Test
    void theScriptIsPortableShellThatShellCheckAccepts() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/shellcheck")), "needs shellcheck");
        Process p = new ProcessBuilder("shellcheck", "-s", "sh", SCRIPT.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void aSymlinkedLauncherFindsTheJarNextToTheRealScript() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("truenas-gitops"), script());

        Result r = run(link, Map.of("TRUENAS_GITOPS_ARCHIVE", "off"), "status");

        assertThat(r.exit()).isZero();
        assertThat(r.args()).containsExactly("status");
    }

    @Test
    void theHomeVariableWinsAndNoJarSaysWhereItLookedAndHowToBuildOne() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Result r = run(script(), Map.of("TRUENAS_GITOPS_HOME", empty.toString()), "--version");
        assertThat(r.exit()).isZero(); // falls back to the checkout's jar
        assertThat(r.args()).containsExactly("--version");

        Files.delete(app.resolve("quarkus-run.jar"));
        Result none = run(script(), Map.of("TRUENAS_GITOPS_HOME", empty.toString()), "--version");

        assertThat(none.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("no quarkus-run.jar in " + empty).contains("./mvnw -B -ntp package -DskipTests")
                .contains("TRUENAS_GITOPS_HOME");
    }
}
