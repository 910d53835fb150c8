package io.truenasgitops.notify;

/** Counts deliveries per notification target (the daemon exports them to Prometheus). */
public interface DeliveryMetrics {

    /** A notification reached {@code target}. */
    void sent(String target);

    /** A notification never reached {@code target}: refused, out of attempts, or dropped from a full queue. */
    void failed(String target);

    /** Counts nothing. */
    DeliveryMetrics NONE = new DeliveryMetrics() {
        @Override
        public void sent(String target) {}

        @Override
        public void failed(String target) {}
    };
}
