package io.truenasgitops.truenas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The event subscriptions of one client by collection name: delivery of events, their end (unsubscribed by the
 * NAS, connection lost, client closed) and a caller's close. Touched only on the client's context, except the
 * {@link Subscription} methods a caller uses.
 */
final class Subscriptions {
    private static final Logger LOG = Logger.getLogger(MiddlewareClient.class);

    private final MiddlewareClient client;
    private final Map<String, List<SubscriptionImpl>> byName = new HashMap<>();

    Subscriptions(MiddlewareClient client) {
        this.client = client;
    }

    SubscriptionImpl create(String name, Consumer<MiddlewareEvent> handler) {
        return new SubscriptionImpl(name, handler);
    }

    /** Registered before the subscribe call is sent: a failing event source answers before the call does. */
    void add(SubscriptionImpl sub) {
        byName.computeIfAbsent(sub.name, k -> new ArrayList<>()).add(sub);
    }

    void remove(String name, SubscriptionImpl sub) {
        List<SubscriptionImpl> subs = byName.get(name);
        if (subs != null) {
            subs.remove(sub);
            if (subs.isEmpty()) {
                byName.remove(name);
            }
        }
    }

    void deliver(MiddlewareEvent event) {
        List<SubscriptionImpl> subs = byName.get(event.collection());
        if (subs != null) {
            for (SubscriptionImpl s : List.copyOf(subs)) {
                s.deliver(event);
            }
        }
    }

    /** The NAS ended the subscriptions of {@code collection} ({@code error} null: without an error). */
    void unsubscribed(String collection, TrueNasException error) {
        List<SubscriptionImpl> ended = byName.remove(collection);
        if (ended != null) {
            ended.forEach(s -> s.end(error));
        }
    }

    /** Ends every subscription with the error {@code why} gives for its name (null: without an error). */
    void endAll(Function<String, TrueNasException> why) {
        for (List<SubscriptionImpl> subs : List.copyOf(byName.values())) {
            subs.forEach(s -> s.end(why.apply(s.name)));
        }
        byName.clear();
    }

    final class SubscriptionImpl implements Subscription {
        final String name;
        final Consumer<MiddlewareEvent> handler;
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        volatile String ident;

        SubscriptionImpl(String name, Consumer<MiddlewareEvent> handler) {
            this.name = name;
            this.handler = handler;
        }

        void deliver(MiddlewareEvent event) {
            if (ended.isDone()) {
                return;
            }
            try {
                handler.accept(event);
            } catch (RuntimeException e) {
                LOG.debugf(e, "a handler of %s failed", name);
            }
        }

        void end(TrueNasException error) {
            if (error == null) {
                ended.complete(null);
            } else {
                ended.completeExceptionally(error);
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean awaitEnd(Duration timeout) throws InterruptedException {
            try {
                ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw e.getCause() instanceof TrueNasException t ? t
                        : new TrueNasException("subscription " + name + " failed", e.getCause());
            }
        }

        @Override
        public boolean isEnded() {
            return ended.isDone();
        }

        @Override
        public void close() {
            if (ended.isDone()) {
                return;
            }
            ended.complete(null);
            client.runOnContext(() -> {
                remove(name, this);
                client.unsubscribeOnWire(name, ident);
            });
        }
    }
}
