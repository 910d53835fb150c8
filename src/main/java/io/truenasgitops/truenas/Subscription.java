package io.truenasgitops.truenas;

import java.time.Duration;

/** A live event subscription ({@code core.subscribe} / legacy {@code sub}). */
public interface Subscription extends AutoCloseable {

    /** The subscribed name, e.g. {@code app.query} or {@code app.container_log_follow:{...}}. */
    String name();

    /**
     * Waits until the server ends the subscription ({@code notify_unsubscribed} / {@code nosub}) or the connection
     * drops. Returns true when it ended, false when the timeout passed first; throws the error it ended with.
     */
    boolean awaitEnd(Duration timeout) throws InterruptedException;

    /** Whether the subscription has ended (by the server, the connection, or {@link #close()}). */
    boolean isEnded();

    /** Unsubscribes (no-op when already ended). */
    @Override
    void close();
}
