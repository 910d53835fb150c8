package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.truenasgitops.bench.DaemonMemoryBenchmark;
import io.truenasgitops.compose.ComposeRenderer;
import io.truenasgitops.compose.Variables;
import io.truenasgitops.reconcile.ReconcileConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What the container image, the TrueNAS compose file and the systemd unit promise, checked where a Dockerfile
 * linter cannot: the user, the health check, the state volume, the measured JVM flags, the labels and the
 * memory limits agree with each other and with the application (the metrics artifacts, dashboard and alerts, are
 * checked by {@code metrics.DeployArtifactsTest}). The last tests run the Dockerfile linters of
 * {@code .ci/lint/} when they are installed (CI installs them).
 */
class ContainerArtifactsTest {

    static final Path DOCKERFILE = Path.of("Dockerfile");
    static final Path COMPOSE = Path.of("deploy/truenas/compose.yaml");
    static final Path UNIT = Path.of("deploy/systemd/truenas-gitops.service");
    /** Where .github/workflows/release.yml publishes the image (ghcr.io/OWNER/truenas-gitops). */
    static final String PUBLISHED_IMAGE = "ghcr.io/truenas-gitops/truenas-gitops";

    /** One instruction of a Dockerfile: keyword, arguments (continuations joined), stage index. */
    record Instruction(String keyword, String args, int stage) {}

    static List<Instruction> parse(Path dockerfile) throws IOException {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int stage = -1;
        for (String raw : Files.readAllLines(dockerfile)) {
            String line = raw.strip();
            if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (!current.isEmpty() && line.startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            String text = current.toString().strip();
            current.setLength(0);
            int sp = text.indexOf(' ');
            String keyword = text.substring(0, sp).toUpperCase();
            if (keyword.equals("FROM")) {
                stage++;
            }
            out.add(new Instruction(keyword, text.substring(sp + 1).strip(), stage));
        }
        return out;
    }

    static List<Instruction> finalStage(List<Instruction> all) {
        int last = all.get(all.size() - 1).stage();
        return all.stream().filter(i -> i.stage() == last).toList();
    }

    static Optional<Instruction> lastOf(List<Instruction> instructions, String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).reduce((a, b) -> b);
    }

