package io.truenasgitops.api;

import java.time.Duration;

/**
 * Lets one log line through per interval and counts the ones it held back, for messages that strangers can cause
 * (before authentication): the log says it happened, an attacker cannot fill the disk with it.
 */
final class LogThrottle {

    private final long intervalNanos;
    private long lastNanos;
    private boolean logged;
    private long suppressed;
    private long suppressedSinceLast;

    LogThrottle(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** Whether to log now ({@code nowNanos} from {@link System#nanoTime()}); if not, the line is counted. */
    synchronized boolean allow(long nowNanos) {
        if (!logged || nowNanos - lastNanos >= intervalNanos) {
            logged = true;
            lastNanos = nowNanos;
            suppressedSinceLast = suppressed;
            suppressed = 0;
            return true;
        }
        suppressed++;
        return false;
    }

    /** How many lines were held back before the one just allowed. */
    synchronized long suppressedSinceLast() {
        return suppressedSinceLast;
    }
}
