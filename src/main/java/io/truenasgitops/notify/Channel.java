package io.truenasgitops.notify;

/** Sends notifications to one target. Called from that target's delivery thread only; may block up to the timeout. */
public interface Channel extends AutoCloseable {

    /** One attempt to deliver {@code n}; never throws for delivery problems. */
    SendResult send(Notification n);

    @Override
    default void close() {}
}
