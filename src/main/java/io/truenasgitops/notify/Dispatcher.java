package io.truenasgitops.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Delivers notifications to every target that wants them, each target on its own {@link DeliveryLane}: a target
 * that is slow, down or hanging delays only its own messages, never the reconcile loop nor the other targets.
 * Failed attempts are retried up to {@link DeliverySettings#maxAttempts()} with a doubling backoff (or the wait the
 * service asked for); a message given up is a failure in the metrics and a log line, at most one per target and
 * minute.
 */
public final class Dispatcher implements AutoCloseable {

    private static final DeliveryLane.Wording WORDING = new DeliveryLane.Wording(
            "notification target %1$s: %2$d notifications already wait for it; dropped '%3$s'",
            "failed to notify %1$s of '%2$s'");

    private final List<Lane> lanes = new ArrayList<>();

    /**
     * @param targets the targets
     * @param channels makes the channel of each target
     */
    public Dispatcher(List<TargetSettings> targets, DeliverySettings delivery, DeliveryMetrics metrics,
            Function<TargetSettings, Channel> channels) {
        for (TargetSettings t : targets) {
            Channel channel = channels.apply(t);
            lanes.add(new Lane(t, channel, new DeliveryLane<>(t.name(), t.describe(), "notify-", delivery, metrics,
                    channel::send, Notification::title, n -> false, WORDING, t.secrets())));
        }
    }

    /** The channel each type of target gets in the daemon. */
    public static Channel channelFor(TargetSettings t, DeliverySettings delivery) {
        return t.type() == ChannelType.EMAIL ? new EmailChannel(t, delivery.timeout())
                : new HttpChannel(t, delivery.timeout());
    }

    /** Queues {@code n} for every target whose filter accepts it; returns at once. */
    public void submit(Notification n) {
        for (Lane lane : lanes) {
            if (lane.target().filter().accepts(n)) {
                lane.enqueue(n);
            }
        }
    }

    /** Stops delivering; messages still queued are dropped. */
    @Override
    public void close() {
        lanes.forEach(Lane::close);
    }

    /** One target's lane and its channel. */
    private record Lane(TargetSettings target, Channel channel, DeliveryLane<Notification> lane) {

        void enqueue(Notification n) {
            lane.enqueue(n);
        }

        void close() {
            lane.close();
            channel.close();
        }
    }
}
