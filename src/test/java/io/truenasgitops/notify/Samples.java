package io.truenasgitops.notify;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A fixed notification and targets for the payload tests. */
final class Samples {
    static final String ID = "0b7e5c1e-0000-4000-8000-000000000001";
    static final String REVISION = "4f0eadd1c9d1d0c0ffee4f0eadd1c9d1d0c0ffee";
    static final String COMMIT = "https://github.com/home/stacks/commit/" + REVISION;
    static final String MESSAGE = "failed to update app 'media' on target 'nas1': job 42 failed: [EFAULT] Failed 'up'"
            + " action (details in /var/log/app_lifecycle.log on the NAS)";
    static final String TEXT = MESSAGE + "\n"
            + "\nstack: media"
            + "\nNAS: nas1"
            + "\nrevision: 4f0eadd1c9d1 (" + COMMIT + ")"
            + "\nreason: JobFailed"
            + "\nstatus page: https://gitops.home.test/";

    private Samples() {}

    static Notification applyFailed() {
        return new Notification(ID, Instant.parse("2026-11-26T06:00:00Z"), NotificationKind.APPLY_FAILED, "media",
                "nas1", REVISION, COMMIT, "JobFailed", MESSAGE, "https://gitops.home.test/", false, null);
    }

    static Notification recovered() {
        return new Notification(ID.replace("0001", "0002"), Instant.parse("2026-11-26T06:10:00Z"),
                NotificationKind.RECOVERED, "media", "nas1", REVISION, COMMIT, "Recovered",
                "stack 'media' is fine again after apply failed (JobFailed) for 10 min", null, false,
                NotificationKind.APPLY_FAILED);
    }

    static TargetSettings http(String name, ChannelType type, URI url, Secret token, String topic, String room,
            Secret signing) {
        return new TargetSettings(name, type, NotificationFilter.all(), url, false, token, topic, room, signing, null,
                null);
    }

    static DeliverySettings fastRetries(int attempts) {
        return new DeliverySettings(attempts, Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(40), 100);
    }

    static Dispatcher dispatcher(DeliveryMetrics metrics, int attempts, TargetSettings... targets) {
        DeliverySettings d = fastRetries(attempts);
        return new Dispatcher(List.of(targets), d, metrics, t -> Dispatcher.channelFor(t, d));
    }
}
