package io.truenasgitops.notify;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a notification is about. Problem kinds are states: one message when they start, a reminder while they
 * last, and a {@link #RECOVERED} when they clear. The others are one-off occurrences.
 */
public enum NotificationKind {
    /** An apply (create, update, start, stop) failed: a failed job, a rejected compose, or an error retried later. */
    APPLY_FAILED("apply-failed", "apply failed", Severity.ERROR, true),
    /** The stack needs a person for another reason: invalid stack, not ours, unknown target, dependency cycle, ... */
    STALLED("stalled", "stalled", Severity.ERROR, true),
    /** The app was written but did not become healthy in time. */
    HEALTH_GATE_FAILED("health-gate-failed", "health gate failed", Severity.ERROR, true),
    /** The NAS differs from Git and self-heal is off (the drift is reported, not reverted). */
    DRIFT_DETECTED("drift-detected", "drift detected", Severity.WARNING, true),
    /** Self-heal reverted a change made on the NAS. */
    DRIFT_HEALED("drift-healed", "drift healed", Severity.INFO, false),
    /** A problem above cleared. */
    RECOVERED("recovered", "recovered", Severity.INFO, false),
    /** A NAS target does not answer, or its apps service (Docker) is not running. */
    TARGET_DOWN("target-down", "NAS unavailable", Severity.ERROR, true),
    /** The Git source cannot be fetched (the last good revision stays in use). */
    SOURCE_FAILING("source-failing", "Git source failing", Severity.WARNING, true),
    /** An orphaned app was deleted (prune). */
    PRUNED("pruned", "app pruned", Severity.INFO, false),
    /**
     * The NAS reports a newer image under a tag the stack's app runs: told once when it starts (never reminded:
     * nothing is wrong), "recovered" when the flag clears. Nothing is pulled or changed.
     */
    IMAGE_UPDATE_AVAILABLE("image-update-available", "image update available", Severity.INFO, true),
    /** A person rolled a stack back to an older revision (data and compose); the stack stays suspended. */
    ROLLED_BACK("rolled-back", "rolled back", Severity.WARNING, false),
    /** A rollback failed after it began; the stack stays suspended. */
    ROLLBACK_FAILED("rollback-failed", "rollback failed", Severity.ERROR, false);

    private final String label;
    private final String title;
    private final Severity severity;
    private final boolean problem;

    NotificationKind(String label, String title, Severity severity, boolean problem) {
        this.label = label;
        this.title = title;
        this.severity = severity;
        this.problem = problem;
    }

    /** The kebab-case word of configuration ({@code kinds:}), payloads and the webhook's event header. */
    public String label() {
        return label;
    }

    /** A few words for people: the start of a message's title. */
    public String title() {
        return title;
    }

    public Severity severity() {
        return severity;
    }

    /** Whether this kind is a lasting state (deduplicated, reminded, recovered) rather than an occurrence. */
    public boolean isProblem() {
        return problem;
    }

    /**
     * The kind a configuration word names.
     *
     * @param key the configuration key, for the error message
     * @throws IllegalArgumentException naming the key and the words allowed
     */
    public static NotificationKind parse(String word, String key) {
        for (NotificationKind k : values()) {
            if (k.label.equalsIgnoreCase(word.strip())) {
                return k;
            }
        }
        throw new IllegalArgumentException(key + ": unknown notification kind '" + word + "'; use one of "
                + Arrays.stream(values()).map(NotificationKind::label).collect(Collectors.joining(", ")));
    }
}
