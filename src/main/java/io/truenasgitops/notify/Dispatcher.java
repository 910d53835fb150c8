package io.truenasgitops.notify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Delivers notifications to every target that wants them, each target on its own thread: a target that is slow,
 * down or hanging delays only its own messages, never the reconcile loop nor the other targets. Failed attempts
 * are retried up to {@link DeliverySettings#maxAttempts()} with a doubling backoff (or the wait the service asked
 * for); a message given up is a failure in the metrics and a log line, at most one per target and minute.
 */
public final class Dispatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    private static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(1);
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    private final List<Lane> lanes = new ArrayList<>();
    private final DeliverySettings delivery;
    private final DeliveryMetrics metrics;

    /**
     * @param targets the targets
     * @param channels makes the channel of each target
     */
    public Dispatcher(List<TargetSettings> targets, DeliverySettings delivery, DeliveryMetrics metrics,
            Function<TargetSettings, Channel> channels) {
        this.delivery = delivery;
        this.metrics = metrics;
        for (TargetSettings t : targets) {
            lanes.add(new Lane(t, channels.apply(t)));
        }
    }

    /** The channel each type of target gets in the daemon. */
    public static Channel channelFor(TargetSettings t, DeliverySettings delivery) {
        return t.type() == ChannelType.EMAIL ? new EmailChannel(t, delivery.timeout())
                : new HttpChannel(t, delivery.timeout());
    }

    /** Queues {@code n} for every target whose filter accepts it; returns at once. */
    public void submit(Notification n) {
        for (Lane lane : lanes) {
            if (lane.target.filter().accepts(n)) {
                lane.enqueue(n);
            }
        }
    }

    /** Stops delivering; messages still queued are dropped. */
    @Override
    public void close() {
        lanes.forEach(Lane::close);
    }

    /** One target's queue, thread and log throttle. */
    private final class Lane {
        final TargetSettings target;
        final Channel channel;
        final ScheduledExecutorService executor;
        final AtomicInteger queued = new AtomicInteger();
        long lastLogNanos;
        boolean logged;
        long suppressed;

        Lane(TargetSettings target, Channel channel) {
            this.target = target;
            this.channel = channel;
            ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
                Thread th = new Thread(r, "notify-" + target.name());
                th.setDaemon(true);
                return th;
            });
            ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            ex.setRemoveOnCancelPolicy(true);
            this.executor = ex;
        }

        void enqueue(Notification n) {
            if (queued.incrementAndGet() > delivery.queueLimit()) {
                queued.decrementAndGet();
                metrics.failed(target.name());
                warn("notification target " + target.describe() + ": " + delivery.queueLimit()
                        + " notifications already wait for it; dropped '" + n.title() + "'");
                return;
            }
            try {
                executor.execute(() -> attempt(n, 1));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                queued.decrementAndGet(); // shutting down
            }
        }

        void attempt(Notification n, int attempt) {
            SendResult r;
            try {
                r = channel.send(n);
            } catch (RuntimeException e) {
                r = new SendResult.RetryLater(null, Secret.mask(String.valueOf(e.getMessage()), target.secrets()));
            }
            if (Thread.currentThread().isInterrupted()) {
                return; // closing: neither a delivery nor a failure worth a line
            }
            if (r instanceof SendResult.Delivered) {
                queued.decrementAndGet();
                metrics.sent(target.name());
                LOG.debugf("notification target %s: sent '%s'", target.describe(), n.title());
                return;
            }
            if (r instanceof SendResult.RetryLater later && attempt < delivery.maxAttempts()) {
                Duration wait = later.retryAfter() != null
                        ? min(later.retryAfter(), LONGEST_RETRY_AFTER) : delivery.backoffAfter(attempt);
                LOG.debugf("notification target %s: attempt %d failed (%s), next in %s", target.describe(), attempt,
                        later.why(), wait);
                try {
                    executor.schedule(() -> attempt(n, attempt + 1), wait.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    queued.decrementAndGet(); // shutting down
                }
                return;
            }
            queued.decrementAndGet();
            metrics.failed(target.name());
            String why = r instanceof SendResult.RetryLater later ? later.why() : ((SendResult.Rejected) r).why();
            warn("failed to notify " + target.describe() + " of '" + n.title() + "' after " + attempt
                    + (attempt == 1 ? " attempt" : " attempts") + ": " + why);
        }

        /** At most one line per minute per target; the next line says how many were held back. */
        synchronized void warn(String line) {
            long now = System.nanoTime();
            if (!logged || now - lastLogNanos >= LOG_INTERVAL.toNanos()) {
                String held = suppressed > 0 ? " (" + suppressed + " similar lines held back)" : "";
                LOG.warn(line + held);
                logged = true;
                lastLogNanos = now;
                suppressed = 0;
            } else {
                suppressed++;
            }
        }

        void close() {
            executor.shutdownNow();
            channel.close();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
