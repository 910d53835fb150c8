package io.truenasgitops.reconcile;

import io.truenasgitops.truenas.App;
import io.truenasgitops.truenas.AppsApi;
import io.truenasgitops.truenas.LogLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The last lines of every container of a stack's app, read as {@code apps logs --tail} does: one
 * {@code app.container_log_follow} subscription per container (with {@code tail_lines}), all at once, each closed
 * once it has sent the lines asked for, ended, or gone quiet. Bounded: at most {@link #CONTAINERS} containers,
 * {@link #MAX_LINES} lines each, {@link #DEADLINE} for all of them. Every line goes through the stack's masker.
 */
final class RecentLogs {

    /** Lines per container at most. */
    static final int MAX_LINES = 200;
    /** Containers read at most (the first ones the NAS lists). */
    static final int CONTAINERS = 10;
    /** How long all streams together are waited for. */
    static final Duration DEADLINE = Duration.ofSeconds(3);
    /**
     * A stream that sent nothing for this long has sent its tail: the middleware sends the tail at once, then only
     * what the container prints from now on.
     */
    static final Duration QUIET = Duration.ofMillis(300);

    private RecentLogs() {}

    /**
     * The last {@code lines} lines of each container of app {@code app}; empty when the app has no containers (not on
     * the NAS, or stopped).
     */
    static List<ContainerLog> of(AppsApi api, String app, int lines, UnaryOperator<String> mask) {
        Optional<App> now = api.get(app, false);
        if (now.isEmpty()) {
            return List.of();
        }
        List<App.Container> containers = now.get().containers().stream().filter(c -> c.id() != null)
                .limit(CONTAINERS).toList();
        List<Reading> readings = new ArrayList<>();
        for (App.Container c : containers) {
            readings.add(new Reading(api, app, c, lines));
        }
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        List<ContainerLog> out = new ArrayList<>();
        try {
            for (Reading r : readings) {
                r.await(deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            readings.forEach(Reading::close);
        }
        for (Reading r : readings) {
            out.add(r.result(mask));
        }
        return out;
    }

    /** One container's stream. */
    private static final class Reading {
        private final App.Container container;
        private final int wanted;
        private final List<String> lines = new ArrayList<>();
        private final CountDownLatch done = new CountDownLatch(1);
        private final AtomicLong lastLineAt = new AtomicLong(System.nanoTime());
        private AppsApi.LogStream stream;
        private String error;

        Reading(AppsApi api, String app, App.Container container, int wanted) {
            this.container = container;
            this.wanted = wanted;
            try {
                stream = api.followLogs(app, container.id(), wanted, this::add);
            } catch (RuntimeException e) {
                error = e.getMessage();
                done.countDown();
            }
        }

        private void add(LogLine line) {
            String d = line.data() == null ? "" : line.data();
            d = d.endsWith("\n") ? d.substring(0, d.length() - 1) : d;
            synchronized (lines) {
                lines.add(d);
                if (lines.size() >= wanted) {
                    done.countDown();
                }
            }
            lastLineAt.set(System.nanoTime());
        }

        void await(long deadline) throws InterruptedException {
            while (done.getCount() > 0) {
                if (stream != null && stream.isEnded()) {
                    try {
                        stream.awaitEnd(Duration.ZERO);
                    } catch (RuntimeException e) {
                        // the middleware's reason (a stopped app's container has no log to follow)
                        error = e.getMessage();
                    }
                    return;
                }
                long now = System.nanoTime();
                long quietUntil = lastLineAt.get() + QUIET.toNanos();
                if (now >= deadline || now >= quietUntil) {
                    return;
                }
                long step = Math.min(Math.min(deadline, quietUntil) - now, TimeUnit.MILLISECONDS.toNanos(50));
                done.await(Math.max(1, step), TimeUnit.NANOSECONDS);
            }
        }

        void close() {
            if (stream != null) {
                try {
                    stream.close();
                } catch (RuntimeException e) {
                    // going anyway
                }
            }
        }

        ContainerLog result(UnaryOperator<String> mask) {
            List<String> copy;
            synchronized (lines) {
                copy = new ArrayList<>(lines);
            }
            if (copy.size() > wanted) {
                copy = copy.subList(copy.size() - wanted, copy.size());
            }
            String id = container.id().substring(0, Math.min(12, container.id().length()));
            return new ContainerLog(container.serviceName(), id, container.state(),
                    copy.stream().map(mask).toList(), error == null ? null : mask.apply(error));
        }
    }
}
