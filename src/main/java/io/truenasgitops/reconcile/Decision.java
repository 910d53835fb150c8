package io.truenasgitops.reconcile;

import java.time.Duration;
import java.util.Optional;

/**
 * What the outcome mapper decided for one stack: its new status, the event to record (none for quiet
 * outcomes), when to look again, how loudly to log, and the metric label.
 */
public record Decision(StackStatus status, Optional<Event> event, Optional<Duration> requeueAfter, LogLevel logLevel,
        String metricResult) {

    /** Log level of the decision; the engine never logs and throws the same thing. */
    public enum LogLevel {
        DEBUG,
        INFO,
        WARN,
        ERROR
    }
}
