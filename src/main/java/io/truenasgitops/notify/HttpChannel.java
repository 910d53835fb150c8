package io.truenasgitops.notify;

import java.time.Duration;

/**
 * Delivers to an HTTP service (ntfy, Gotify, Discord, Slack, Matrix, webhook): the request {@link Payloads} makes,
 * sent and judged by an {@link HttpSender}.
 */
final class HttpChannel implements Channel {

    private final TargetSettings target;
    private final HttpSender sender;

    HttpChannel(TargetSettings target, Duration timeout) {
        this.target = target;
        this.sender = new HttpSender("notification target '" + target.name() + "'", target.caFile(), timeout,
                target.secrets());
    }

    @Override
    public SendResult send(Notification n) {
        return sender.send(Payloads.request(target, n));
    }
}