    /** ENV of the final stage, KEY=value pairs with optional double quotes. */
    static Map<String, String> env(List<Instruction> stage) {
        Map<String, String> env = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"]*)\"|(\\S*))");
        stage.stream().filter(i -> i.keyword().equals("ENV")).forEach(i -> {
            Matcher m = pair.matcher(i.args());
            while (m.find()) {
                env.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
            }
        });
        return env;
    }

    static Map<String, String> labels(List<Instruction> stage) {
        Map<String, String> labels = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("([a-z0-9.\\-]+)=\"([^\"]*)\"");
        stage.stream().filter(i -> i.keyword().equals("LABEL")).forEach(i -> {
            Matcher m = pair.matcher(i.args());
            while (m.find()) {
                labels.put(m.group(1), m.group(2));
            }
        });
        return labels;
    }

    static String pomVersion() throws IOException {
        Matcher m = Pattern.compile("</modelVersion>\\s*<groupId>[^<]*</groupId>\\s*<artifactId>[^<]*</artifactId>\\s*"
                + "<version>([^<]+)</version>").matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).as("project version in pom.xml").isTrue();
        return m.group(1);
    }

    /** The port the daemon listens on: quarkus.http.port from application.yaml, else Quarkus' default 8080. */
    @SuppressWarnings("unchecked")
    static int appPort() throws IOException {
        Map<String, Object> config = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(Path.of("src/main/resources/application.yaml")));
        Object http = ((Map<String, Object>) config.getOrDefault("quarkus", Map.of())).get("http");
        Object port = http instanceof Map<?, ?> m ? m.get("port") : null;
        return port == null ? 8080 : Integer.parseInt(port.toString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> composeService() throws IOException {
        return composeService(COMPOSE);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> composeService(Path file) throws IOException {
        Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        assertThat(services).as("services of %s", file).containsKey("truenas-gitops");
        return (Map<String, Object>) services.get("truenas-gitops");
    }

    /** Megabytes of a size such as 64m, 256M, 1g, 512MiB. */
    static long megabytes(String size) {
        Matcher m = Pattern.compile("(?i)(\\d+)\\s*([kmg])(i?b)?").matcher(size.strip());
        assertThat(m.matches()).as("size '%s'", size).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase()) {
            case "k" -> n / 1024;
            case "g" -> n * 1024;
            default -> n;
        };
    }

    static Optional<String> flag(List<String> flags, String prefix) {
        return flags.stream().filter(f -> f.startsWith(prefix)).map(f -> f.substring(prefix.length())).reduce((a, b) -> b);
    }

    static List<String> imageFlags() throws IOException {
        String opts = env(finalStage(parse(DOCKERFILE))).get("JAVA_OPTS");
        assertThat(opts).as("JAVA_OPTS in the Dockerfile's final stage").isNotBlank();
        return Arrays.asList(opts.strip().split("\\s+"));
    }

    // ---- the image ----------------------------------------------------------------------------------------------

    @Test
    void imageCopiesTheApplicationMavenBuiltOntoTheBaseImageArgument() throws IOException {
        List<Instruction> all = parse(DOCKERFILE);
        // One stage: Maven runs outside the image build (./mvnw package, then docker build), as Quarkus ships.
        assertThat(all).filteredOn(i -> i.keyword().equals("FROM")).as("stages").hasSize(1);
        assertThat(all).noneMatch(i -> i.args().contains("mvnw"));
        // The base is a build argument declared before FROM, defaulting to a public Java 17 JRE image.
        Instruction arg = all.get(0);
        assertThat(arg.keyword()).isEqualTo("ARG");
        assertThat(arg.stage()).as("ARG BASE_IMAGE comes before FROM").isEqualTo(-1);
        assertThat(arg.args()).matches("BASE_IMAGE=eclipse-temurin:17-jre\\S*");
        assertThat(finalStage(all).get(0).args()).isEqualTo("${BASE_IMAGE}");
        // Quarkus' fast-jar layout, each part copied from target/quarkus-app, dependencies first.
        List<String> copies = finalStage(all).stream().filter(i -> i.keyword().equals("COPY")).map(Instruction::args).toList();
        assertThat(copies).containsExactly(
                "--chown=root:root target/quarkus-app/lib/ ./lib/",
                "--chown=root:root target/quarkus-app/*.jar ./",
                "--chown=root:root target/quarkus-app/app/ ./app/",
                "--chown=root:root target/quarkus-app/quarkus/ ./quarkus/",
                "--chown=root:root target/quarkus-app/truenas-gitops ./");
    }

    @Test
    void theLauncherIsOnThePathWithAClassArchiveTrainedAtBuild() throws IOException {
        List<Instruction> stage = finalStage(parse(DOCKERFILE));
        String setup = stage.stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::args)
                .filter(a -> a.contains("ln -s")).findFirst().orElseThrow();
        assertThat(setup).contains("ln -s /opt/truenas-gitops/truenas-gitops /usr/local/bin/truenas-gitops")
                .contains("truenas-gitops apps list").contains("ls /opt/truenas-gitops/truenas-gitops.jdk*");
        // maven package puts the launcher where the build context (target/quarkus-app) has it
        assertThat(Files.readString(Path.of("pom.xml")))
                .contains("<copy file=\"bin/truenas-gitops\" todir=\"${project.build.directory}/quarkus-app\"/>");
    }

    @Test
    void buildContextHoldsOnlyTheApplicationMavenBuilt() throws IOException {
        // Everything is ignored, then target/quarkus-app let back in: no sources, state, secrets or .git in layers.
        List<String> rules = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(rules).containsExactly("*", "!target/quarkus-app/");
    }

    @Test
    void runtimeStageRunsAsTheNonRootUserItCreates() throws IOException {
        List<Instruction> stage = finalStage(parse(DOCKERFILE));
        String user = lastOf(stage, "USER").orElseThrow().args();
        assertThat(user).as("USER").matches("[1-9]\\d*:[1-9]\\d*");
        String uid = user.substring(0, user.indexOf(':'));
        String gid = user.substring(user.indexOf(':') + 1);
        String setup = stage.stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::args)
                .filter(r -> r.contains("useradd")).findFirst().orElseThrow();
        assertThat(setup).contains("--uid " + uid).contains("--gid " + gid);
        // Everything after USER runs unprivileged: no later USER root.
        assertThat(stage.subList(stage.indexOf(lastOf(stage, "USER").orElseThrow()), stage.size()))
                .noneMatch(i -> i.keyword().equals("RUN"));
    }

    @Test
    void stateVolumeIsTheStateDirectoryTheImageConfiguresAndTheUserOwns() throws IOException {
        List<Instruction> stage = finalStage(parse(DOCKERFILE));
        String stateDir = env(stage).get("TRUENAS_GITOPS_STATE_DIR");
        assertThat(stateDir).as("TRUENAS_GITOPS_STATE_DIR").isEqualTo("/var/lib/truenas-gitops");
        assertThat(lastOf(stage, "VOLUME").orElseThrow().args()).isEqualTo("[\"" + stateDir + "\"]");
        String setup = stage.stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::args)
                .filter(r -> r.contains("useradd")).findFirst().orElseThrow();
        assertThat(setup).contains("mkdir -p " + stateDir).contains("chown gitops:gitops " + stateDir);
        // The compose file mounts its dataset at the same place.
        @SuppressWarnings("unchecked")
        List<String> volumes = (List<String>) composeService().get("volumes");
        assertThat(volumes).anyMatch(v -> v.endsWith(":" + stateDir));
    }

    @Test
    void healthCheckAsksForReadinessOnThePortTheDaemonListensOn() throws IOException {
        List<Instruction> stage = finalStage(parse(DOCKERFILE));
        int port = appPort();
        assertThat(lastOf(stage, "EXPOSE").orElseThrow().args()).isEqualTo(Integer.toString(port));
        String check = lastOf(stage, "HEALTHCHECK").orElseThrow().args();
        assertThat(check).contains("--start-period=").contains("CMD [\"curl\", \"-fsS\"")
                .contains("\"http://127.0.0.1:" + port + "/q/health/ready\"");
        // The compose file's own check (it overrides the image's) asks the same.
        @SuppressWarnings("unchecked")
        Map<String, Object> health = (Map<String, Object>) composeService().get("healthcheck");
        assertThat(String.join(" ", (List<String>) health.get("test"))).contains("http://127.0.0.1:" + port + "/q/health/ready");
    }

    @Test
    void entrypointExecsJavaWithJavaOptsAndServesByDefault() throws IOException {
        List<Instruction> stage = finalStage(parse(DOCKERFILE));
        String entrypoint = lastOf(stage, "ENTRYPOINT").orElseThrow().args();
        assertThat(entrypoint).contains("exec java $JAVA_OPTS -jar /opt/truenas-gitops/quarkus-run.jar \\\"$@\\\"");
        assertThat(lastOf(stage, "WORKDIR").orElseThrow().args()).isEqualTo("/opt/truenas-gitops");
        assertThat(lastOf(stage, "CMD").orElseThrow().args()).isEqualTo("[\"serve\"]");
    }

    @Test
    void jvmFlagsAreTheOnesTheMemoryBenchmarkMeasured() throws IOException {
        List<String> flags = imageFlags();
        assertThat(String.join(" ", flags)).isEqualTo(DaemonMemoryBenchmark.IMAGE_FLAGS);
        assertThat(flags).contains("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
        assertThat(flag(flags, "-Xmx")).isPresent();
        assertThat(flag(flags, "-XX:MaxMetaspaceSize=")).isPresent();
        // The systemd unit runs the same JVM.
        String exec = Files.readAllLines(UNIT).stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        assertThat(exec).isEqualTo("ExecStart=/usr/bin/java " + String.join(" ", flags)
                + " -jar /opt/truenas-gitops/quarkus-run.jar serve");
    }

    @Test
    void memoryLimitsLeaveRoomAboveTheJvmCaps() throws IOException {
        List<String> flags = imageFlags();
        // Heap + metaspace + code cache are hard caps; threads, GC and malloc come on top (docs/performance.md).
        long caps = megabytes(flag(flags, "-Xmx").orElseThrow()) + megabytes(flag(flags, "-XX:MaxMetaspaceSize=").orElseThrow())
                + megabytes(flag(flags, "-XX:ReservedCodeCacheSize=").orElse("240m"));
        @SuppressWarnings("unchecked")
        Map<String, Object> deploy = (Map<String, Object>) composeService().get("deploy");
        assertThat(deploy).as("deploy: in %s", COMPOSE).isNotNull();
        @SuppressWarnings("unchecked")
        String composeLimit = String.valueOf(((Map<String, Object>) ((Map<String, Object>) deploy.get("resources"))
                .get("limits")).get("memory"));
        String unitLimit = Files.readAllLines(UNIT).stream().filter(l -> l.startsWith("MemoryMax="))
                .map(l -> l.substring("MemoryMax=".length())).findFirst().orElseThrow();
        assertThat(megabytes(composeLimit)).as("compose memory limit vs the unit's MemoryMax").isEqualTo(megabytes(unitLimit));
        assertThat(megabytes(composeLimit)).as("memory limit (MB) vs heap + metaspace + code cache caps")
                .isGreaterThanOrEqualTo(caps + 64);
    }

    @Test
    void theUnixSocketComposeFileHasTheSameMemoryLimitAndHealthCheckAsTheKeyOne() throws IOException {
        Map<String, Object> keyMode = composeService();
        Map<String, Object> socketMode = composeService(COMPOSE.resolveSibling("compose-unix-socket.yaml"));
        assertThat(socketMode.get("deploy")).as("deploy: of both modes").isEqualTo(keyMode.get("deploy"));
        assertThat(socketMode.get("healthcheck")).as("healthcheck: of both modes").isEqualTo(keyMode.get("healthcheck"));
    }

    @Test
    void labelsNameTheImageAndItsVersionAndClaimNoLicenceTheRepositoryLacks() throws IOException {
        List<Instruction> stage = finalStage(parse(DOCKERFILE));
        Map<String, String> labels = labels(stage);
        assertThat(labels).containsEntry("org.opencontainers.image.title", "truenas-gitops")
                .containsKey("org.opencontainers.image.description")
                .containsEntry("org.opencontainers.image.version", "${VERSION}");
        assertThat(stage).filteredOn(i -> i.keyword().equals("ARG")).extracting(Instruction::args)
                .contains("VERSION=" + pomVersion());
        boolean licenceFile;
        try (var files = Files.list(Path.of("."))) {
            licenceFile = files.anyMatch(p -> p.getFileName().toString().toUpperCase().startsWith("LICEN"));
        }
        assertThat(labels.containsKey("org.opencontainers.image.licenses")).as("licenses label vs a LICENSE file")
                .isEqualTo(licenceFile);
    }

    @Test
    void composeRunsTheImageAsItsUserAndNeverManagesItself() throws IOException {
        Map<String, Object> service = composeService();
        String user = lastOf(finalStage(parse(DOCKERFILE)), "USER").orElseThrow().args();
        assertThat(service.get("user")).isEqualTo(user);
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) service.get("environment");
        assertThat(env).containsEntry("TRUENAS_GITOPS_RECONCILE_SELF_APP_NAME", "truenas-gitops");
    }

    @Test
    void bothComposeFilesRunTheImageTheReleaseWorkflowPublishesAtThisVersion() throws IOException {
        String tag = pomVersion().replace("-SNAPSHOT", "");
        for (Path file : List.of(COMPOSE, COMPOSE.resolveSibling("compose-unix-socket.yaml"))) {
            assertThat(composeService(file).get("image")).as("image of %s", file).isEqualTo(PUBLISHED_IMAGE + ":" + tag);
        }
    }

    @Test
    void stopGracePeriodOutlastsTheDaemonsShutdownTimeout() throws Exception {
        Duration shutdown = ReconcileConfig.defaults(Path.of("state")).shutdownTimeout();
        for (Path file : List.of(COMPOSE, COMPOSE.resolveSibling("compose-unix-socket.yaml"))) {
            Duration grace = composeDuration(String.valueOf(composeService(file).get("stop_grace_period")));
            assertThat(grace).as("stop_grace_period of %s vs the shutdown timeout", file).isGreaterThan(shutdown);
        }
        // The container test stops the daemon with the same grace period.
        assertThat(Files.readString(Path.of("deploy/container-test.sh")))
                .contains("\ngrace=" + composeDuration(String.valueOf(composeService().get("stop_grace_period"))).toSeconds() + "\n");
    }

    /** A Compose duration such as 130s, 2m10s or 1h. */
    static Duration composeDuration(String value) {
        Matcher m = Pattern.compile("(\\d+)(h|m|s)").matcher(value.strip());
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        assertThat(end).as("compose duration '%s'", value).isEqualTo(value.strip().length()).isPositive();
        return total;
    }

    @Test
    void composeFileIsAcceptedForTrueNasWithoutAProblem() throws IOException {
        ComposeRenderer.Result result = ComposeRenderer.render(new ComposeRenderer.Request("truenas-gitops",
                Files.readString(COMPOSE), COMPOSE.toString(), null, COMPOSE.getParent().toString(), Variables.none(), null));
        assertThat(result.problems()).as("problems of %s", COMPOSE).isEmpty();
        assertThat(result.ok()).isTrue();
    }

    // ---- the linters --------------------------------------------------------------------------------------------

    @Test
    void dockerfilePassesTheLinters() throws Exception {
        Path lint = Path.of(".ci/lint");
        assumeTrue(Files.isDirectory(lint.resolve("node_modules")),
                "Dockerfile linters not installed: run .ci/lint/dockerfile.sh once (CI does, with npm ci)");
        Process p = new ProcessBuilder("bash", lint.resolve("dockerfile.sh").toString(), DOCKERFILE.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("linters:\n%s", output).isZero();
        assertThat(output).contains("Dockerfile lint: no findings");
    }

    @Test
    void lintersRejectABrokenDockerfile() throws Exception {
        Path lint = Path.of(".ci/lint");
        assumeTrue(Files.isDirectory(lint.resolve("node_modules")),
                "Dockerfile linters not installed: run .ci/lint/dockerfile.sh once (CI does, with npm ci)");
        Path broken = Files.createTempFile("Dockerfile", ".broken");
        try {
            Files.writeString(broken, "FROM eclipse-temurin\nHEALTHCHECK --bogus=1 CMD true\nUSER root\nCMD java -jar app.jar\n");
            Process p = new ProcessBuilder("bash", lint.resolve("dockerfile.sh").toString(), broken.toString())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("linters:\n%s", output).isEqualTo(1);
            // One finding from each linter: the parser's unknown flag, the rules' untagged image and root user.
            assertThat(output).contains("Unknown flag: bogus").contains("EF0004").contains("EU0001").contains("FAILED");
        } finally {
            Files.deleteIfExists(broken);
        }
    }
}
