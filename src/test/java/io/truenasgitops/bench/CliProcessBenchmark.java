package io.truenasgitops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole processes, as a person or a CI job runs them: {@code --version}, {@code --help} and {@code apps list}
 * against the emulator (in this JVM, {@value #APPS} apps), each started {@code bench.runs} times (default 5, after
 * one warm-up run), rounds interleaved, against a reference run in the same rounds: {@link PlainAppsList}, the
 * least a client does for the same list (WebSocket, login, one {@code app.query}, print), as its own JVM with the
 * launcher's flags. CPU is user + system time of the child and wall its elapsed time, both from
 * {@code /usr/bin/time}; figures are medians. Ways to run: {@code java -jar} (JVM defaults), the
 * {@code bin/truenas-gitops} launcher (its flags and archive), and with {@code -Dbench.java25=JAVA_HOME} the
 * launcher on that Java too. Not a test (nothing asserted but the exit codes); run it explicitly after packaging:
 *
 * <pre>
 * ./mvnw -B -ntp -o package -DskipTests
 * ./mvnw -B -ntp -o surefire:test -Dtest=CliProcessBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * It rewrites its section of {@code docs/performance.md}.
 */
public class CliProcessBenchmark {

    static final int RUNS = Integer.getInteger("bench.runs", 5);
    static final int APPS = 10;
    static final double VERSION_GOAL_CPU = 0.3;
    static final double LIST_GOAL_WALL = 1.2;
    static final double LIST_GOAL_CPU = 2.0;
    static final Path JAR = DaemonMemoryBenchmark.JAR;
    static final Path LAUNCHER = Path.of("bin/truenas-gitops").toAbsolutePath();
    static final String START = "<!-- bench:cli-process:start -->";
    static final String END = "<!-- bench:cli-process:end -->";
    /** The flags the launcher gives short commands; the reference runs with them too. */
    static final List<String> SHORT_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    @TempDir
    Path tmp;

    record Sample(double wall, double cpu, long peakKb) {}

    record Case(String way, String what, List<String> command, Map<String, String> env) {}

    @Test
    void wholeProcesses() throws Exception {
        assumeTrue(Files.exists(JAR), "package first: ./mvnw -B -ntp -o package -DskipTests");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/time")), "needs /usr/bin/time");
        String java17 = ProcessHandle.current().info().command().orElse("java");
        String home17 = Path.of(java17).getParent().getParent().toString();
        Optional<String> home25 = Optional.ofNullable(System.getProperty("bench.java25")).filter(h -> !h.isBlank());
        try (TrueNasEmulator emulator = TrueNasEmulator.start(EmulatorOptions.defaults())) {
            for (int i = 0; i < APPS; i++) {
                emulator.apps().put("app" + i, Map.of("services", Map.of("web", Map.of("image", "nginx:1.27"))),
                        "RUNNING");
            }
            Map<String, String> nas = Map.of("TRUENAS_URL", emulator.url(), "TRUENAS_API_KEY", emulator.apiKey(),
                    "TRUENAS_USERNAME", emulator.username(), "TRUENAS_TLS_FINGERPRINT", emulator.tlsFingerprint(),
                    "NO_COLOR", "1");
            List<Case> cases = new ArrayList<>();
            addWay(cases, "java -jar (Java " + javaVersion(java17) + ", JVM defaults)",
                    List.of(java17, "-jar", JAR.toString()), Map.of(), nas);
            if (Files.isExecutable(LAUNCHER)) {
                addWay(cases, "bin/truenas-gitops (Java " + javaVersion(java17) + ")", List.of(LAUNCHER.toString()),
                        Map.of("JAVA_HOME", home17), nas);
                home25.ifPresent(h -> addWay(cases, "bin/truenas-gitops (Java " + javaVersion(h + "/bin/java") + ")",
                        List.of(LAUNCHER.toString()), Map.of("JAVA_HOME", h), nas));
            }
            List<String> reference = new ArrayList<>(List.of(java17));
            reference.addAll(SHORT_FLAGS);
            reference.addAll(List.of("-cp", referenceClassPath(), PlainAppsList.class.getName(), emulator.url(),
                    emulator.apiKey()));
            cases.add(new Case("reference: PlainAppsList (Java " + javaVersion(java17) + ", the launcher's flags)",
                    "apps list", reference, Map.of()));

            Map<Case, List<Sample>> samples = new LinkedHashMap<>();
            for (int round = 0; round <= RUNS; round++) {
                for (Case c : cases) {
                    Sample s = run(c);
                    if (round > 0) {
                        samples.computeIfAbsent(c, k -> new ArrayList<>()).add(s);
                    }
                }
            }
            samples.forEach((c, s) -> System.out.printf(Locale.ROOT, "bench: %-60s %-10s cpu %.2f s wall %.2f s%n",
                    c.way(), c.what(), median(s, Sample::cpu), median(s, Sample::wall)));
            write(samples, cases.get(cases.size() - 1));
        }
    }

    private static void addWay(List<Case> cases, String way, List<String> base, Map<String, String> env,
            Map<String, String> nas) {
        for (List<String> args : List.of(List.of("--version"), List.of("--help"), List.of("apps", "list"))) {
            List<String> command = new ArrayList<>(base);
            command.addAll(args);
            Map<String, String> all = new LinkedHashMap<>(env);
            if (args.get(0).equals("apps")) {
                all.putAll(nas);
            }
            cases.add(new Case(way, String.join(" ", args), command, all));
        }
    }

    /** Runs one case under {@code /usr/bin/time}; fails when the command fails. */
    private Sample run(Case c) throws IOException, InterruptedException {
        Path times = Files.createTempFile(tmp, "time", ".txt");
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", times.toString()));
        command.addAll(c.command());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().putAll(c.env());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        assertThat(exit).as("%s %s exited %d:%n%s", c.way(), c.what(), exit, output).isZero();
        if (c.what().equals("apps list")) {
            assertThat(output).as("%s %s", c.way(), c.what()).contains("app" + (APPS - 1));
        }
        String[] f = Files.readString(times).trim().split("\\s+");
        return new Sample(Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2]),
                Long.parseLong(f[3]));
    }

    /** The test classes (for {@link PlainAppsList}) and the Jackson jars it parses with. */
    private static String referenceClassPath() {
        String classPath = System.getProperty("java.class.path");
        return Stream.concat(Stream.of(Path.of("target/test-classes").toAbsolutePath().toString()),
                        Stream.of(classPath.split(File.pathSeparator)).filter(e -> e.contains("jackson-core")
                                || e.contains("jackson-databind") || e.contains("jackson-annotations")))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static String javaVersion(String java) {
        try {
            Process p = new ProcessBuilder(java, "-XshowSettings:properties", "-version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out.lines().map(String::strip).filter(l -> l.startsWith("java.version = ")).findFirst()
                    .map(l -> l.substring("java.version = ".length())).orElse("?");
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> what) {
        return DaemonMemoryBenchmark.percentile(samples.stream().map(what::applyAsDouble).toList(), 50);
    }

    // ---- the report -------------------------------------------------------------------------------------------

    static void write(Map<Case, List<Sample>> samples, Case reference) throws IOException {
        double refCpu = median(samples.get(reference), Sample::cpu);
        double refWall = median(samples.get(reference), Sample::wall);
        List<String> lines = new ArrayList<>(List.of(
                START,
                "## Short commands as whole processes",
                "",
                "Measured by `src/test/java/io/truenasgitops/bench/CliProcessBenchmark.java`: each command is its own process,"
                        + " started " + RUNS + " times",
                "(after one warm-up run; rounds interleaved) against the emulator with " + APPS + " apps. The reference"
                        + " is `PlainAppsList` in the same rounds:",
                "the least a client does for `apps list` (JDK WebSocket, `auth.login_with_api_key`, one `app.query`,"
                        + " Jackson, print), its own JVM",
                "with the launcher's flags (`" + String.join(" ", SHORT_FLAGS) + "`). CPU = user + system seconds of the"
                        + " process, wall = elapsed, both",
                "from `/usr/bin/time`; medians. Peak RSS is the median of the process's maximum resident set.",
                "",
                "| way | command | CPU s | wall s | peak RSS MB | CPU × reference | wall × reference |",
                "|---|---|---|---|---|---|---|"));
        samples.forEach((c, s) -> lines.add(String.format(Locale.ROOT, "| %s | `%s` | %.2f | %.2f | %d | %s | %s |",
                c.way(), c.what(), median(s, Sample::cpu), median(s, Sample::wall),
                Math.round(median(s, x -> x.peakKb() / 1024.0)),
                c.what().equals("apps list") ? String.format(Locale.ROOT, "%.2f", median(s, Sample::cpu) / refCpu) : "",
                c.what().equals("apps list") ? String.format(Locale.ROOT, "%.2f", median(s, Sample::wall) / refWall) : "")));
        lines.add("");
        lines.add("Goals of issue 11, per way of running:");
        lines.add("");
        Map<String, List<Map.Entry<Case, List<Sample>>>> byWay = samples.entrySet().stream()
                .filter(e -> e.getKey() != reference)
                .collect(Collectors.groupingBy(e -> e.getKey().way(), LinkedHashMap::new, Collectors.toList()));
        byWay.forEach((way, entries) -> {
            List<String> verdicts = new ArrayList<>();
            for (Map.Entry<Case, List<Sample>> e : entries) {
                double cpu = median(e.getValue(), Sample::cpu);
                double wall = median(e.getValue(), Sample::wall);
                if (e.getKey().what().equals("apps list")) {
                    verdicts.add(String.format(Locale.ROOT, "`apps list` %.2f× the reference's wall (goal ≤ %.1f×: %s),"
                            + " %.2f× its CPU (goal ≤ %.1f×: %s)", wall / refWall, LIST_GOAL_WALL,
                            wall / refWall <= LIST_GOAL_WALL ? "met" : "not met", cpu / refCpu, LIST_GOAL_CPU,
                            cpu / refCpu <= LIST_GOAL_CPU ? "met" : "not met"));
                } else {
                    verdicts.add(String.format(Locale.ROOT, "`%s` %.2f s CPU (goal ≤ %.1f s: %s)", e.getKey().what(), cpu,
                            VERSION_GOAL_CPU, cpu <= VERSION_GOAL_CPU ? "met" : "not met"));
                }
            }
            lines.add("* " + way + ": " + String.join("; ", verdicts) + ".");
        });
        lines.addAll(List.of(
                "",
                "Measured " + Instant.now().toString().substring(0, 16) + "Z on " + Runtime.getRuntime().availableProcessors()
                        + " CPUs shared with other builds (wall times swing with their load, CPU times much less),"
                        + " commit " + DaemonMemoryBenchmark.gitHead() + ". Run it with:",
                "",
                "```",
                "./mvnw -B -ntp -o package -DskipTests",
                "./mvnw -B -ntp -o surefire:test -Dtest=CliProcessBenchmark -Dsurefire.failIfNoSpecifiedTests=false"
                        + " -Dbench.java25=/usr/lib/jvm/temurin-25-jdk-amd64",
                "```",
                "(`-Dbench.runs=N` changes the number of runs; without `-Dbench.java25` the Java 25 rows are left out.)",
                END));
        String section = String.join("\n", lines);
        PerformanceReport.writeSection(section, START, END);
    }
}
