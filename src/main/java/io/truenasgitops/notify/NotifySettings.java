package io.truenasgitops.notify;

import java.time.Duration;
import java.util.List;

/**
 * The notifications of the daemon, as configured under {@code truenas-gitops.notify.*}.
 *
 * @param statusUrl the daemon's status page linked from every message, or null
 * @param reminderInterval how often a problem that lasts is repeated; zero: never
 * @param commitUrlTemplate a commit link for a forge not known by its host, or null
 * @param delivery retries and timeouts
 * @param targets where messages go
 */
public record NotifySettings(String statusUrl, Duration reminderInterval, String commitUrlTemplate,
        DeliverySettings delivery, List<TargetSettings> targets) {

    public NotifySettings {
        targets = List.copyOf(targets);
    }
}
