package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.truenasgitops.reconcile.Planner;
import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.DeleteOptions;
import io.truenasgitops.truenas.DockerStatus;
import io.truenasgitops.truenas.JobListener;
import io.truenasgitops.truenas.LogLine;
import io.truenasgitops.truenas.NotAuthorizedException;
import io.truenasgitops.truenas.NotFoundException;
import io.truenasgitops.truenas.TrueNasClient;
import jakarta.enterprise.context.Dependent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code apps list|get|config|start|stop|restart|delete|logs|pull}: the apps on the NAS, through the middleware. */
@Dependent
@Command(
        name = "apps",
        description = "List, inspect and operate the apps on the NAS (through the TrueNAS API, not Docker).",
        subcommands = {
            AppsCommand.ListApps.class,
            AppsCommand.GetApp.class,
            AppsCommand.ConfigOfApp.class,
            AppsCommand.StartApp.class,
            AppsCommand.StopApp.class,
            AppsCommand.RestartApp.class,
            AppsCommand.DeleteApp.class,
            AppsCommand.LogsOfApp.class,
            AppsCommand.PullImages.class
        })
public class AppsCommand implements TopLevelCommand, Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Marks an image (in {@code apps list} and {@code apps get}) that has a newer image under its tag. */
    static final String UPDATE_MARK = "*";

    /** {@code app.outdated_docker_images}, or nothing when the NAS does not answer it (the flag alone still shows). */
    static List<String> outdatedImages(TrueNasClient client, String app) {
        try {
            return client.apps().outdatedImages(app);
        } catch (io.truenasgitops.truenas.TrueNasException e) {
            if (e.isRetryable()) {
                throw e;
            }
            return List.of();
        }
    }

    static App require(AppsApi apps, String name, boolean retrieveConfig) {
        return apps.get(name, retrieveConfig).orElseThrow(() -> new NotFoundException("app '" + name
                + "' does not exist on the NAS ('apps list' shows the apps there)"));
    }

    @Command(name = "list", description = "List the apps with their state.")
    static class ListApps extends NasCommand {
        @Mixin
        OutputOptions output;

        @Override
        int run(TrueNasClient client) {
            List<App> apps = client.apps().list(false);
            if (apps.isEmpty()) {
                warnWhenAppsServiceIsDown(client);
            }
            if (!output.isTable()) {
                output.printDocument(out(), apps.stream().map(App::raw).toList());
                return ExitCodes.OK;
            }
            if (apps.isEmpty()) {
                out().println("no apps");
                out().flush();
                return ExitCodes.OK;
            }
            Style style = Style.current();
            List<List<String>> rows = new ArrayList<>();
            int withUpdates = 0;
            for (App app : apps) {
                if (app.imageUpdatesAvailable()) {
                    withUpdates++;
                }
                rows.add(List.of(app.name(), style.status(app.state().name()), app.customApp() ? "custom" : "catalog",
                        String.valueOf(app.version()), String.valueOf(app.containers().size()),
                        imagesCell(client, app, style)));
            }
            OutputOptions.printTable(out(), List.of("NAME", "STATE", "TYPE", "VERSION", "CONTAINERS", "IMAGES"), rows);
            if (withUpdates > 0) {
                out().println(style.yellow(UPDATE_MARK) + " a newer image under the same tag is on the registry ("
                        + withUpdates + (withUpdates == 1 ? " app" : " apps") + ", as the NAS's image check saw it);"
                        + " Git decides what runs: change the tag or digest there, or 'apps pull NAME' pulls it again");
                out().flush();
            }
            return ExitCodes.OK;
        }

        /**
         * The app's images, those with a newer image under their tag marked; when the NAS does not say which (no
         * {@code app.outdated_docker_images} answer), the app as a whole is marked.
         */
        private static String imagesCell(TrueNasClient client, App app, Style style) {
            if (app.images().isEmpty()) {
                return app.imageUpdatesAvailable() ? style.yellow(UPDATE_MARK) : "-";
            }
            if (!app.imageUpdatesAvailable()) {
                return String.join(",", app.images());
            }
            List<String> outdated = outdatedImages(client, app.name());
            if (outdated.isEmpty()) {
                return String.join(",", app.images()) + style.yellow(UPDATE_MARK);
            }
            return String.join(",", app.images().stream()
                    .map(i -> outdated.contains(i) ? i + style.yellow(UPDATE_MARK) : i).toList());
        }

        /**
         * app.query answers [] (no error) while Docker is stopped, unconfigured or starting: one docker.status
         * call tells an empty NAS from one that cannot run apps; on stderr, so that -o json stays parseable.
         */
        private void warnWhenAppsServiceIsDown(TrueNasClient client) {
            DockerStatus docker;
            try {
                docker = client.apps().dockerStatus();
            } catch (NotAuthorizedException e) {
                return; // a key without DOCKER_READ: the empty list is all there is to say
            }
            if (!docker.isRunning()) {
                err().println("warning: the list is empty because " + Planner.appsServiceDown(client.endpoint(), docker));
                err().flush();
            }
        }
    }

    @Command(name = "get", description = "Show one app: state, containers, images, ports.")
    static class GetApp extends NasCommand {
        @Parameters(paramLabel = "NAME", description = "The app name.")
        String name;

        @Mixin
        OutputOptions output;

        @Override
        int run(TrueNasClient client) {
            App app = require(client.apps(), name, false);
            if (!output.isTable()) {
                output.printDocument(out(), app.raw());
                return ExitCodes.OK;
            }
            PrintWriter out = out();
            out.println("name:       " + app.name());
            Style style = Style.current();
            out.println("state:      " + style.status(String.valueOf(app.state())));
            out.println("type:       " + (app.customApp() ? "custom" : "catalog"));
            out.println("version:    " + app.version());
            JsonNode raw = app.raw();
            // TrueNAS sets upgrade_available on a custom app that has image updates: shown as those below instead
            if (raw.path("upgrade_available").asBoolean(false) && !(app.customApp() && app.imageUpdatesAvailable())) {
                out.println("upgrade:    available");
            }
            if (raw.path("portals").isObject() && raw.path("portals").size() > 0) {
                raw.path("portals").fields().forEachRemaining(p -> out.println("portal:     " + p.getKey() + " "
                        + p.getValue().asText()));
            }
            out.println("images:     " + (app.images().isEmpty() ? "-" : String.join(", ", app.images())));
            if (app.imageUpdatesAvailable()) {
                List<String> outdated = outdatedImages(client, app.name());
                out.println("updates:    " + style.yellow("newer image under the same tag"
                        + (outdated.isEmpty() ? "" : ": " + String.join(", ", outdated)))
                        + " (Git decides: change the tag or digest there, or 'apps pull " + app.name() + "')");
            }
            List<String> ports = ports(raw.path("active_workloads").path("used_ports"));
            out.println("ports:      " + (ports.isEmpty() ? "none published" : String.join(", ", ports)));
            if (app.containers().isEmpty()) {
                out.println("containers: none");
            } else {
                out.println("containers:");
                List<List<String>> rows = new ArrayList<>();
                for (App.Container c : app.containers()) {
                    List<String> containerPorts = portsOf(raw, c.id());
                    rows.add(List.of("  " + c.serviceName(), style.status(String.valueOf(c.state())), String.valueOf(c.image()),
                            containerPorts.isEmpty() ? "-" : String.join(",", containerPorts),
                            c.id() == null ? "-" : c.id().substring(0, Math.min(12, c.id().length()))));
                }
                OutputOptions.printTable(out, List.of("  SERVICE", "STATE", "IMAGE", "PORTS", "ID"), rows);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** The published ports of one container ({@code container_details[].port_config}). */
    private static List<String> portsOf(JsonNode raw, String containerId) {
        for (JsonNode d : raw.path("active_workloads").path("container_details")) {
            if (d.path("id").asText("").equals(containerId)) {
                return ports(d.path("port_config"));
            }
        }
        return List.of();
    }

    /**
     * Ports as {@code docker ps} shows them, {@code HOST_IP:HOST_PORT->CONTAINER_PORT/PROTOCOL}, from TrueNAS'
     * {@code used_ports}/{@code port_config} entries ({@code container_port}, {@code protocol},
     * {@code host_ports[].host_port/host_ip}).
     */
    static List<String> ports(JsonNode entries) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : entries) {
            String target = p.path("container_port").asText("?") + "/" + p.path("protocol").asText("tcp");
            if (!p.path("host_ports").isArray() || p.path("host_ports").isEmpty()) {
                out.add(target);
                continue;
            }
            for (JsonNode h : p.path("host_ports")) {
                String ip = h.path("host_ip").asText("");
                out.add((ip.isEmpty() ? "" : (ip.contains(":") ? "[" + ip + "]" : ip) + ":") + h.path("host_port").asText("?")
                        + "->" + target);
            }
        }
        return out.stream().distinct().toList();
    }

    @Command(name = "config", description = "Print the compose document TrueNAS stores for an app (YAML by default).")
    static class ConfigOfApp extends NasCommand {
        @Parameters(paramLabel = "NAME", description = "The app name.")
        String name;

        @Mixin
        OutputOptions output;

        @Override
        int run(TrueNasClient client) {
            Map<String, Object> config = client.apps().config(name);
            if (output.isTable()) {
                output.format = OutputOptions.Format.yaml;
            }
            output.printDocument(out(), config);
            return ExitCodes.OK;
        }
    }

    /** A middleware job on one app, followed with a progress line, then one line saying what was done. */
    abstract static class AppJobCommand extends NasCommand {
        @Parameters(paramLabel = "NAME", description = "The app name.")
        String name;

        /** Submits the job and waits for it, reporting progress to {@code progress}. */
        abstract void runJob(TrueNasClient client, JobListener progress);

        /** What was done, e.g. {@code started app 'web'}. */
        abstract String done();

        @Override
        int run(TrueNasClient client) {
            withProgress(progress -> runJob(client, progress));
            out().println(done());
            out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "start", description = "Start an app (TrueNAS takes the whole project down and up).")
    static class StartApp extends AppJobCommand {
        @Override
        void runJob(TrueNasClient client, JobListener progress) {
            client.apps().start(name, progress);
        }

        @Override
        String done() {
            return "started app '" + name + "'";
        }
    }

    @Command(name = "stop", description = "Stop an app (compose down: containers removed, volumes kept).")
    static class StopApp extends AppJobCommand {
        @Override
        void runJob(TrueNasClient client, JobListener progress) {
            client.apps().stop(name, progress);
        }

        @Override
        String done() {
            return "stopped app '" + name + "'";
        }
    }

    @Command(name = "restart", description = "Restart an app: app.start, which recreates every container of the project.")
    static class RestartApp extends AppJobCommand {
        @Override
        void runJob(TrueNasClient client, JobListener progress) {
            client.apps().start(name, progress);
        }

        @Override
        String done() {
            return "restarted app '" + name + "'";
        }
    }

    @Command(name = "delete", description = {
        "Delete an app. TrueNAS always removes the project's named volumes (compose down -v); host-path data stays.",
        "On a terminal it asks before deleting; scripts pass --yes."})
    static class DeleteApp extends AppJobCommand {

        @Option(names = "--remove-images", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Remove the app's images too (default: ${DEFAULT-VALUE}).")
        boolean removeImages;

        @Option(names = "--keep-images", description = "Keep the app's images (same as --no-remove-images).")
        boolean keepImages;

        @Option(names = "--remove-ix-volumes", description = "Also delete the app's ix-volumes datasets.")
        boolean removeIxVolumes;

        @Option(names = {"-y", "--yes"}, description = "Delete without asking (scripts; without a terminal this"
                + " flag is required).")
        boolean yes;

        @Option(names = "--force", description = {
            "Remove a custom app even when its compose file is broken (25.04+: force_remove_custom_app)."})
        boolean force;

        /** Named volumes go with the app: a person at a terminal confirms first; a script says --yes. */
        @Override
        void prepare() {
            if (yes) {
                return;
            }
            Terminal terminal = Terminal.current();
            if (!terminal.interactive()) {
                throw new UsageException("apps delete: deleting app '" + name + "' also deletes its named volumes;"
                        + " confirm with --yes (there is no terminal to ask on)");
            }
            String answer = terminal.ask(err(), "Delete app '" + name + "' and its named volumes (their data is lost)"
                    + (removeIxVolumes ? " and its ix-volumes datasets" : "") + "? [y/N] ");
            if (!Terminal.isYes(answer)) {
                throw new UsageException("apps delete: app '" + name + "' was not deleted (not confirmed)");
            }
        }

        @Override
        void runJob(TrueNasClient client, JobListener progress) {
            client.apps().delete(name, new DeleteOptions(removeImages && !keepImages, removeIxVolumes, false, force),
                    progress);
        }

        @Override
        String done() {
            return "deleted app '" + name + "'";
        }
    }

    @Command(name = "pull", aliases = "pull-images", description = {
        "Pull the app's images again (app.pull_images: the same tags, newer images if the registry has them), then"
                + " redeploy (unless --no-redeploy). Only when you run it: the daemon never pulls."})
    static class PullImages extends AppJobCommand {

        @Option(names = "--redeploy", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Redeploy after pulling (default: ${DEFAULT-VALUE}).")
        boolean redeploy;

        @Override
        void runJob(TrueNasClient client, JobListener progress) {
            client.apps().pullImages(name, redeploy, progress);
        }

        @Override
        String done() {
            return "pulled the images of app '" + name + "'" + (redeploy ? " and redeployed it" : "");
        }
    }

    @Command(name = "logs", description = {
        "Print an app's container logs (all services, or one with --service); with -f keep following until the"
                + " containers stop or Ctrl-C."})
    static class LogsOfApp extends NasCommand {
        /** Without -f the middleware's stream never ends by itself: stop once it has been quiet this long. */
        static final Duration QUIET = Duration.ofSeconds(1);

        @Parameters(paramLabel = "NAME", description = "The app name.")
        String name;

        @Option(names = {"-f", "--follow"}, description = "Keep following new lines.")
        boolean follow;

        @Option(names = "--service", paramLabel = "SERVICE", description = "Only this compose service.")
        String service;

        @Option(names = "--tail", paramLabel = "N", description = "Start with the last N lines (default: 500, the NAS's default).")
        Integer tail;

        @Override
        void prepare() {
            if (tail != null && tail < 1) {
                throw new UsageException("--tail must be at least 1");
            }
        }

        @Override
        int run(TrueNasClient client) throws Exception {
            Map<String, App.Container> containers = client.apps().containerIds(name, true);
            List<App.Container> chosen = containers.values().stream()
                    .filter(c -> service == null || service.equals(c.serviceName()))
                    .toList();
            if (chosen.isEmpty()) {
                if (service != null && !containers.isEmpty()) {
                    throw new UsageException("app '" + name + "' has no running service '" + service + "'; it has: "
                            + String.join(", ", containers.values().stream().map(App.Container::serviceName).toList()));
                }
                throw new NotFoundException("app '" + name + "' has no running container (is it stopped? 'apps get "
                        + name + "' shows its state)");
            }
            boolean prefix = chosen.size() > 1;
            PrintWriter out = out();
            if (follow) {
                return new Follower(client, name, prefix, out, err()).follow(chosen, tail);
            }
            // Without -f: the stream starts with the last N lines, then follows; stop once N lines came (the
            // NAS sends 500 when --tail is not given) or the stream has been quiet for a moment.
            int wanted = tail == null ? 500 : tail;
            AtomicLong lastLine = new AtomicLong(System.nanoTime());
            List<AppsApi.LogStream> streams = new ArrayList<>();
            List<java.util.concurrent.atomic.AtomicInteger> counts = new ArrayList<>();
            try {
                for (App.Container c : chosen) {
                    String label = prefix ? c.serviceName() + " | " : "";
                    java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
                    counts.add(count);
                    streams.add(client.apps().followLogs(name, c.id(), tail, line -> {
                        if (follow || count.get() < wanted) {
                            count.incrementAndGet();
                            print(out, label, line, lastLine);
                        }
                    }));
                }
                for (int i = 0; i < streams.size(); i++) {
                    AppsApi.LogStream stream = streams.get(i);
                    if (follow) {
                        while (!stream.isEnded()) {
                            stream.awaitEnd(Duration.ofHours(1));
                        }
                    } else {
                        while (!stream.isEnded() && counts.get(i).get() < wanted
                                && System.nanoTime() - lastLine.get() < QUIET.toNanos()) {
                            stream.awaitEnd(Duration.ofMillis(100));
                        }
                    }
                }
            } finally {
                streams.forEach(AppsApi.LogStream::close);
            }
            return ExitCodes.OK;
        }

        /**
         * {@code -f}: follows every chosen container until it stops. When the connection drops (a middleware
         * restart, a network blip) it says so, waits for the client to reconnect, and follows again: the new
         * stream starts with the last lines, and those already printed (by their timestamps) are skipped.
         */
        static final class Follower {
            private static final int RESUME_TAIL = 100;
            private static final Duration[] BACKOFF = {Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
            private static final int MAX_RESUME_ATTEMPTS = 20;

            private final TrueNasClient client;
            private final String app;
            private final boolean prefix;
            private final PrintWriter out;
            private final PrintWriter err;
            private final AtomicLong lastLine = new AtomicLong(System.nanoTime());

            Follower(TrueNasClient client, String app, boolean prefix, PrintWriter out, PrintWriter err) {
                this.client = client;
                this.app = app;
                this.prefix = prefix;
                this.out = out;
                this.err = err;
            }

            /** One followed container: its service, the stream, and the timestamp of the last line printed. */
            private final class Followed {
                final String service;
                String containerId;
                AppsApi.LogStream stream;
                volatile String lastTimestamp;

                Followed(App.Container c) {
                    this.service = c.serviceName();
                    this.containerId = c.id();
                }

                void subscribe(Integer tailLines, boolean resumed) {
                    String label = prefix ? service + " | " : "";
                    String after = resumed ? lastTimestamp : null;
                    stream = client.apps().followLogs(app, containerId, tailLines, line -> {
                        String ts = line.timestamp();
                        if (after != null && ts != null && ts.compareTo(after) <= 0) {
                            return; // printed before the connection dropped
                        }
                        if (ts != null) {
                            lastTimestamp = ts;
                        }
                        print(out, label, line, lastLine);
                    });
                }
            }

            int follow(List<App.Container> chosen, Integer tail) throws InterruptedException {
                List<Followed> all = new ArrayList<>();
                try {
                    for (App.Container c : chosen) {
                        Followed f = new Followed(c);
                        f.subscribe(tail, false);
                        all.add(f);
                    }
                    List<Followed> open = new ArrayList<>(all);
                    while (!open.isEmpty()) {
                        for (Followed f : List.copyOf(open)) {
                            try {
                                f.stream.awaitEnd(Duration.ofMillis(200));
                                if (f.stream.isEnded()) {
                                    f.stream.awaitEnd(Duration.ZERO); // throws when it ended by a lost connection
                                    open.remove(f); // the container stopped: its log is complete
                                }
                            } catch (io.truenasgitops.truenas.ConnectionLostException e) {
                                if (!resume(f, e)) {
                                    open.remove(f);
                                }
                            }
                        }
                    }
                } finally {
                    all.forEach(f -> {
                        if (f.stream != null) {
                            f.stream.close();
                        }
                    });
                }
                return ExitCodes.OK;
            }

            /** Follows {@code f} again after a lost connection; false when its container is gone meanwhile. */
            private boolean resume(Followed f, io.truenasgitops.truenas.ConnectionLostException lost)
                    throws InterruptedException {
                synchronized (err) {
                    err.println("logs of app '" + app + "' (" + f.service + "): " + firstLine(lost.getMessage())
                            + "; following again once the NAS answers");
                    err.flush();
                }
                io.truenasgitops.truenas.TrueNasException last = lost;
                for (int attempt = 0; attempt < MAX_RESUME_ATTEMPTS; attempt++) {
                    Thread.sleep(BACKOFF[Math.min(attempt, BACKOFF.length - 1)].toMillis());
                    try {
                        Map<String, App.Container> now = client.apps().containerIds(app, true);
                        App.Container same = now.values().stream()
                                .filter(c -> c.serviceName().equals(f.service)).findFirst().orElse(null);
                        if (same == null) {
                            synchronized (err) {
                                err.println("logs of app '" + app + "' (" + f.service + "): no running container"
                                        + " any more; stopped following it");
                                err.flush();
                            }
                            return false;
                        }
                        boolean restarted = !same.id().equals(f.containerId);
                        f.containerId = same.id();
                        f.subscribe(restarted ? null : RESUME_TAIL, !restarted);
                        synchronized (err) {
                            err.println("logs of app '" + app + "' (" + f.service + "): following again"
                                    + (restarted ? " (a new container: its log from the start)" : ""));
                            err.flush();
                        }
                        return true;
                    } catch (io.truenasgitops.truenas.TrueNasException e) {
                        if (!e.isRetryable()) {
                            throw e;
                        }
                        last = e;
                    }
                }
                throw new io.truenasgitops.truenas.ConnectionLostException("gave up following the logs of app '"
                        + app + "' after " + MAX_RESUME_ATTEMPTS + " attempts to reconnect: " + last.getMessage(), last);
            }

            private static String firstLine(String s) {
                return s == null ? "connection lost" : s.lines().findFirst().orElse(s);
            }
        }

        private static void print(PrintWriter out, String label, LogLine line, AtomicLong lastLine) {
            lastLine.set(System.nanoTime());
            String data = line.data();
            if (data.endsWith("\n")) {
                data = data.substring(0, data.length() - 1);
            }
            synchronized (out) {
                out.println(label + data);
                out.flush();
            }
        }
    }
}
