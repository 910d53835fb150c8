package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Apps as real containers on a Docker Engine, the way middlewared runs custom apps: the stored compose is written
 * to {@code app_configs/<app>/versions/1.0.0/templates/rendered/docker-compose.yaml} under the emulated
 * {@code /mnt/.ix-apps}, and {@code docker compose -f <file> -p ix-<app> up -d --force-recreate --remove-orphans}
 * (Compose v2, else {@code docker-compose} v1) runs it. App states and workloads are mirrored from the containers
 * that carry the project label, as {@code ix_apps/query.py} derives them; logs come from {@code docker logs}.
 *
 * <p>{@code compose up} never pulls: an image that is not on the engine fails {@code up} the way a failed pull fails
 * it on a NAS. {@code app.image.pull} goes to the engine ({@link #pullImage}), which reaches loopback registries
 * only. Closing the emulator removes the compose projects of its apps (volumes too; images stay).
 */
final class DockerContainers implements ContainerBackend {
    static final String PROJECT_PREFIX = "ix-";
    static final String PROJECT_LABEL = "com.docker.compose.project";
    static final String SERVICE_LABEL = "com.docker.compose.service";
    private static final String VERSION = "1.0.0";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final DateTimeFormatter LOG_TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    private final Middleware mw;
    private final String host;
    private final Path ixApps;
    private final boolean temporaryDir;
    private final List<String> compose;
    private final EngineApi engine;
    private final ScheduledExecutorService poller;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    /** Ups hold it shared; close takes it whole, so no up started before close leaves a container after it. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock upsInFlight =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final java.util.concurrent.CountDownLatch closedLatch = new java.util.concurrent.CountDownLatch(1);
    /**
     * Removes the projects when the JVM exits without {@link #close()} having run to its end (SIGTERM to
     * {@code demo --docker} or {@code emulator --docker}): the JVM waits for shutdown hooks, not for other threads.
     */
    private final Thread shutdownHook = new Thread(this::close, "truenas-emulator-docker-cleanup");

    /** Checks that an engine answers and a Compose is there; fails with what to do otherwise. */
    DockerContainers(Middleware mw, DockerOptions options) {
        this.mw = mw;
        this.host = options.host() != null ? options.host() : System.getenv("DOCKER_HOST");
        this.engine = new EngineApi(host);
        String where = host == null ? "Docker's default socket (DOCKER_HOST is not set)" : host;
        Result version = run(List.of("docker", "version", "--format", "{{.Server.Version}}"), null, Duration.ofSeconds(30));
        if (version.exit != 0) {
            String why = version.errorText() == null ? "" : version.errorText().strip().lines().findFirst().orElse("");
            throw new DockerUnavailableException("no Docker Engine answers at " + where
                    + "; start one or point --docker-host/DOCKER_HOST at it" + (why.isEmpty() ? "" : ": " + why));
        }
        if (run(List.of("docker", "compose", "version"), null, Duration.ofSeconds(30)).exit == 0) {
            compose = List.of("docker", "compose");
        } else if (run(List.of("docker-compose", "version"), null, Duration.ofSeconds(30)).exit == 0) {
            compose = List.of("docker-compose");
        } else {
            throw new DockerUnavailableException("Docker Compose is needed, and neither 'docker compose'"
                    + " (v2) nor 'docker-compose' (v1) runs here; install one of them");
        }
        try {
            this.temporaryDir = options.ixAppsDir() == null;
            this.ixApps = temporaryDir ? Files.createTempDirectory("truenas-emulator-ix-apps-")
                    : Files.createDirectories(options.ixAppsDir());
        } catch (IOException e) {
            throw new UncheckedIOException("emulator: cannot create the apps folder " + options.ixAppsDir(), e);
        }
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "truenas-emulator-docker-poll");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::refreshQuietly, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The emulated {@code /mnt/.ix-apps}. */
    Path ixAppsDir() {
        return ixApps;
    }

    /** {@code docker compose} or {@code docker-compose}. */
    List<String> composeCommand() {
        return compose;
    }

    // ---------------------------------------------------------------- compose actions

    @Override
    public void up(AppRecord app, Faults.JobFailure failure) {
        upsInFlight.readLock().lock();
        try {
            if (closing.get()) {
                // A client (the demo's own daemon) may still act while the emulated NAS goes away.
                throw new MiddlewareError.Call(Errno.EFAULT, "the emulated NAS is shutting down: no app is started");
            }
            upWhileOpen(app, failure);
        } finally {
            upsInFlight.readLock().unlock();
        }
    }

    private void upWhileOpen(AppRecord app, Faults.JobFailure failure) {
        Path file = writeCompose(app);
        // compose_utils: --force-recreate comes with an explicit down first (networks are not recreated otherwise).
        composeAction(app, file, "down", List.of("--remove-orphans"));
        refresh();
        if (failure != null) {
            throw new MiddlewareError.Call(failure.errno(), failure.message());
        }
        if (!mw.withLock(app::deployable)) {
            throw failedAction("up", app.name);
        }
        List<String> missing = missingImages(app);
        if (!missing.isEmpty()) {
            // A NAS would pull them; the emulator never pulls (no registry), so this is a failed pull.
            lifecycleLog(app.name, "up", "image(s) " + String.join(", ", missing) + " not on this Docker Engine, and"
                    + " the emulator never pulls: build, load or import them first (docker build/load/import)");
            throw failedAction("up", app.name);
        }
        composeAction(app, file, "up", List.of("-d", "--force-recreate", "--remove-orphans"));
        refresh();
    }

    @Override
    public void down(AppRecord app, boolean removeVolumes, boolean removeImages) {
        Path file = writeCompose(app);
        List<String> args = new ArrayList<>(List.of("--remove-orphans"));
        if (removeImages) {
            args.addAll(List.of("--rmi", "all"));
        }
        if (removeVolumes) {
            args.add("-v");
        }
        composeAction(app, file, "down", args);
        refresh();
    }

    /**
     * {@code pull_image} of {@code plugins/apps/ix_apps/docker/images.py} on this engine, which may reach only
     * loopback. A reference whose registry is on loopback ({@code localhost}, {@code 127.*}, {@code [::1]}: a
     * registry a test started) is pulled for real: {@code POST /images/create?tag=..&fromImage=..} as docker-py
     * sends it, every entry of the stream to {@code entries} (entries that carry an {@code error} are passed on
     * and not raised, as docker-py's streamed pull does not raise them), and an error status fails the pull with
     * {@code str(APIError)}. Any other registry is never asked: an image this engine has is pulled (nothing to
     * download), one it lacks fails as the engine answers a tag its registry does not have (404,
     * {@code manifest unknown}).
     */
    @Override
    public void pullImage(String image, java.util.function.Consumer<JsonNode> entries) {
        ImageReference ref = ImageReference.parse(image);
        String url = "/images/create?tag=" + encode(ref.tag()) + "&fromImage=" + encode(ref.repository());
        EngineApi.Response r;
        String version;
        try {
            version = engine.apiVersion();
            if (ref.onLoopback()) {
                r = engine.call("POST", engine.versioned(url), entries);
            } else if (engine.call("GET", engine.versioned("/images/" + image + "/json"), null).ok()) {
                return;
            } else {
                r = new EngineApi.Response(404, "Not Found", Json.object().put("message", "manifest for " + image
                        + " not found: manifest unknown: manifest unknown").toString());
            }
        } catch (IOException | RuntimeException e) {
            // docker-py raises no APIError when the engine cannot be reached (the job ends with requests' own
            // error there); the emulator says which engine it could not reach.
            throw new MiddlewareError.Call(Errno.EFAULT, "Failed to pull " + Py.repr(image) + " image: cannot reach"
                    + " the Docker Engine at " + (host == null ? "Docker's default socket" : host) + ": " + e.getMessage());
        }
        if (!r.ok()) {
            throw new MiddlewareError.Call(Errno.EFAULT, "Failed to pull " + Py.repr(image) + " image: "
                    + apiError(r, "http+docker://localhost/v" + version + url));
        }
    }

    /**
     * {@code str(docker.errors.APIError)}: {@code <status> Client Error for <url>: <reason>} (Server Error from
     * 500), then {@code ("<the engine's message>")} ({@code docker/errors.py}, {@code create_api_error_from_http_exception}
     * reads the body's {@code message}).
     */
    static String apiError(EngineApi.Response r, String url) {
        String kind = r.status() >= 500 ? "Server Error" : "Client Error";
        String explanation = r.body().strip();
        try {
            JsonNode body = Json.MAPPER.readTree(r.body());
            if (body != null && body.path("message").isTextual()) {
                explanation = body.path("message").asText();
            }
        } catch (IOException e) {
            // not JSON: docker-py then explains with the body's text
        }
        return r.status() + " " + kind + " for " + url + ": " + r.reason()
                + (explanation.isEmpty() ? "" : " (\"" + explanation + "\")");
    }

    /** {@code requests}' encoding of a query value ({@code urlencode}: {@code :} is {@code %3A}, {@code /} {@code %2F}). */
    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * An image reference as docker-py splits it ({@code utils.parse_repository_tag}: the digest after {@code @},
     * else the tag after the last {@code :} that has no {@code /} after it, else {@code latest}), and its registry
     * as Docker tells one (the first component, when it has a {@code .} or a {@code :} or is {@code localhost}).
     */
    record ImageReference(String repository, String tag, String registry) {
        static ImageReference parse(String image) {
            String repository = image;
            String tag = null;
            int at = image.lastIndexOf('@');
            if (at >= 0) {
                repository = image.substring(0, at);
                tag = image.substring(at + 1);
            } else {
                int colon = image.lastIndexOf(':');
                if (colon >= 0 && image.indexOf('/', colon) < 0) {
                    repository = image.substring(0, colon);
                    tag = image.substring(colon + 1);
                }
            }
            int slash = repository.indexOf('/');
            String first = slash < 0 ? "" : repository.substring(0, slash);
            String registry = first.contains(".") || first.contains(":") || first.equals("localhost") ? first
                    : "docker.io";
            return new ImageReference(repository, tag == null || tag.isEmpty() ? "latest" : tag, registry);
        }

        /** Whether the registry is this machine: the only registries the emulator lets its engine reach. */
        boolean onLoopback() {
            String host = registry.startsWith("[") ? registry.substring(0, registry.indexOf(']') + 1)
                    : registry.contains(":") ? registry.substring(0, registry.indexOf(':')) : registry;
            return host.equals("localhost") || host.equals("[::1]") || host.matches("127(\\.\\d{1,3}){3}");
        }
    }

    @Override
    public void forget(AppRecord app) {
        deleteTree(appDir(app.name));
    }

    private Path appDir(String name) {
        return ixApps.resolve("app_configs").resolve(name);
    }

    /** Writes the stored compose where middlewared keeps a custom app's rendered compose. */
    private Path writeCompose(AppRecord app) {
        Path rendered = appDir(app.name).resolve("versions").resolve(VERSION).resolve("templates").resolve("rendered");
        Path file = rendered.resolve("docker-compose.yaml");
        Map<String, Object> stored = mw.withLock(() -> app.compose);
        if (stored != null && compose.size() == 1) {
            stored = forComposeV1(stored);
            stored = contentConfigsForV1(stored, rendered);
        }
        DumperOptions dump = new DumperOptions();
        dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        try {
            Files.createDirectories(rendered);
            Files.writeString(file, stored == null ? "" : new Yaml(dump).dump(stored));
        } catch (IOException e) {
            throw new MiddlewareError.Call(Errno.EFAULT, "Failed to write the compose file of " + Py.repr(app.name)
                    + " app: " + e.getMessage());
        }
        return file;
    }

    /**
     * Compose v1 does not know {@code host_ip} in the long port syntax (v2, which a NAS runs, does): such ports are
     * written in the short syntax {@code host_ip:published:target/protocol}, which both read the same way.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> forComposeV1(Map<String, Object> compose) {
        if (!(compose.get("services") instanceof Map<?, ?> services)) {
            return compose;
        }
        Map<String, Object> copy = new LinkedHashMap<>(compose);
        Map<String, Object> newServices = new LinkedHashMap<>();
        services.forEach((name, def) -> {
            if (def instanceof Map<?, ?> d && d.get("ports") instanceof List<?> ports) {
                Map<String, Object> service = new LinkedHashMap<>((Map<String, Object>) d);
                List<Object> converted = new ArrayList<>();
                for (Object port : ports) {
                    converted.add(port instanceof Map<?, ?> m && m.get("host_ip") != null && m.get("target") != null
                            && Set.of("host_ip", "published", "target", "protocol", "mode").containsAll(m.keySet())
                            ? shortPort(m) : port);
                }
                service.put("ports", converted);
                newServices.put(String.valueOf(name), service);
            } else {
                newServices.put(String.valueOf(name), def);
            }
        });
        copy.put("services", newServices);
        return copy;
    }

    /**
     * Compose v1 does not know {@code configs.*.content} (v2.23.1+, which a NAS runs, copies the content into the
     * container when it creates it, mode 0444 unless set: pkg/compose/secrets.go of docker/compose). For v1, each
     * such config is written to a file beside the rendered compose, with the reference's mode, and the service gets
     * it as a read-only bind mount at the same target: what the container sees is the same file.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> contentConfigsForV1(Map<String, Object> compose, Path rendered) {
        if (!(compose.get("configs") instanceof Map<?, ?> configs)
                || !(compose.get("services") instanceof Map<?, ?> services)) {
            return compose;
        }
        Map<String, Object> kept = new LinkedHashMap<>();
        Map<String, String> content = new LinkedHashMap<>();
        configs.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m && m.get("content") instanceof String text) {
                content.put(String.valueOf(k), text.replace("$$", "$"));
            } else {
                kept.put(String.valueOf(k), v);
            }
        });
        if (content.isEmpty()) {
            return compose;
        }
        Map<String, Object> copy = new LinkedHashMap<>(compose);
        Map<String, Object> newServices = new LinkedHashMap<>();
        services.forEach((name, def) -> {
            if (!(def instanceof Map<?, ?> d) || !(d.get("configs") instanceof List<?> refs)) {
                newServices.put(String.valueOf(name), def);
                return;
            }
            Map<String, Object> service = new LinkedHashMap<>((Map<String, Object>) d);
            List<Object> keptRefs = new ArrayList<>();
            List<Object> volumes = d.get("volumes") instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>();
            for (Object ref : refs) {
                String source = ref instanceof Map<?, ?> m ? String.valueOf(m.get("source")) : String.valueOf(ref);
                if (!content.containsKey(source)) {
                    keptRefs.add(ref);
                    continue;
                }
                String target = ref instanceof Map<?, ?> m && m.get("target") instanceof String t ? t : "/" + source;
                int mode = ref instanceof Map<?, ?> m && m.get("mode") instanceof Number n ? n.intValue() : 0444;
                Path file = rendered.resolve("configs").resolve(name + "-" + source);
                try {
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, content.get(source));
                    Files.setPosixFilePermissions(file, permissions(mode | 0400));
                } catch (IOException e) {
                    throw new MiddlewareError.Call(Errno.EFAULT, "Failed to write config " + Py.repr(source) + ": "
                            + e.getMessage());
                }
                volumes.add(file.toAbsolutePath() + ":" + target + ":ro");
            }
            if (keptRefs.isEmpty()) {
                service.remove("configs");
            } else {
                service.put("configs", keptRefs);
            }
            service.put("volumes", volumes);
            newServices.put(String.valueOf(name), service);
        });
        copy.put("services", newServices);
        if (kept.isEmpty()) {
            copy.remove("configs");
        } else {
            copy.put("configs", kept);
        }
        return copy;
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(int mode) {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> out = new java.util.HashSet<>();
        java.nio.file.attribute.PosixFilePermission[] order = {
                java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE,
                java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE,
                java.nio.file.attribute.PosixFilePermission.OTHERS_READ,
                java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE,
                java.nio.file.attribute.PosixFilePermission.GROUP_WRITE,
                java.nio.file.attribute.PosixFilePermission.GROUP_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                java.nio.file.attribute.PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                out.add(order[i]);
            }
        }
        return out;
    }

    private static String shortPort(Map<?, ?> m) {
        String hostIp = String.valueOf(m.get("host_ip"));
        if (hostIp.contains(":") && !hostIp.startsWith("[")) {
            hostIp = "[" + hostIp + "]";
        }
        String published = m.get("published") == null ? "" : String.valueOf(m.get("published"));
        String protocol = m.get("protocol") == null ? "" : "/" + m.get("protocol");
        return hostIp + ":" + published + ":" + m.get("target") + protocol;
    }

    @Override
    public String collectLogs(AppRecord app, Faults.JobFailure failure) {
        Path file = writeCompose(app);
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-f", file.toString(), "-p", PROJECT_PREFIX + app.name, "logs", "--no-color",
                "--timestamps"));
        Result r = run(command, file.getParent(), COMMAND_TIMEOUT);
        String injected = failure == null || failure.containerLogs() == null ? "" : failure.containerLogs();
        // compose_utils.py: a failing "compose logs" counts as no logs
        return r.exit != 0 ? injected : r.out + injected;
    }

    private void composeAction(AppRecord app, Path file, String action, List<String> args) {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-f", file.toString(), "-p", PROJECT_PREFIX + app.name, action));
        command.addAll(args);
        Result r = run(command, file.getParent(), COMMAND_TIMEOUT);
        if (r.exit != 0) {
            lifecycleLog(app.name, action, r.err.isBlank() ? r.out : r.err);
            throw failedAction(action, app.name);
        }
    }

    private static MiddlewareError failedAction(String action, String app) {
        return new MiddlewareError.Call(Errno.EFAULT, "Failed " + Py.repr(action) + " action for " + Py.repr(app)
                + " app. Please check /var/log/app_lifecycle.log for more details");
    }

    /** The emulator's {@code /var/log/app_lifecycle.log}: {@code <ix-apps>/app_lifecycle.log}. */
    private void lifecycleLog(String app, String action, String detail) {
        String line = Instant.now() + " Failed '" + action + "' action for '" + app + "' app: " + detail.strip() + "\n";
        try {
            Files.writeString(ixApps.resolve("app_lifecycle.log"), line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // The job's error says what failed; the detail is a courtesy.
        }
    }

    private List<String> missingImages(AppRecord app) {
        Set<String> images = new LinkedHashSet<>();
        mw.withLock(() -> {
            app.services().values().forEach(s -> {
                if (s.get("image") != null) {
                    images.add(String.valueOf(s.get("image")));
                }
            });
            return null;
        });
        List<String> missing = new ArrayList<>();
        for (String image : images) {
            if (run(List.of("docker", "image", "inspect", "--format", "{{.Id}}", image), null, Duration.ofMinutes(1)).exit != 0) {
                missing.add(image);
            }
        }
        return missing;
    }

    // ---------------------------------------------------------------- mirroring the engine

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // The engine may be busy or restarting: the next poll tries again.
        }
    }

    /** Reads every compose-labelled container once and mirrors them into the apps. */
    synchronized void refresh() {
        if (closed) {
            return;
        }
        Result ps = run(List.of("docker", "ps", "-a", "-q", "--no-trunc", "--filter", "label=" + PROJECT_LABEL),
                null, Duration.ofMinutes(1));
        if (ps.exit != 0) {
            return;
        }
        List<String> ids = ps.out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        Map<String, List<AppRecord.ContainerRecord>> byProject = new HashMap<>();
        if (!ids.isEmpty()) {
            List<String> inspect = new ArrayList<>(List.of("docker", "inspect"));
            inspect.addAll(ids);
            // A container removed between ps and inspect makes inspect exit 1 but still print the others.
            Result r = run(inspect, null, Duration.ofMinutes(1));
            JsonNode all;
            try {
                all = Json.MAPPER.readTree(r.out.isBlank() ? "[]" : r.out);
            } catch (IOException e) {
                return;
            }
            for (JsonNode c : all) {
                String project = c.path("Config").path("Labels").path(PROJECT_LABEL).asText("");
                byProject.computeIfAbsent(project, k -> new ArrayList<>()).add(container(c));
            }
        }
        for (AppRecord app : mw.appsSnapshot()) {
            List<AppRecord.ContainerRecord> observed = byProject.getOrDefault(PROJECT_PREFIX + app.name, List.of());
            observed = new ArrayList<>(observed);
            observed.sort(Comparator.comparing((AppRecord.ContainerRecord c) -> c.service).thenComparing(c -> c.id));
            mw.mirrorContainers(app, observed);
        }
    }

    /** One {@code docker inspect} entry as {@code translate_resources_to_desired_workflow} reads it. */
    static AppRecord.ContainerRecord container(JsonNode c) {
        String service = c.path("Config").path("Labels").path(SERVICE_LABEL).asText("");
        String image = c.path("Config").path("Image").asText("");
        List<ObjectNode> ports = new ArrayList<>();
        c.path("NetworkSettings").path("Ports").fields().forEachRemaining(e -> {
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                return; // not published on the host
            }
            String[] portProto = e.getKey().split("/");
            ObjectNode p = Json.object();
            p.put("container_port", Integer.parseInt(portProto[0]));
            p.put("protocol", portProto.length > 1 ? portProto[1] : "tcp");
            var hostPorts = p.putArray("host_ports");
            for (JsonNode h : e.getValue()) {
                try {
                    ObjectNode hp = hostPorts.addObject();
                    hp.put("host_port", Integer.parseInt(h.path("HostPort").asText()));
                    hp.put("host_ip", h.path("HostIp").asText(""));
                } catch (NumberFormatException ignored) {
                    hostPorts.remove(hostPorts.size() - 1); // docker may report an empty host port
                }
            }
            ports.add(p);
        });
        List<ObjectNode> mounts = new ArrayList<>();
        for (JsonNode m : c.path("Mounts")) {
            ObjectNode v = Json.object();
            v.put("source", m.path("Source").asText());
            v.put("destination", m.path("Destination").asText());
            v.put("mode", m.path("Mode").asText());
            v.put("type", "bind".equals(m.path("Type").asText()) ? "bind" : "volume");
            mounts.add(v);
        }
        AppRecord.ContainerRecord record = new AppRecord.ContainerRecord(c.path("Id").asText(), service, image, ports,
                mounts, state(c.path("State")));
        record.exitCode = c.path("State").path("ExitCode").asInt(0);
        return record;
    }

    /**
     * The container state of {@code ix_apps/query.py}: running (starting while a healthcheck is not yet healthy),
     * created, crashed (exited with a non-zero code), else exited (a restarting container too, as there).
     */
    static String state(JsonNode s) {
        String status = s.path("Status").asText("").toLowerCase();
        return switch (status) {
            case "running" -> s.has("Health") && !s.path("Health").isNull()
                    && !"healthy".equals(s.path("Health").path("Status").asText()) ? "starting" : "running";
            case "created" -> "created";
            case "exited" -> s.path("ExitCode").asInt(0) != 0 ? "crashed" : "exited";
            default -> "exited";
        };
    }

    // ---------------------------------------------------------------- logs

    @Override
    public void followLogs(LogFollower f) {
        List<String> command = new ArrayList<>(List.of("docker", "logs", "--follow", "--timestamps", "--tail",
                f.tailLines == null ? "all" : String.valueOf(f.tailLines), f.container.id));
        Process process;
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            environment(pb);
            process = pb.start();
        } catch (IOException e) {
            mw.containerLogEnded(f);
            return;
        }
        f.process = process;
        if (f.ended) {
            process.destroy();
        }
        mw.workers().execute(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    sendLine(f, line);
                }
            } catch (IOException e) {
                // The process was destroyed (unsubscribe) or the engine went away: the stream ends.
            } finally {
                process.destroy();
                mw.containerLogEnded(f);
            }
        });
    }

    /** {@code <RFC 3339 nanos> <text>} → data {@code <text>\n} and the timestamp as {@code str(parse(ts))} gives it. */
    private void sendLine(LogFollower f, String line) {
        int space = line.indexOf(' ');
        String first = space < 0 ? line : line.substring(0, space);
        try {
            String timestamp = LOG_TS.format(Instant.parse(first));
            String data = space < 0 ? "" : line.substring(space + 1).stripLeading();
            mw.sendContainerLog(f, data + "\n", timestamp);
        } catch (DateTimeParseException e) {
            mw.sendContainerLog(f, line + "\n", null);
        }
    }

    // ---------------------------------------------------------------- close

    /** The emulated NAS goes away: its apps' compose projects are removed (volumes too), then its folder. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            // Another thread is removing the projects: wait until it is done, whoever we are. The shutdown hook
            // must keep the JVM alive; the middleware must not interrupt its job threads (a compose up in flight
            // would then finish after the downs and leave a container behind).
            try {
                closedLatch.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            if (Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // The JVM is exiting: the hook runs too, and waits for this close to finish.
                }
            }
            poller.shutdownNow();
            upsInFlight.writeLock().lock(); // the ups already running end first; later ones are refused
            upsInFlight.writeLock().unlock();
            for (AppRecord app : mw.appsSnapshot()) {
                try {
                    down(app, true, false);
                } catch (RuntimeException e) {
                    // Best effort: the engine may be gone already.
                }
            }
            closed = true;
            if (temporaryDir) {
                deleteTree(ixApps);
            }
        } finally {
            closedLatch.countDown();
        }
    }

    // ---------------------------------------------------------------- processes

    record Result(int exit, String out, String err) {
        String errorText() {
            String text = (err.isBlank() ? out : err).strip();
            return text.isEmpty() ? "exit code " + exit : text;
        }
    }

    private void environment(ProcessBuilder pb) {
        if (host != null) {
            pb.environment().put("DOCKER_HOST", host);
        }
    }

    Result run(List<String> command, Path dir, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command);
        environment(pb);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(127, "", "cannot run " + command.get(0) + ": " + e.getMessage());
        }
        // Its own thread, not the middleware's pool: close() runs compose down while that pool may be shutting down.
        CompletableFuture<String> err = new CompletableFuture<>();
        Thread errReader = new Thread(() -> err.complete(readAll(p.getErrorStream())), "truenas-emulator-docker-stderr");
        errReader.setDaemon(true);
        errReader.start();
        String out = readAll(p.getInputStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(124, out, String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(p.exitValue(), out, err.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(130, out, "interrupted");
        } catch (Exception e) {
            return new Result(p.exitValue(), out, "");
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Best effort: a folder left behind is harmless.
        }
    }

    /** For the ready file: which engine and compose this emulator uses, and where it writes. */
    Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("dockerHost", host == null ? "" : host);
        out.put("compose", String.join(" ", compose));
        out.put("ixAppsDir", ixApps.toString());
        return out;
    }
}
