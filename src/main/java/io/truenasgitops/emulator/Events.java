package io.truenasgitops.emulator;

import static io.truenasgitops.emulator.Params.textArg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Events and event sources: collection events to subscribed sessions ({@code app.query},
 * {@code core.get_jobs}) and the {@code app.container_log_follow} streams.
 */
final class Events implements MethodArea {
    private final NasState nas;

    Events(NasState nas) {
        this.nas = nas;
    }

    @Override
    public void register(MethodRegistry.Registration methods) {
        if (methods.release().jsonRpc()) {
            methods.def("core.subscribe", this::coreSubscribe);
            methods.def("core.unsubscribe", (s, p) -> {
                unsubscribe(s, textArg(p, 0, "ident"));
                return NullNode.instance;
            });
        }
    }

    private static final DateTimeFormatter LOG_TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    private static final DateTimeFormatter LOG_PREFIX =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    void publish(String collection, String type, JsonNode id, JsonNode fields) {
        for (Session s : nas.sessions) {
            if (s.authenticated() && s.subscribedTo(collection)) {
                s.sendEvent(collection, type, id, fields);
            }
        }
    }

    void publishApp(String type, AppRecord app) {
        publish("app.query", type, TextNode.valueOf(app.name),
                type.equals("REMOVED") ? null : app.entry(false, nas.release()));
    }

    /**
     * {@code plugins/docker/events.py}: Docker's {@code die} event of a container of the app's {@code ix-} project
     * on the {@code docker.events} collection (id: the project), after an {@code oom} event when the
     * out-of-memory killer ended it; fields as Docker sends them ({@code Type}, {@code Action}, {@code Actor.ID},
     * {@code Actor.Attributes} with the compose labels and {@code exitCode}).
     */
    void containerDied(AppRecord app, AppRecord.ContainerRecord c, boolean oom) {
        if (oom) {
            publish("docker.events", "ADDED", TextNode.valueOf("ix-" + app.name), dockerEvent(app, c, "oom", null));
        }
        publish("docker.events", "ADDED", TextNode.valueOf("ix-" + app.name), dockerEvent(app, c, "die", c.exitCode));
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode dockerEvent(AppRecord app,
            AppRecord.ContainerRecord c, String action, Integer exitCode) {
        com.fasterxml.jackson.databind.node.ObjectNode e = Json.object();
        e.put("status", action);
        e.put("id", c.id);
        e.put("from", c.image);
        e.put("Type", "container");
        e.put("Action", action);
        com.fasterxml.jackson.databind.node.ObjectNode actor = e.putObject("Actor");
        actor.put("ID", c.id);
        com.fasterxml.jackson.databind.node.ObjectNode attributes = actor.putObject("Attributes");
        attributes.put("com.docker.compose.project", "ix-" + app.name);
        attributes.put("com.docker.compose.service", c.service);
        attributes.put("image", c.image);
        attributes.put("name", "ix-" + app.name + "-" + c.service + "-1");
        if (exitCode != null) {
            attributes.put("exitCode", String.valueOf(exitCode));
        }
        e.put("scope", "local");
        long now = System.currentTimeMillis();
        e.put("time", now / 1000);
        e.put("timeNano", now * 1_000_000L);
        return e;
    }

    void publishJob(JobRecord job, String type) {
        if (job.generation == nas.generation) {
            publish("core.get_jobs", type, LongNode.valueOf(job.id), job.encode());
        }
    }

    private JsonNode coreSubscribe(Session s, ArrayNode p) {
        String name = textArg(p, 0, "event");
        String ident = UUID.randomUUID().toString();
        subscribe(s, ident, name);
        return TextNode.valueOf(ident);
    }

    /** Registers a subscription; an event-source argument error is reported right away (before the answer). */
    void subscribe(Session s, String ident, String name) {
        int colon = name.indexOf(':');
        String shortName = colon < 0 ? name : name.substring(0, colon);
        if (shortName.equals("app.container_log_follow")) {
            LogFollower follower;
            try {
                follower = parseFollower(s, ident, name, colon < 0 ? null : name.substring(colon + 1));
            } catch (MiddlewareError e) {
                s.notifyUnsubscribed(name, e);
                return;
            }
            s.logFollowers.put(ident, follower);
            return;
        }
        s.subscriptions.put(ident, name);
    }

    void unsubscribe(Session s, String ident) {
        s.subscriptions.remove(ident);
        LogFollower f = s.logFollowers.remove(ident);
        if (f != null) {
            f.cancel();
        }
    }

    private LogFollower parseFollower(Session s, String ident, String name, String argText) {
        JsonNode arg;
        try {
            arg = argText == null || argText.isBlank() ? null : Json.MAPPER.readTree(argText.strip());
        } catch (Exception e) {
            throw new MiddlewareError.Other("JSONDecodeError", "Expecting value: line 1 column 1 (char 0)");
        }
        List<MiddlewareError.Validation.Problem> problems = new ArrayList<>();
        String prefix = "app.container_log_follow";
        if (arg == null || !arg.isObject()) {
            problems.add(new MiddlewareError.Validation.Problem(prefix, "Input should be a valid dictionary", Errno.EINVAL));
            throw MiddlewareError.Validation.of(problems);
        }
        for (Iterator<String> it = arg.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("app_name", "container_id", "tail_lines").contains(k)) {
                problems.add(new MiddlewareError.Validation.Problem(prefix + "." + k, "Extra inputs are not permitted", Errno.EINVAL));
            }
        }
        for (String k : List.of("app_name", "container_id")) {
            JsonNode v = arg.get(k);
            if (v == null) {
                problems.add(new MiddlewareError.Validation.Problem(prefix + "." + k, "Field required", Errno.EINVAL));
            } else if (!v.isTextual()) {
                problems.add(new MiddlewareError.Validation.Problem(prefix + "." + k, "Input should be a valid string", Errno.EINVAL));
            }
        }
        JsonNode tail = arg.get("tail_lines");
        Integer tailLines = 500;
        if (tail != null) {
            if (tail.isNull()) {
                tailLines = null;
            } else if (!tail.isIntegralNumber()) {
                problems.add(new MiddlewareError.Validation.Problem(prefix + ".tail_lines", "Input should be a valid integer", Errno.EINVAL));
            } else if (tail.asInt() < 1) {
                problems.add(new MiddlewareError.Validation.Problem(prefix + ".tail_lines",
                        "Input should be greater than or equal to 1", Errno.EINVAL));
            } else {
                tailLines = tail.asInt();
            }
        }
        if (!problems.isEmpty()) {
            throw MiddlewareError.Validation.of(problems);
        }
        return new LogFollower(s, ident, name, arg.get("app_name").asText(), arg.get("container_id").asText(), tailLines);
    }

