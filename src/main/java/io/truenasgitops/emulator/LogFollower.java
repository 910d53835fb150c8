package io.truenasgitops.emulator;

import java.util.concurrent.ScheduledFuture;

/** One {@code app.container_log_follow:{...}} subscription of one session. */
final class LogFollower {
    final Session session;
    final String ident;
    final String collection;
    final String appName;
    final String containerId;
    final Integer tailLines;
    volatile boolean started;
    volatile boolean ended;
    volatile AppRecord.ContainerRecord container;
    volatile ScheduledFuture<?> task;
    /** The {@code docker logs --follow} process of a real container (Docker backend), else null. */
    volatile Process process;
    int next;

    LogFollower(Session session, String ident, String collection, String appName, String containerId, Integer tailLines) {
        this.session = session;
        this.ident = ident;
        this.collection = collection;
        this.appName = appName;
        this.containerId = containerId;
        this.tailLines = tailLines;
    }

    void cancel() {
        ended = true;
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
        Process p = process;
        if (p != null) {
            p.destroy();
        }
    }
}
