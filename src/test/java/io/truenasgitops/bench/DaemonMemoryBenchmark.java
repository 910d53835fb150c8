package io.truenasgitops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.truenasgitops.truenas.ConnectionSettings;
import io.truenasgitops.truenas.TrueNasClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Measures the memory of the real daemon ({@code java -jar target/quarkus-app/quarkus-run.jar serve}, a separate
 * process, as in the container image) reconciling a 50-stack repository ({@code -Dbench.stacks=N} for another
 * count) against the emulator (another process,
 * so its memory is not counted), once per set of JVM flags. For each set it records, after the first reconcile
 * (every app created) and after {@code bench.passes} steady passes with drift on the NAS and two commits: RSS
 * and its peak (VmRSS, VmHWM), heap used after a full GC, metaspace, threads, GC count and time, CPU time.
 * Not a test (nothing asserted on memory); run it explicitly after building the jar:
 *
 * <pre>
 * ./mvnw -B -ntp -o package -DskipTests
 * ./mvnw -B -ntp -o surefire:test -Dtest=DaemonMemoryBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * {@code -Dbench.configs='name=flags;name=flags'} replaces the default sets of flags, {@code -Dbench.passes=N}
 * changes the number of steady passes, {@code -Dbench.java.home=DIR} runs the daemon and the emulator on another
 * Java, {@code -Dbench.label=NAME} writes a section of its own. It rewrites its section of {@code docs/performance.md}.
 */
