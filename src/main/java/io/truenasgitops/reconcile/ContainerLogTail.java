package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.LogLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The last few log lines of the containers of an app that died after an apply, read through the middleware's
 * {@code app.container_log_follow} event source (the one {@code apps logs} follows), so that a failed apply says
 * what its containers printed before they ended instead of pointing at a file on the NAS. Bounded: at most
 * {@link #CONTAINERS} containers, {@link #LINES} lines each, each stream waited for a short while; a log that cannot
 * be read is left out. The lines go through the stack's masker: a container may print its secrets.
 */
final class ContainerLogTail {

    /** Lines kept per container. */
    static final int LINES = 5;
    /** Containers read at most. */
    static final int CONTAINERS = 3;
    /** How long one stream is waited for: a dead container's stream ends once its tail is sent. */
    static final Duration WAIT = Duration.ofSeconds(2);

    private ContainerLogTail() {}

    /**
     * The tail of each dead ({@code crashed} or {@code exited}) container of {@code app} as it is now, one block per
     * container ({@code service 'worker' (container 0123456789ab) printed last:} then its lines), or "" when there
     * is none to read (a stopped app has no containers).
     */
    static String of(AppsApi api, String app, UnaryOperator<String> mask) {
        Optional<App> now;
        try {
            now = api.get(app, false);
        } catch (RuntimeException e) {
            return "";
        }
        if (now.isEmpty()) {
            return "";
        }
        List<App.Container> dead = now.get().containers().stream()
                .filter(c -> "crashed".equals(c.state()) || "exited".equals(c.state()))
                .limit(CONTAINERS).toList();
        List<String> blocks = new ArrayList<>();
        for (App.Container c : dead) {
            List<String> lines = tail(api, app, c.id());
            if (!lines.isEmpty()) {
                String id = c.id() == null ? "?" : c.id().substring(0, Math.min(12, c.id().length()));
                blocks.add("service '" + c.serviceName() + "' (container " + id + ") printed last:\n"
                        + mask.apply(String.join("\n", lines)));
            }
        }
        return String.join("\n", blocks);
    }

    private static List<String> tail(AppsApi api, String app, String containerId) {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (AppsApi.LogStream stream = api.followLogs(app, containerId, LINES, line -> lines.add(text(line)))) {
            stream.awaitEnd(WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // an unreadable log (the container went away meanwhile) leaves the lines read so far
        }
        List<String> out = new ArrayList<>(lines);
        return out.size() <= LINES ? out : out.subList(out.size() - LINES, out.size());
    }

    private static String text(LogLine line) {
        String d = line.data() == null ? "" : line.data();
        return d.endsWith("\n") ? d.substring(0, d.length() - 1) : d;
    }
}
