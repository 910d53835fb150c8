package io.truenasgitops.notify;

import java.time.Duration;

/**
 * How hard the daemon tries to deliver one notification to one target.
 *
 * @param maxAttempts attempts before it gives up (a failure in the metrics and the log)
 * @param timeout the longest a connection or a request may take
 * @param initialBackoff the wait before the second attempt; doubled for each further one
 * @param maxBackoff the longest wait between attempts (a server's Retry-After is honoured up to one hour)
 * @param queueLimit notifications waiting per target; beyond it a new one is dropped (and counted as failed)
 */
public record DeliverySettings(int maxAttempts, Duration timeout, Duration initialBackoff, Duration maxBackoff,
        int queueLimit) {

    public DeliverySettings {
        maxAttempts = Math.max(1, maxAttempts);
        queueLimit = Math.max(1, queueLimit);
    }

    /** The wait after attempt {@code attempt} (1-based) failed, without a Retry-After. */
    public Duration backoffAfter(int attempt) {
        Duration d = initialBackoff;
        for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}
