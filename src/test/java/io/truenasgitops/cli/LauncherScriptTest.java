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
 * {@code bin/truenas-gitops}, run by sh against stand-in jars laid out as the packaged application
 * ({@link LauncherProbe} as {@code quarkus-run.jar}, a probe compiled here as {@code io.truenasgitops.cli.ShortMain}
 * in {@code app/}): where it finds the jar, which commands leave Quarkus' runner for a plain class path and what is
 * on it, which flags short commands and the daemon get, the class archive it trains once and then uses, and that
 * arguments and exit codes pass through unchanged.
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

        boolean plainMain() {
            return lines.contains("main ShortMain");
        }

        List<String> classPath() {
            return lines.stream().filter(l -> l.startsWith("classpath ")).findFirst()
                    .map(l -> java.util.Arrays.stream(l.substring(10).split(":"))
                            .map(e -> Path.of(e).getFileName().toString()).toList())
                    .orElse(List.of());
        }

        List<String> args() {
            return lines.stream().filter(l -> l.startsWith("arg ")).map(l -> l.substring(4)).toList();
        }
    }

    @BeforeEach
    void packagedLayout() throws IOException {
        app = Files.createDirectories(tmp.resolve("checkout/target/quarkus-app"));
        writeProbeJar(app.resolve("quarkus-run.jar"));
        writeShortMainProbe(Files.createDirectories(app.resolve("app")).resolve("truenas-gitops-0.1.0.jar"));
        Path libMain = Files.createDirectories(app.resolve("lib/main"));
        for (String lib : List.of("info.picocli.picocli-4.7.7.jar", "io.quarkus.quarkus-core-3.33.2.jar",
                "io.quarkus.arc.arc-3.33.2.jar", "jakarta.enterprise.jakarta.enterprise.cdi-api-4.1.0.jar",
                "org.jboss.logmanager.jboss-logmanager-3.2.1.Final.jar", "io.vertx.vertx-web-4.5.27.jar",
                "com.fasterxml.jackson.core.jackson-databind-2.21.2.jar")) {
            writeEmptyJar(libMain.resolve(lib));
        }
        Files.createDirectories(app.resolve("lib/boot"));
        writeEmptyJar(app.resolve("lib/boot/org.jboss.logging.jboss-logging-3.6.2.Final.jar"));
        writeEmptyJar(app.resolve("lib/boot/io.quarkus.quarkus-bootstrap-runner-3.33.2.jar"));
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

    static void writeEmptyJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
    }

    /**
     * The application jar of the layout: a class named as the short commands' entry point that prints, as
     * {@link LauncherProbe} does, its flags and arguments, and also {@code main} and its class path.
     */
    void writeShortMainProbe(Path jar) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("probe-src/io/truenasgitops/cli"));
        Files.writeString(src.resolve("ShortMain.java"), """
                package io.truenasgitops.cli;
                public final class ShortMain {
                    public static void main(String... args) {
                        System.out.println("main ShortMain");
                        System.out.println("classpath " + System.getProperty("java.class.path"));
                        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
                                .forEach(a -> System.out.println("flag " + a));
                        for (String arg : args) {
                            System.out.println("arg " + arg);
                        }
                        System.exit(Integer.parseInt(System.getenv().getOrDefault("PROBE_EXIT", "0")));
                    }
                }
                """);
        Path classes = Files.createDirectories(tmp.resolve("probe-classes"));
        int compiled = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                src.resolve("ShortMain.java").toString());
        assertThat(compiled).isZero();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.putNextEntry(new java.util.jar.JarEntry("io/truenasgitops/cli/ShortMain.class"));
            j.write(Files.readAllBytes(classes.resolve("io/truenasgitops/cli/ShortMain.class")));
            j.closeEntry();
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
    void shortCommandsRunThePlainMainOnAClassPathWithoutQuarkusCdiOrTheLogManager() throws Exception {
        Result r = run(script(), Map.of("TRUENAS_GITOPS_ARCHIVE", "off"), "apps", "list");

        assertThat(r.plainMain()).isTrue();
        assertThat(r.classPath()).containsExactly("truenas-gitops-0.1.0.jar",
                "org.jboss.logging.jboss-logging-3.6.2.Final.jar",
                "com.fasterxml.jackson.core.jackson-databind-2.21.2.jar", "info.picocli.picocli-4.7.7.jar");
    }

    @Test
    void serveDemoAndTheEmulatorStayOnQuarkusRunner() throws Exception {
        for (String command : List.of("serve", "demo", "emulator")) {
            Result r = run(script(), Map.of(), command, "--help");

            assertThat(r.plainMain()).as(command).isFalse();
            assertThat(r.args()).as(command).containsExactly(command, "--help");
        }
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
        assertThat(Files.list(app).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("quarkus-run.jar",
                "app", "lib");
    }

    @Test
    void theFirstShortCommandThatWorksTrainsTheClassArchiveAndTheNextOnesUseIt() throws Exception {
        Result version = run(script(), Map.of(), "--version");
        Result help = run(script(), Map.of(), "validate", "--help");
        assertThat(Files.list(app)).hasSize(3);
        assertThat(help.flags()).noneMatch(f -> f.contains("Archive") || f.contains("AOTCache") || f.contains("ClassList"));
        assertThat(version.flags()).noneMatch(f -> f.contains("Archive") || f.contains("AOTCache"));
        Result first = run(script(), Map.of(), "validate", "stacks");
        Path archive = Files.list(app).filter(p -> p.getFileName().toString().startsWith("truenas-gitops.jdk"))
                .findFirst().orElseThrow();
        Result second = run(script(), Map.of(), "--help");

        assertThat(first.exit()).isZero();
        assertThat(first.flags()).anyMatch(f -> f.startsWith("-XX:DumpLoadedClassList=") || f.startsWith("-XX:AOTCacheOutput="));
        assertThat(Files.size(archive)).isPositive();
        assertThat(second.flags()).anyMatch(f -> f.equals("-XX:SharedArchiveFile=" + archive)
                || f.equals("-XX:AOTCache=" + archive));
        assertThat(Files.list(app).filter(p -> p.toString().contains(".tmp"))).isEmpty();
    }

    @Test
    void aCopiedBuildTrainsItsOwnArchiveInsteadOfUsingOneMadeForTheOriginalPaths() throws Exception {
        run(script(), Map.of(), "validate");
        Path copy = Files.createDirectories(tmp.resolve("copy/target/quarkus-app"));
        Files.createDirectories(tmp.resolve("copy/bin"));
        Files.copy(script(), tmp.resolve("copy/bin/truenas-gitops"));
        tmp.resolve("copy/bin/truenas-gitops").toFile().setExecutable(true);
        Files.copy(app.resolve("quarkus-run.jar"), copy.resolve("quarkus-run.jar"));
        copyTree(app.resolve("app"), copy.resolve("app"));
        copyTree(app.resolve("lib"), copy.resolve("lib"));
        try (var files = Files.list(app)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("truenas-gitops.jdk")).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }

        Result copied = run(tmp.resolve("copy/bin/truenas-gitops"), Map.of(), "validate");

        assertThat(copied.flags()).noneMatch(f -> f.startsWith("-XX:SharedArchiveFile=") || f.startsWith("-XX:AOTCache="));
        assertThat(copied.flags()).anyMatch(f -> f.startsWith("-XX:DumpLoadedClassList=") || f.startsWith("-XX:AOTCacheOutput="));
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void aRebuiltJarGetsANewArchive() throws Exception {
        run(script(), Map.of(), "validate");
        Path archive = Files.list(app).filter(p -> p.getFileName().toString().startsWith("truenas-gitops.jdk"))
                .findFirst().orElseThrow();
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(0));

        Result rebuilt = run(script(), Map.of(), "validate");

        assertThat(rebuilt.flags()).anyMatch(f -> f.startsWith("-XX:DumpLoadedClassList=") || f.startsWith("-XX:AOTCacheOutput="));
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
