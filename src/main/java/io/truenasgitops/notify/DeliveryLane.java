package io.truenasgitops.notify;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * One destination's delivery queue: its own thread, so that a destination that is slow, down or hanging delays only
 * its own messages, never the reconcile loop nor anyone else. Failed attempts are retried up to
 * {@link DeliverySettings#maxAttempts()} with a doubling backoff (or the wait the service asked for, up to an hour);
 * a message given up is a failure in the metrics and a log line, at most one per destination and minute. A message
 * made obsolete while it waits (a newer one replaces it) is dropped quietly before its next attempt.
 *
 * @param <M> what is delivered (a notification, a commit status)
 */
public final class DeliveryLane<M> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DeliveryLane.class);
    private static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(1);
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    /**
     * How the lane's log lines read.
     *
     * @param queueFull {@code %1$s} the destination, {@code %2$d} the queue limit, {@code %3$s} the message's title
     * @param gaveUp {@code %1$s} the destination, {@code %2$s} the title; the attempts and the reason follow
     */
    public record Wording(String queueFull, String gaveUp) {}

    private final String name;
    private final String describe;
    private final DeliverySettings delivery;
    private final DeliveryMetrics metrics;
    private final Function<M, SendResult> send;
    private final Function<M, String> title;
    private final Predicate<M> obsolete;
    private final Wording wording;
    private final java.util.List<Secret> secrets;
    private final ScheduledExecutorService executor;
    private final AtomicInteger queued = new AtomicInteger();
    private long lastLogNanos;
    private boolean logged;
    private long suppressed;

    /**
     * @param name the destination's name (metrics label, thread name)
     * @param describe how log lines name it (never a token)
     * @param send one attempt; may block up to the timeout
     * @param title how log lines name a message
     * @param obsolete whether a waiting message is no longer worth sending
     * @param secrets masked in the reason of an attempt that threw
     */
    public DeliveryLane(String name, String describe, String threadPrefix, DeliverySettings delivery,
            DeliveryMetrics metrics, Function<M, SendResult> send, Function<M, String> title, Predicate<M> obsolete,
            Wording wording, java.util.List<Secret> secrets) {
        this.name = name;
        this.describe = describe;
        this.delivery = delivery;
        this.metrics = metrics;
        this.send = send;
        this.title = title;
        this.obsolete = obsolete;
        this.wording = wording;
        this.secrets = java.util.List.copyOf(secrets);
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, threadPrefix + name);
            th.setDaemon(true);
            return th;
        });
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        ex.setRemoveOnCancelPolicy(true);
        this.executor = ex;
    }

    /** Queues {@code m}; returns at once. */
    public void enqueue(M m) {
        if (queued.incrementAndGet() > delivery.queueLimit()) {
            queued.decrementAndGet();
            metrics.failed(name);
            warn(String.format(wording.queueFull(), describe, delivery.queueLimit(), title.apply(m)));
            return;
        }
        try {
            executor.execute(() -> attempt(m, 1));
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet(); // shutting down
        }
    }

    private void attempt(M m, int attempt) {
        if (obsolete.test(m)) {
            queued.decrementAndGet();
            return;
        }
        SendResult r;
        try {
            r = send.apply(m);
        } catch (RuntimeException e) {
            r = new SendResult.RetryLater(null, Secret.mask(String.valueOf(e.getMessage()), secrets));
        }
        if (Thread.currentThread().isInterrupted()) {
            return; // closing: neither a delivery nor a failure worth a line
        }
        if (r instanceof SendResult.Delivered) {
            queued.decrementAndGet();
            metrics.sent(name);
            LOG.debugf("%s: sent '%s'", describe, title.apply(m));
            return;
        }
        if (r instanceof SendResult.RetryLater later && attempt < delivery.maxAttempts()) {
            Duration wait = later.retryAfter() != null
                    ? min(later.retryAfter(), LONGEST_RETRY_AFTER) : delivery.backoffAfter(attempt);
            LOG.debugf("%s: attempt %d failed (%s), next in %s", describe, attempt, later.why(), wait);
            try {
                executor.schedule(() -> attempt(m, attempt + 1), wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                queued.decrementAndGet(); // shutting down
            }
            return;
        }
        queued.decrementAndGet();
        metrics.failed(name);
        String why = r instanceof SendResult.RetryLater later ? later.why() : ((SendResult.Rejected) r).why();
        warn(String.format(wording.gaveUp(), describe, title.apply(m)) + " after " + attempt
                + (attempt == 1 ? " attempt" : " attempts") + ": " + why);
    }

    /** At most one line per minute; the next line says how many were held back. */
    private synchronized void warn(String line) {
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

    /** Stops delivering; messages still queued are dropped. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
