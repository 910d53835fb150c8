package io.truenasgitops.app;

import io.smallrye.config.WithDefault;
import io.truenasgitops.notify.DeliverySettings;
import java.time.Duration;

/**
 * How hard the daemon tries to get one message through: the keys notifications ({@code truenas-gitops.notify.*})
 * and commit statuses ({@code truenas-gitops.commit-status.*}) share.
 */
public interface DeliveryConfig {

    /** Attempts per message before it is given up (counted as a failure and logged). */
    @WithDefault("5")
    int maxAttempts();

    /** The longest a connection or a request may take. */
    @WithDefault("10s")
    Duration timeout();

    /** The wait before the second attempt; doubled for each further one. */
    @WithDefault("5s")
    Duration retryInitialBackoff();

    /** The longest wait between attempts (a service's Retry-After is honoured up to an hour). */
    @WithDefault("5m")
    Duration retryMaxBackoff();

    /** Messages that may wait for one destination; beyond it the newest is dropped (counted as a failure). */
    @WithDefault("100")
    int queueLimit();

    /** These keys as the delivery settings. */
    default DeliverySettings delivery() {
        return new DeliverySettings(maxAttempts(), timeout(), retryInitialBackoff(), retryMaxBackoff(), queueLimit());
    }
}
