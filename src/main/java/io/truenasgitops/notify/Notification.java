package io.truenasgitops.notify;

import java.time.Instant;

/**
 * One message to people: a state change of a stack, a NAS or the Git source, or a reminder of one that lasts.
 *
 * @param id unique per notification, the same on every retry (Matrix transaction id, webhook delivery header)
 * @param time when the change was seen
 * @param kind what happened
 * @param stack the stack, or null for a NAS or the Git source
 * @param target the NAS the stack goes to, or the NAS that is down; null for the Git source
 * @param revision the Git revision in play, or null
 * @param commitUrl a link to that commit on its forge, or null when the forge is not known
 * @param reason the engine's PascalCase reason code
 * @param message the engine's message (says what failed and what to do)
 * @param statusUrl the daemon's status page, or null when not configured
 * @param reminder whether this repeats a problem already told about
 * @param recoveredFrom for {@link NotificationKind#RECOVERED}: the problem that cleared; else null
 */
public record Notification(String id, Instant time, NotificationKind kind, String stack, String target,
        String revision, String commitUrl, String reason, String message, String statusUrl, boolean reminder,
        NotificationKind recoveredFrom) {

    public Severity severity() {
        return kind.severity();
    }

    /** What the notification is about: {@code stack 'media'}, {@code NAS 'nas1'} or {@code the Git source}. */
    public String subject() {
        if (stack != null) {
            return "stack '" + stack + "'";
        }
        return target != null ? "NAS '" + target + "'" : "the Git source";
    }

    /** A one-line title: {@code apply failed: stack 'media' on nas1}, prefixed for reminders. */
    public String title() {
        String what = kind == NotificationKind.RECOVERED && recoveredFrom != null
                ? "recovered from " + recoveredFrom.title() : kind.title();
        String where = stack != null && target != null ? " on " + target : "";
        return (reminder ? "still " : "") + what + ": " + subject() + where;
    }

    /** The revision as people are shown it everywhere ({@code Snapshot.shorten}), or null. */
    public String shortRevision() {
        return revision == null ? null : io.truenasgitops.git.Snapshot.shorten(revision);
    }
}
