package io.truenasgitops.commitstatus;

import io.truenasgitops.notify.DeliveryLane;
import io.truenasgitops.notify.DeliveryMetrics;
import io.truenasgitops.notify.HttpCall;
import io.truenasgitops.notify.HttpSender;
import io.truenasgitops.notify.SendResult;
import io.truenasgitops.reconcile.Action;
import io.truenasgitops.reconcile.PassResult;
import io.truenasgitops.reconcile.Plan;
import io.truenasgitops.reconcile.SyncListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The daemon's commit statuses: as the engine's pass observer ({@link #listener()}) it works out the statuses of
 * each pass ({@link StatusRules}) and hands them to a {@link DeliveryLane} of their own, which sets them on the Git
 * host with the notifications' retries. The pass never waits for any of it. A status the same as the last one set
 * for that commit and stack is not sent again (a stack retried at the same commit stays one failure), and a status
 * still waiting for its retry when a newer one of the same commit and stack comes is dropped (a late "pending" never
 * hides the result).
 */
public final class CommitStatuses implements AutoCloseable {

    private static final DeliveryLane.Wording WORDING = new DeliveryLane.Wording(
            "commit statuses on %1$s: %2$d statuses already wait; dropped '%3$s'",
            "failed to set the commit status %2$s on %1$s");
    /** Commits and stacks remembered for deduplication; the oldest are forgotten first. */
    private static final int REMEMBERED = 2_000;

    private final StatusSettings settings;
    private final Endpoint endpoint;
    private final DeliveryLane<Queued> lane;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Queued> latest = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Queued> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** A status on its way, numbered so that a newer one of the same commit and stack makes it obsolete. */
    record Queued(CommitStatus status, long seq) {
        String key() {
            return status.revision() + "|" + status.context();
        }
    }

    /**
     * @param http one attempt at a request (the daemon: an {@link HttpSender})
     */
    public CommitStatuses(StatusSettings settings, Endpoint endpoint, DeliveryMetrics metrics,
            Function<HttpCall, SendResult> http) {
        this.settings = settings;
        this.endpoint = endpoint;
        String describe = "Git host " + endpoint.forge().label() + " (" + endpoint.apiBase().getHost()
                + (endpoint.apiBase().getPort() > 0 ? ":" + endpoint.apiBase().getPort() : "") + ")";
        this.lane = new DeliveryLane<>(endpoint.forge().id(), describe, "commit-status-", settings.delivery(), metrics,
                q -> http.apply(StatusRequests.request(endpoint, settings.token(), q.status())),
                q -> q.status().title(), this::obsolete, WORDING, List.of(settings.token()));
    }

    /** The commit statuses of {@code settings} on the host of {@code endpoint}, over HTTPS. */
    public static CommitStatuses of(StatusSettings settings, Endpoint endpoint, DeliveryMetrics metrics) {
        HttpSender sender = new HttpSender("commit statuses on " + endpoint.forge().label(), settings.caFile(),
                settings.delivery().timeout(), List.of(settings.token()));
        return new CommitStatuses(settings, endpoint, metrics, sender::send);
    }

    /** Where the statuses go. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** The engine's pass observer: pending when a pass starts applying, the results when it ends. */
    public SyncListener listener() {
        return new SyncListener() {
            @Override
            public void onPassStart(Plan plan, List<Action> selected) {
                StatusRules.pending(plan, selected, settings).forEach(CommitStatuses.this::submit);
            }

            @Override
            public void onPassEnd(PassResult result) {
                StatusRules.finished(result, settings).forEach(CommitStatuses.this::submit);
            }
        };
    }

    /** Queues {@code status} unless it is what was last set for its commit and stack; returns at once. */
    public void submit(CommitStatus status) {
        Queued q = new Queued(status, sequence.incrementAndGet());
        synchronized (latest) {
            Queued before = latest.get(q.key());
            if (before != null && before.status().state() == status.state()
                    && before.status().description().equals(status.description())) {
                return;
            }
            latest.put(q.key(), q);
        }
        lane.enqueue(q);
    }

    private boolean obsolete(Queued q) {
        synchronized (latest) {
            Queued newest = latest.get(q.key());
            return newest != null && newest.seq() != q.seq();
        }
    }

    @Override
    public void close() {
        lane.close();
    }
}
