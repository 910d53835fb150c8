package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** {@link AppsApi} over the middleware client: the {@code app.*} wire shapes of 24.10 … 26.0. */
final class AppsApiClient implements AppsApi {

    private final MiddlewareClient client;
    /** Container exits from {@code docker.events}, by container id (bounded: oldest dropped first). */
    private final Map<String, ContainerExit> exits = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ContainerExit> eldest) {
                    return size() > 1000;
                }
            });
    private final java.util.Set<String> oomKilled = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Subscription dockerEvents;

    AppsApiClient(MiddlewareClient client) {
        this.client = client;
    }

    @Override
    public synchronized void watchContainerExits() {
        if (dockerEvents != null) {
            return;
        }
        try {
            dockerEvents = client.subscribe("docker.events", this::onDockerEvent);
        } catch (TrueNasException e) {
            // exits stay unknown: the health gate still reads the containers' states
            org.jboss.logging.Logger.getLogger(AppsApiClient.class).debugf("no docker.events on %s: %s",
                    client.endpoint(), e.getMessage());
        }
    }

    /**
     * {@code plugins/docker/events.py}: Docker's container events of the {@code ix-} projects, as Docker sends
     * them ({@code Action}, {@code Actor.ID}, {@code Actor.Attributes} with the compose labels and, for
     * {@code die}, {@code exitCode}).
     */
    private void onDockerEvent(MiddlewareEvent event) {
        JsonNode f = event.fields();
        if (f == null) {
            return;
        }
        String action = f.path("Action").asText(f.path("status").asText(""));
        String id = f.path("Actor").path("ID").asText(f.path("id").asText(""));
        JsonNode attributes = f.path("Actor").path("Attributes");
        if (id.isEmpty()) {
            return;
        }
        if (action.equals("oom")) {
            oomKilled.add(id);
        } else if (action.equals("die")) {
            int code;
            try {
                code = Integer.parseInt(attributes.path("exitCode").asText("-1"));
            } catch (NumberFormatException e) {
                code = -1;
            }
            exits.put(id, new ContainerExit(id, attributes.path("com.docker.compose.service").asText(null), code,
                    oomKilled.remove(id)));
        }
    }

    @Override
    public Optional<ContainerExit> lastExit(String app, String containerId) {
        return containerId == null ? Optional.empty() : Optional.ofNullable(exits.get(containerId));
    }

    @Override
    public List<App> list(boolean retrieveConfig) {
        JsonNode rows = client.invoke("failed to list apps", "app.query",
                List.of(Json.MAPPER.createArrayNode(), queryOptions(retrieveConfig)), timeout());
        List<App> apps = new ArrayList<>();
        for (JsonNode row : rows) {
            apps.add(App.fromWire(row));
        }
        return apps;
    }

    @Override
    public Optional<App> get(String name, boolean retrieveConfig) {
        ArrayNode filters = Json.MAPPER.createArrayNode();
        filters.addArray().add("name").add("=").add(name);
        JsonNode rows = client.invoke("failed to get app '" + name + "'", "app.query",
                List.of(filters, queryOptions(retrieveConfig)), timeout());
        return rows == null || rows.isEmpty() ? Optional.empty() : Optional.of(App.fromWire(rows.get(0)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> config(String name) {
        JsonNode config = client.invoke("failed to get the config of app '" + name + "'", "app.config", List.of(name),
                timeout());
        return Json.MAPPER.convertValue(config, LinkedHashMap.class);
    }

    @Override
    public App create(String name, Map<String, Object> compose, JobListener listener) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("app_name", name);
        data.put("custom_app", true);
        data.set("custom_compose_config", Json.MAPPER.valueToTree(compose));
        Job job = client.invokeJob("failed to create app '" + name + "'", "app.create", listener, List.of(data));
        return appOf(name, job);
    }

    @Override
    public App update(String name, Map<String, Object> compose, JobListener listener) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.set("custom_compose_config", Json.MAPPER.valueToTree(compose));
        Job job = client.invokeJob("failed to update app '" + name + "'", "app.update", listener, List.of(name, data));
        return appOf(name, job);
    }

    @Override
    public void delete(String name, DeleteOptions options, JobListener listener) {
        DeleteOptions o = options == null ? DeleteOptions.defaults() : options;
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("remove_images", o.removeImages());
        data.put("remove_ix_volumes", o.removeIxVolumes());
        data.put("force_remove_ix_volumes", o.forceRemoveIxVolumes());
        if (o.forceRemoveCustomApp()) {
            // 25.04+ only: 24.10 rejects unknown keys, so it is sent only when asked for.
            data.put("force_remove_custom_app", true);
        }
        client.invokeJob("failed to delete app '" + name + "'", "app.delete", listener, List.of(name, data));
    }

    @Override
    public void start(String name, JobListener listener) {
        client.invokeJob("failed to start app '" + name + "'", "app.start", listener, List.of(name));
    }

    @Override
    public void stop(String name, JobListener listener) {
        client.invokeJob("failed to stop app '" + name + "'", "app.stop", listener, List.of(name));
    }

    @Override
    public App redeploy(String name, JobListener listener) {
        Job job = client.invokeJob("failed to redeploy app '" + name + "'", "app.redeploy", listener, List.of(name));
        return appOf(name, job);
    }

    @Override
    public void pullImages(String name, boolean redeploy, JobListener listener) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("redeploy", redeploy);
        client.invokeJob("failed to pull the images of app '" + name + "'", "app.pull_images", listener,
                List.of(name, data));
    }

    @Override
    public void pullImage(String image, JobListener listener) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        // No auth_config: the NAS then uses the credentials it has saved for the image's registry.
        data.put("image", image);
        client.invokeJob("failed to pull image '" + image + "' on the NAS", ErrorMapper.IMAGE_PULL, listener,
                List.of(data));
    }

    @Override
    public List<String> outdatedImages(String name) {
        JsonNode result = client.invoke("failed to list the outdated images of app '" + name + "'",
                "app.outdated_docker_images", List.of(name), timeout());
        List<String> images = new ArrayList<>();
        if (result != null) {
            result.forEach(i -> images.add(i.asText()));
        }
        return List.copyOf(images);
    }

    @Override
    public Map<String, App.Container> containerIds(String name, boolean aliveOnly) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("alive_only", aliveOnly);
        JsonNode result = client.invoke("failed to list the containers of app '" + name + "'", "app.container_ids",
                List.of(name, data), timeout());
        Map<String, App.Container> containers = new LinkedHashMap<>();
        result.fields().forEachRemaining(e -> {
            App.Container c = App.Container.fromWire(e.getValue());
            containers.put(e.getKey(), c.id() == null
                    ? new App.Container(e.getKey(), c.serviceName(), c.image(), c.state()) : c);
        });
        return containers;
    }

    @Override
    public LogStream followLogs(String appName, String containerId, Integer tailLines, Consumer<LogLine> onLine) {
        ObjectNode arg = Json.MAPPER.createObjectNode();
        arg.put("app_name", appName);
        arg.put("container_id", containerId);
        if (tailLines != null) {
            arg.put("tail_lines", tailLines);
        }
        Subscription sub = client.subscribe("app.container_log_follow:" + Json.write(arg), event -> {
            JsonNode fields = event.fields();
            if (fields != null && fields.has("data")) {
                onLine.accept(new LogLine(fields.path("data").asText(), Json.text(fields, "timestamp")));
            }
        });
        return new LogStream() {
            @Override
            public void awaitEnd(Duration timeout) throws InterruptedException {
                sub.awaitEnd(timeout);
            }

            @Override
            public boolean isEnded() {
                return sub.isEnded();
            }

            @Override
            public void close() {
                sub.close();
            }
        };
    }

    @Override
    public DockerStatus dockerStatus() {
        JsonNode status = client.invoke("failed to read the Docker status", "docker.status", List.of(), timeout());
        return new DockerStatus(Json.text(status, "status"), Json.text(status, "description"));
    }

    @Override
    public Optional<Job> runningJob(String name, java.util.Set<String> methods) {
        ArrayNode filters = Json.MAPPER.createArrayNode();
        ArrayNode in = Json.MAPPER.createArrayNode();
        methods.stream().sorted().forEach(in::add);
        filters.addArray().add("method").add("in").add(in);
        ArrayNode states = Json.MAPPER.createArrayNode().add("WAITING").add("RUNNING");
        filters.addArray().add("state").add("in").add(states);
        JsonNode rows = client.invoke("failed to list the running jobs of app '" + name + "'", "core.get_jobs",
                List.of(filters), timeout());
        Job newest = null;
        for (JsonNode row : rows == null ? Json.MAPPER.createArrayNode() : rows) {
            if (name.equals(appNameOf(row.path("arguments")))) {
                Job job = Job.fromWire(row);
                if (newest == null || job.id() > newest.id()) {
                    newest = job;
                }
            }
        }
        return Optional.ofNullable(newest);
    }

    /** The app a job's arguments name: app.create takes {app_name, ...}, the others the name first. */
    private static String appNameOf(JsonNode arguments) {
        JsonNode first = arguments.path(0);
        if (first.isObject()) {
            return first.path("app_name").asText(null);
        }
        return first.isTextual() ? first.asText() : null;
    }

    @Override
    public Job awaitJob(Job job, JobListener listener, Duration timeout) {
        String name = appNameOf(job.raw() == null ? Json.MAPPER.createArrayNode() : job.raw().path("arguments"));
        return client.awaitJob(job.id(), job.method(), name, "job " + job.id() + " (" + job.method() + " of app '"
                + name + "')", listener, timeout);
    }

    private App appOf(String name, Job job) {
        JsonNode result = job.result();
        if (result != null && result.isObject() && result.has("name")) {
            return App.fromWire(result);
        }
        return get(name, false).orElseThrow(() -> new NotFoundException("app '" + name + "' is gone right after job "
                + job.id() + " (" + job.method() + ") succeeded"));
    }

    private static ObjectNode queryOptions(boolean retrieveConfig) {
        ObjectNode options = Json.MAPPER.createObjectNode();
        options.putObject("extra").put("retrieve_config", retrieveConfig);
        return options;
    }

    private Duration timeout() {
        return null;
    }
}
