package io.truenasgitops.notify;

import java.time.Duration;

/** What became of one attempt to deliver a notification. */
public sealed interface SendResult {

    /** The service took it. */
    record Delivered() implements SendResult {}

    /**
     * Worth another attempt: the service was unreachable, slow, overloaded or rate limiting.
     *
     * @param retryAfter how long the service asked to wait (Retry-After, {@code retry_after}), or null
     * @param why what went wrong, secrets masked
     */
    record RetryLater(Duration retryAfter, String why) implements SendResult {}

    /** Refused for good (a wrong token, a bad request): another attempt would fail the same way. */
    record Rejected(String why) implements SendResult {}
}
