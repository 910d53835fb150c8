package io.truenasgitops.notify;

import io.truenasgitops.reconcile.PassResult;
import io.truenasgitops.reconcile.SyncListener;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The engine's notifications: as a pass observer ({@link #listener}), it copies the engine's state at the end of
 * each pass and hands it to its own thread, which works out the state changes ({@link ProblemTracker}) and gives
 * the messages to the {@link Dispatcher}. The pass never waits for any of it.
 */
public final class Notifier implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Notifier.class);

    private final ProblemTracker tracker;
    private final Dispatcher dispatcher;
    private final ExecutorService evaluator;

    public Notifier(ProblemTracker tracker, Dispatcher dispatcher) {
        this.tracker = tracker;
        this.dispatcher = dispatcher;
        // a handful of passes may wait; beyond that the oldest snapshots are stale anyway
        this.evaluator = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(16), r -> {
            Thread t = new Thread(r, "notify-evaluate");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardOldestPolicy());
    }

    /** Builds the notifier of {@code settings}, with a channel per target. */
    public static Notifier of(NotifySettings settings, DeliveryMetrics metrics) {
        ProblemTracker tracker = new ProblemTracker(settings.reminderInterval(),
                new CommitLinks(settings.commitUrlTemplate()), settings.statusUrl());
        Dispatcher dispatcher = new Dispatcher(settings.targets(), settings.delivery(), metrics,
                t -> Dispatcher.channelFor(t, settings.delivery()));
        return new Notifier(tracker, dispatcher);
    }

    /**
     * A pass observer for the engine. {@code snapshot} copies the engine's state; it runs on the pass's thread and
     * must be quick (the engine's getters are).
     */
    public SyncListener listener(Function<PassResult, EngineSnapshot> snapshot) {
        return new SyncListener() {
            @Override
            public void onPassEnd(PassResult result) {
                accept(snapshot.apply(result));
            }
        };
    }

    /** Evaluates {@code s} on the notifier's thread; returns at once. */
    public void accept(EngineSnapshot s) {
        try {
            evaluator.execute(() -> {
                try {
                    tracker.evaluate(s).forEach(dispatcher::submit);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "failed to work out the notifications of a pass: %s", e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("notifications are closed; a pass ended after shutdown");
        }
    }

    @Override
    public void close() {
        evaluator.shutdownNow();
        dispatcher.close();
    }
}