public class DaemonMemoryBenchmark {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    static final int STACKS = Integer.getInteger("bench.stacks", 50);
    static final int PASSES = Integer.getInteger("bench.passes", 20);
    /** Each stack count has its own section of the report (the 50-stack one keeps its historic markers). */
    static final String SECTION = "bench:daemon-memory" + (STACKS == 50 ? "" : "-" + STACKS)
            + (System.getProperty("bench.label") == null ? "" : "-" + System.getProperty("bench.label"));
    static final String START = "<!-- " + SECTION + ":start -->";
    static final String END = "<!-- " + SECTION + ":end -->";
    /** The flags the image ships (Dockerfile JAVA_OPTS); the first row compares against the JVM's own defaults. */
    public static final String IMAGE_FLAGS = "-Xmx64m -XX:+UseSerialGC -XX:MaxMetaspaceSize=80m"
            + " -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError";
    static final String SERIAL = " -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError";
    static final String DEFAULT_CONFIGS = String.join(";",
            "JVM defaults (G1, heap 1/4 of RAM)=",
            "image=" + IMAGE_FLAGS,
            "image + 2 malloc arenas=" + IMAGE_FLAGS + " MALLOC_ARENA_MAX=2",
            "image, C2 too=" + IMAGE_FLAGS.replace(" -XX:TieredStopAtLevel=1", ""),
            "G1 -Xmx64m=-Xmx64m -XX:+ExitOnOutOfMemoryError",
            "Serial -Xmx48m=-Xmx48m" + SERIAL,
            "Serial -Xmx32m=-Xmx32m" + SERIAL,
            "Serial -Xmx24m=-Xmx24m" + SERIAL,
            "Serial -Xmx20m=-Xmx20m" + SERIAL,
            "Serial -Xmx16m=-Xmx16m" + SERIAL);
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    @Test
    void daemonFootprintWithGeneratedStacks() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "build the jar first: ./mvnw -B -ntp -o package -DskipTests");
        Path repo = tmp.resolve("repo");
        Path secrets = tmp.resolve("secrets");
        List<String> stacks = generateRepository(repo, secrets);
        assertThat(stacks).hasSize(STACKS);
        CliRun validate = validate(repo, secrets);
        assertThat(validate.exit()).as("validate of the generated repository:\n%s", validate.output()).isZero();

        List<Row> rows = new ArrayList<>();
        for (String entry : System.getProperty("bench.configs", DEFAULT_CONFIGS).split(";")) {
            int eq = entry.indexOf('=');
            String name = entry.substring(0, eq).trim();
            // NAME=value tokens (no leading dash) are environment variables, e.g. MALLOC_ARENA_MAX=2.
            List<String> flags = Arrays.stream(entry.substring(eq + 1).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
            Row row = measure(name, flags, repo, secrets, stacks);
            System.out.println("bench: " + row);
            rows.add(row);
        }
        write(rows, validate);
    }

    // ---- one set of JVM flags -----------------------------------------------------------------------------------

    record Snapshot(long rssKb, long hwmKb, long heapAfterGcBytes, long metaspaceBytes, long codeCacheBytes, int threads,
            long gcCount, double gcSeconds, double cpuSeconds) {}

    record Row(String name, List<String> flags, String outcome, Snapshot first, Snapshot steady, double startSeconds,
            double medianPassMs, int steadyPasses, int steadyApplies) {}

    Row measure(String name, List<String> flags, Path repo, Path secrets, List<String> stacks) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("run-" + Math.abs(name.hashCode())));
        Path git = dir.resolve("repo");
        copyTree(repo, git);
        Process emulator = new ProcessBuilder(javaBin(), "-Xmx512m", "-jar", JAR.toString(), "emulator",
                "--ready-file", dir.resolve("emulator.json").toString(), "--deploy-delay", "PT0.1S",
                "--job-step-delay", "PT0.01S").redirectErrorStream(true).redirectOutput(dir.resolve("emulator.log").toFile())
                .start();
        try {
            Path ready = dir.resolve("emulator.json");
            awaitTrue(() -> Files.isRegularFile(ready) && Files.size(ready) > 0, Duration.ofSeconds(90), "emulator ready file");
            JsonNode nas = JSON.readTree(ready.toFile());
            Files.writeString(dir.resolve("api-key"), nas.get("apiKey").asText());
            Files.writeString(dir.resolve("api-token"), "bench-token-0123456789abcdef");
            int port = freePort();
            Map<String, String> env = new LinkedHashMap<>();
            env.put("TRUENAS_URL", nas.get("url").asText());
            env.put("TRUENAS_USERNAME", nas.get("username").asText());
            env.put("TRUENAS_API_KEY_FILE", dir.resolve("api-key").toString());
            env.put("TRUENAS_TLS_FINGERPRINT", nas.get("tlsFingerprint").asText());
            env.put("TRUENAS_GITOPS_STATE_DIR", dir.resolve("state").toString());
            env.put("TRUENAS_GITOPS_GIT_URL", git.toUri().toString());
            env.put("TRUENAS_GITOPS_GIT_REF", "main");
            env.put("TRUENAS_GITOPS_STACKS_SECRETS_DIR", secrets.toString());
            env.put("TRUENAS_GITOPS_API_TOKEN_FILE", dir.resolve("api-token").toString());
            // Passes come from the REST API only, so that each one is counted; short health waits keep it quick.
            env.put("TRUENAS_GITOPS_RECONCILE_INTERVAL", "1h");
            env.put("TRUENAS_GITOPS_RECONCILE_SETTLE_TIME", "1s");
            env.put("TRUENAS_GITOPS_RECONCILE_HEALTH_POLL_INTERVAL", "250ms");
            env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
            env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
            List<String> command = new ArrayList<>(List.of(javaBin()));
            for (String flag : flags) {
                if (flag.startsWith("-")) {
                    command.add(flag);
                } else {
                    env.put(flag.substring(0, flag.indexOf('=')), flag.substring(flag.indexOf('=') + 1));
                }
            }
            command.addAll(List.of("-jar", JAR.toString(), "serve"));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("daemon.log").toFile());
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process daemon = pb.start();
            try {
                String base = "http://127.0.0.1:" + port;
                awaitTrue(() -> !daemon.isAlive() || status(base + "/q/health/live") == 200, Duration.ofSeconds(120), "daemon up");
                if (!daemon.isAlive()) {
                    return new Row(name, flags, "exited at start (" + daemon.exitValue() + ")", null, null, 0, 0, 0, 0);
                }
                double startSeconds = (System.nanoTime() - t0) / 1e9;
                // First reconcile: every app is created; passes until one has nothing left to do.
                String result = "";
                for (int i = 0; i < 6 && daemon.isAlive() && !result.equals("no_change"); i++) {
                    JsonNode pass = syncOrNull(base, daemon);
                    result = pass == null ? "the daemon died" : pass.path("result").asText();
                }
                if (!result.equals("no_change")) {
                    return new Row(name, flags, failure(daemon, "first reconcile never settled: " + result), null, null,
                            startSeconds, 0, 0, 0);
                }
                Snapshot first = snapshot(daemon.pid(), base);

                List<Double> passMs = new ArrayList<>();
                int applies = 0;
                try (TrueNasClient nasClient = TrueNasClient.connect(ConnectionSettings.builder(nas.get("url").asText())
                        .apiKey(nas.get("apiKey").asText()).username(nas.get("username").asText())
                        .tlsFingerprint(nas.get("tlsFingerprint").asText()).build());
                        Git repoGit = Git.open(git.toFile())) {
                    for (int i = 1; i <= PASSES && daemon.isAlive(); i++) {
                        drift(i, nasClient, repoGit, git, stacks);
                        long p0 = System.nanoTime();
                        JsonNode pass = syncOrNull(base, daemon);
                        if (pass == null) {
                            break;
                        }
                        passMs.add((System.nanoTime() - p0) / 1e6);
                        assertThat(pass.path("status").asText()).as("pass %d of '%s'", i, name).isEqualTo("completed");
                        for (JsonNode action : pass.path("actions")) {
                            applies += action.path("outcome").asText().equals("applied") ? 1 : 0;
                        }
                    }
                }
                if (!daemon.isAlive()) {
                    return new Row(name, flags, failure(daemon, "died in the steady passes"), first, null, startSeconds, 0,
                            passMs.size(), applies);
                }
                Snapshot steady = snapshot(daemon.pid(), base);
                double gcShare = (steady.gcSeconds() - first.gcSeconds()) / Math.max(1e-9, sum(passMs) / 1000.0);
                String outcome = gcShare > 0.10 ? String.format(Locale.ROOT, "GC thrashing (%.0f%% of pass time)", gcShare * 100)
                        : "ok";
                return new Row(name, flags, outcome, first, steady, startSeconds, percentile(passMs, 50), passMs.size(),
                        applies);
            } finally {
                stop(daemon);
            }
        } finally {
            stop(emulator);
        }
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The steady phase: a NAS user stops two apps (state drift) at pass 5 and edits two in the UI (config drift:
     * one stack heals itself, one only reports it) at pass 8; commits change three stacks at pass 10 and two at
     * pass 15.
     */
    static void drift(int pass, TrueNasClient nas, Git git, Path repo, List<String> stacks) throws Exception {
        switch (pass) {
            case 5 -> {
                nas.apps().stop(stacks.get(1), null);
                nas.apps().stop(stacks.get(20), null);
            }
            case 8 -> {
                for (String app : List.of(stacks.get(2), firstWithSelfHeal(repo, stacks))) {
                    nas.apps().update(app, withLabel(nas.apps().config(app), "edited-in-the-ui", "true"), null);
                }
            }
            case 10 -> commit(git, repo, stacks.subList(30, 33), "bump three stacks");
            case 15 -> commit(git, repo, stacks.subList(40, 42), "bump two stacks");
            default -> { }
        }
    }

    static String firstWithSelfHeal(Path repo, List<String> stacks) throws IOException {
        for (String s : stacks) {
            Path settings = repo.resolve("stacks").resolve(s).resolve("stack.yaml");
            if (Files.isRegularFile(settings) && Files.readString(settings).contains("selfHeal: true")) {
                return s;
            }
        }
        throw new IllegalStateException("no stack with selfHeal: true in the generated repository");
    }

    /** A commit that changes what the stacks deploy: one more label on every service (a real update for TrueNAS). */
    static void commit(Git git, Path repo, List<String> names, String message) throws Exception {
        for (String name : names) {
            Path compose = repo.resolve("stacks").resolve(name).resolve("compose.yaml");
            Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(compose));
            DumperOptions dump = new DumperOptions();
            dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
            Files.writeString(compose, new Yaml(dump).dump(withLabel(doc, "bench.revision", message)));
        }
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent("bench", "bench@example.invalid");
        git.commit().setMessage(message).setAuthor(who).setCommitter(who).call();
    }

    /** The compose document with a label added to every service (labels as a map or as a list of k=v). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withLabel(Map<String, Object> compose, String key, String value) {
        Map<String, Object> out = new LinkedHashMap<>(compose);
        Map<String, Object> services = new LinkedHashMap<>((Map<String, Object>) out.get("services"));
        services.replaceAll((name, def) -> {
            Map<String, Object> service = new LinkedHashMap<>((Map<String, Object>) def);
            Object labels = service.get("labels");
            if (labels instanceof List<?> list) {
                List<Object> copy = new ArrayList<>(list);
                copy.add(key + "=" + value);
                service.put("labels", copy);
            } else {
                Map<String, Object> copy = labels == null ? new LinkedHashMap<>() : new LinkedHashMap<>((Map<String, Object>) labels);
                copy.put(key, value);
                service.put("labels", copy);
            }
            return service;
        });
        out.put("services", services);
        return out;
    }

    Snapshot snapshot(long pid, String base) throws Exception {
        Map<String, Long> status = procStatus(pid);
        Map<String, Double> before = metrics(base);
        double cpu = cpuSeconds(pid);
        // A full GC, then what is left is the live set the heap must hold.
        runJcmd(pid, "GC.run");
        Map<String, Double> after = metrics(base);
        return new Snapshot(status.getOrDefault("VmRSS", -1L), status.getOrDefault("VmHWM", -1L),
                (long) sumMetric(after, "jvm_memory_used_bytes{area=\"heap\""),
                (long) sumMetric(after, "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\""),
                (long) (sumMetric(after, "jvm_memory_used_bytes{area=\"nonheap\",id=\"CodeHeap")
                        + sumMetric(after, "jvm_memory_used_bytes{area=\"nonheap\",id=\"CodeCache")),
                status.getOrDefault("Threads", -1L).intValue(),
                (long) sumMetric(before, "jvm_gc_pause_seconds_count"), sumMetric(before, "jvm_gc_pause_seconds_sum"), cpu);
    }

    static Map<String, Long> procStatus(long pid) throws IOException {
        Map<String, Long> out = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            String[] kv = line.split(":\\s+", 2);
            if (kv.length == 2 && Set.of("VmRSS", "VmHWM", "Threads").contains(kv[0])) {
                out.put(kv[0], Long.parseLong(kv[1].replace(" kB", "").trim()));
            }
        }
        return out;
    }

    /** utime + stime of the process, in seconds (clock ticks of 1/100 s on Linux). */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    static Map<String, Double> metrics(String base) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            try {
                out.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
            } catch (NumberFormatException ignored) {
                // a value such as NaN with a suffix: not one we read
            }
        }
        return out;
    }

    static double sumMetric(Map<String, Double> metrics, String prefix) {
        return metrics.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue).sum();
    }

    static JsonNode sync(String base) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/sync?wait=true"))
                .header("Authorization", "Bearer bench-token-0123456789abcdef")
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST /api/v1/sync?wait=true: %s", r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** A pass, or null when the daemon died during it (the answer never came). */
    static JsonNode syncOrNull(String base, Process daemon) throws Exception {
        try {
            return sync(base);
        } catch (IOException e) {
            if (daemon.waitFor(10, TimeUnit.SECONDS)) {
                return null;
            }
            throw e;
        }
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static String failure(Process daemon, String what) throws InterruptedException {
        if (daemon.isAlive()) {
            return what;
        }
        daemon.waitFor();
        return what + " (exit " + daemon.exitValue() + (daemon.exitValue() == 3 ? ": out of memory" : "") + ")";
    }

    // ---- the repository -----------------------------------------------------------------------------------------

    /**
     * A repository of {@link #STACKS} stacks, each valid for TrueNAS: the example repository's stacks, the project's own corpus
     * and the awesome-compose samples TrueNAS accepts, each used twice (copies get a numbered name). The secrets
     * they need go to {@code secrets}.
     */
    static List<String> generateRepository(Path repo, Path secrets) throws Exception {
        return generateRepository(repo, secrets, STACKS);
    }

    /** Like {@link #generateRepository(Path, Path)} with {@code count} stacks. */
    static List<String> generateRepository(Path repo, Path secrets, int count) throws Exception {
        Path corpus = Path.of("src/test/resources/corpus");
        List<Path> templates = new ArrayList<>();
        templates.addAll(children(Path.of("stacks-example/stacks")));
        templates.addAll(children(corpus.resolve("own/stacks")).stream().filter(p -> !p.endsWith("immich")).toList());
        for (String sample : List.of("gitea-postgres", "nextcloud-postgres", "nextcloud-redis-mariadb", "wordpress-mysql",
                "plex", "portainer", "postgresql-pgadmin", "pihole-cloudflared-doh", "wireguard")) {
            templates.add(corpus.resolve("awesome-compose/stacks").resolve(sample));
        }
        Set<String> names = new LinkedHashSet<>();
        for (int round = 1; names.size() < count; round++) {
            for (Path template : templates) {
                if (names.size() == count) {
                    break;
                }
                String base = template.getFileName().toString() + (round == 1 ? "" : "-" + round);
                String name = base;
                for (int n = 2; names.contains(name); n++) {
                    name = base + "-" + (char) ('a' + n - 2);
                }
                names.add(name);
                copyTree(template, repo.resolve("stacks").resolve(name));
            }
        }
        Files.createDirectories(secrets);
        for (Path dir : List.of(Path.of("stacks-example/secrets.example"), corpus.resolve("own/secrets"))) {
            for (Path f : children(dir)) {
                Files.copy(f, secrets.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("bench", "bench@example.invalid");
            git.commit().setMessage(count + " stacks").setAuthor(who).setCommitter(who).call();
        }
        return List.copyOf(names);
    }

    static List<Path> children(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.filter(p -> !p.toString().contains("/.git/") && !p.endsWith(".git")).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target);
                }
            }
        }
        if (Files.isDirectory(from.resolve(".git"))) {
            try (Stream<Path> s = Files.walk(from.resolve(".git"))) {
                for (Path p : s.toList()) {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                }
            }
        }
    }

    // ---- the CLI ------------------------------------------------------------------------------------------------

    record CliRun(int exit, String output, double seconds, long hwmKb) {}

    /** {@code validate} of the generated repository with the image's flags: exit code, wall time, peak RSS. */
    CliRun validate(Path repo, Path secrets) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBin()));
        command.addAll(Arrays.asList(IMAGE_FLAGS.split(" ")));
        command.addAll(List.of("-jar", JAR.toString(), "validate", repo.toString(), "--secrets-dir", secrets.toString()));
        Path out = tmp.resolve("validate.log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        long hwm = 0;
        while (p.isAlive()) {
            try {
                hwm = Math.max(hwm, procStatus(p.pid()).getOrDefault("VmHWM", 0L));
            } catch (IOException | RuntimeException gone) {
                // the process ended between isAlive and the read
            }
            Thread.sleep(20);
        }
        return new CliRun(p.waitFor(), Files.readString(out), (System.nanoTime() - t0) / 1e9, hwm);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    interface Check {
        boolean ok() throws Exception;
    }

    static void awaitTrue(Check check, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    static void runJcmd(long pid, String command) throws Exception {
        Process p = new ProcessBuilder(Path.of(javaHome(), "bin", "jcmd").toString(),
                Long.toString(pid), command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("jcmd %s", command).isTrue();
        Thread.sleep(500);
    }

    static String javaBin() {
        return Path.of(javaHome(), "bin", "java").toString();
    }

    /** The Java that runs the daemon and the emulator: {@code -Dbench.java.home=DIR}, else this JVM's. */
    static String javaHome() {
        return System.getProperty("bench.java.home", System.getProperty("java.home"));
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static double sum(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sum();
    }

    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    // ---- the report ---------------------------------------------------------------------------------------------

    static String mb(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.0f", bytes / 1048576.0);
    }

    static String kbToMb(long kb) {
        return kb < 0 ? "?" : String.format(Locale.ROOT, "%.0f", kb / 1024.0);
    }

    static String pair(Snapshot a, Snapshot b, java.util.function.Function<Snapshot, String> f) {
        return (a == null ? "–" : f.apply(a)) + " / " + (b == null ? "–" : f.apply(b));
    }

    static String row(Row r) {
        String flags = r.flags().isEmpty() ? "(none)" : "`" + String.join(" ", r.flags()) + "`";
        Snapshot a = r.first();
        Snapshot b = r.steady();
        boolean both = a != null && b != null;
        String gc = both ? String.format(Locale.ROOT, "%d / %.2f", b.gcCount() - a.gcCount(), b.gcSeconds() - a.gcSeconds()) : "–";
        String cpu = both ? String.format(Locale.ROOT, "%.1f", b.cpuSeconds() - a.cpuSeconds()) : "–";
        return String.join(" | ", "| " + r.name(), flags, r.outcome(), String.format(Locale.ROOT, "%.1f", r.startSeconds()),
                pair(a, b, s -> kbToMb(s.rssKb())), b == null ? "–" : kbToMb(b.hwmKb()),
                pair(a, b, s -> mb(s.heapAfterGcBytes())), pair(a, b, s -> mb(s.metaspaceBytes())),
                pair(a, b, s -> mb(s.codeCacheBytes())), pair(a, b, s -> Integer.toString(s.threads())),
                gc, cpu, String.format(Locale.ROOT, "%.0f", r.medianPassMs()), r.steadyApplies() + " |");
    }

    static void write(List<Row> rows, CliRun validate) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                START,
                "## Daemon memory with " + STACKS + " stacks" + (System.getProperty("bench.label") == null ? "" : " (" + System.getProperty("bench.label") + ")"),
                "",
                "Measured by `src/test/java/io/truenasgitops/bench/DaemonMemoryBenchmark.java`: the daemon as the image runs it",
                "(`java <flags> -jar quarkus-run.jar serve`, its own process) reconciles a generated repository of " + STACKS
                        + " stacks (the",
                "example repository's stacks, the project's corpus and the awesome-compose samples TrueNAS accepts, each",
                (STACKS == 50 ? "twice" : "copied as often as needed") + "; `validate` passes on it) against the emulator"
                        + " in another process. \"First\" is after the first",
                "reconcile (" + STACKS + " apps created, health-gated, then a pass with nothing to do); \"steady\" after " + PASSES
                        + " more passes",
                "(REST `POST /api/v1/sync?wait=true`) during which two apps are stopped on the NAS, two are edited in the",
                "UI (one stack heals itself) and two commits change five stacks. RSS and peak RSS (VmHWM) are read from",
                "`/proc/PID/status` before a full GC; heap and metaspace come from `/q/metrics` after `jcmd PID GC.run`",
                "(heap after GC = the live set). Pairs are first / steady; peak RSS is the process's peak at the end. GCs,",
                "GC seconds, CPU seconds, the median pass and the applies (apps started, updated) are for the steady passes.",
                "",
                "| set | JVM options (and env) | outcome | start s | RSS MB | peak RSS MB | heap after GC MB | metaspace MB "
                        + "| code cache MB | threads | GCs / GC s | CPU s | median pass ms | applies |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"));
        rows.forEach(r -> lines.add(row(r)));
        lines.addAll(List.of(
                "",
                String.format(Locale.ROOT, "`validate` of the same " + STACKS + " stacks with the image's flags: exit %d, %.1f s wall, peak RSS %s MB.",
                        validate.exit(), validate.seconds(), kbToMb(validate.hwmKb())),
                "",
                "Measured " + Instant.now().toString().substring(0, 16) + "Z on " + Runtime.getRuntime().availableProcessors()
                        + " CPUs shared with other builds, Java " + javaVersionOf(javaBin()) + ", commit "
                        + gitHead() + ". Run it with:",
                "",
                "```",
                "./mvnw -B -ntp -o package -DskipTests",
                "./mvnw -B -ntp -o surefire:test -Dtest=DaemonMemoryBenchmark -Dsurefire.failIfNoSpecifiedTests=false"
                        + (STACKS == 50 ? "" : " -Dbench.stacks=" + STACKS)
                        + (System.getProperty("bench.java.home") == null ? "" : " -Dbench.java.home="
                                + System.getProperty("bench.java.home"))
                        + (System.getProperty("bench.label") == null ? "" : " -Dbench.label=" + System.getProperty("bench.label"))
                        + (System.getProperty("bench.configs") == null ? "" : " -Dbench.configs='"
                                + System.getProperty("bench.configs") + "'"),
                "```",
                "(`-Dbench.passes=N` changes the number of steady passes; `-Dbench.configs='name=flags;name=flags'`",
                "measures other JVM flags.)",
                END));
        String section = String.join("\n", lines);
        PerformanceReport.writeSection(section, START, END);
    }

    /** The java.version of a java command, without starting the application. */
    static String javaVersionOf(String java) {
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

    static String gitHead() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : "unknown";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