    /** Starts the event sources that were subscribed by the call just answered (their errors come after it). */
    void startPendingFollowers(Session s) {
        for (LogFollower f : s.logFollowers.values()) {
            if (!f.started) {
                f.started = true;
                startFollower(f);
            }
        }
    }

    private void startFollower(LogFollower f) {
        AppRecord.ContainerRecord container;
        synchronized (nas.lock) {
            AppRecord app = nas.apps.get(f.appName);
            MiddlewareError error = null;
            container = null;
            if (app == null || !nas.faults.dockerRunning()) {
                error = MiddlewareError.Validation.instanceNotFound("App " + f.appName + " does not exist");
            } else if (!Set.of("CRASHED", "RUNNING", "DEPLOYING").contains(app.state(nas.release()))) {
                error = new MiddlewareError.Call(Errno.EFAULT, "Unable to retrieve logs of stopped " + Py.repr(f.appName) + " app");
            } else {
                container = app.containers.stream().filter(c -> c.id.equals(f.containerId)).findFirst().orElse(null);
                if (container == null) {
                    error = new MiddlewareError.Call(Errno.ENOENT,
                            "Container \"" + f.containerId + "\" not found in app \"" + f.appName + "\"");
                }
            }
            if (error != null) {
                endFollower(f, error);
                return;
            }
            f.container = container;
        }
        nas.containers.followLogs(f);
    }

    /** The in-memory log stream: three start-up lines, then one per {@code logLineInterval}. */
    void generateLogLines(LogFollower f) {
        AppRecord.ContainerRecord container = f.container;
        int history = 3;
        int from = f.tailLines == null ? 0 : Math.max(0, history - f.tailLines);
        for (int i = from; i < history; i++) {
            sendLogLine(f, i, container.startedAt + i);
        }
        f.next = history;
        Duration interval = nas.options.logLineInterval();
        f.task = nas.timers.scheduleAtFixedRate(() -> tickFollower(f), interval.toMillis(), Math.max(1, interval.toMillis()),
                TimeUnit.MILLISECONDS);
    }

    private void tickFollower(LogFollower f) {
        if (f.ended) {
            return;
        }
        AppRecord.ContainerRecord c = f.container;
        if (c == null || !c.alive()) {
            endFollower(f, null);
            return;
        }
        sendLogLine(f, f.next++, System.currentTimeMillis());
    }

    private void sendLogLine(LogFollower f, int n, long at) {
        AppRecord.ContainerRecord c = f.container;
        String text;
        Instant when = Instant.ofEpochMilli(at);
        switch (n) {
            case 0 -> text = "starting " + c.service + " (" + c.image + ")";
            case 1 -> text = "container " + c.id.substring(0, 12) + " is up";
            case 2 -> text = "ready to accept connections";
            default -> text = "emulated log line " + (n - 2) + " of " + c.service + " at " + LOG_PREFIX.format(when);
        }
        ObjectNode fields = Json.object();
        fields.put("data", text + "\n");
        fields.put("timestamp", LOG_TS.format(when));
        f.session.sendEvent(f.collection, "ADDED", null, fields);
    }

    private void endFollower(LogFollower f, MiddlewareError error) {
        if (f.ended && error == null && f.task == null) {
            return;
        }
        f.cancel();
        if (f.session.logFollowers.remove(f.ident, f)) {
            f.session.notifyUnsubscribed(f.collection, error);
        }
    }

    /** Ends the log streams of containers that just stopped (compose down, crash). */
    void endFollowersOf(List<AppRecord.ContainerRecord> containers) {
        for (Session s : nas.sessions) {
            for (LogFollower f : s.logFollowers.values()) {
                if (f.started && f.container != null && containers.contains(f.container)) {
                    nas.workers.execute(() -> endFollower(f, null));
                }
            }
        }
    }

    /** One line of a real container's log, as the log-follow event source sends it. */
    void sendContainerLog(LogFollower f, String data, String timestamp) {
        if (f.ended) {
            return;
        }
        ObjectNode fields = Json.object();
        fields.put("data", data);
        if (timestamp == null) {
            fields.putNull("timestamp");
        } else {
            fields.put("timestamp", timestamp);
        }
        f.session.sendEvent(f.collection, "ADDED", null, fields);
    }

    /** The container's log stream ended (it stopped or was removed): the subscription ends without error. */
    void containerLogEnded(LogFollower f) {
        endFollower(f, null);
    }
}
