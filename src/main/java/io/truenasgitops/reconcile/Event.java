package io.truenasgitops.reconcile;

import java.time.Instant;

/**
 * Something worth telling a human about one stack (or the whole pass when {@code stack} is null).
 *
 * @param time when
 * @param stack the stack, or null for pass-wide events (fetch failed, target unreachable)
 * @param type NORMAL or WARNING
 * @param reason PascalCase constant
 * @param message human text
 * @param revision the Git revision in play, or null
 */
public record Event(Instant time, String stack, Type type, String reason, String message, String revision) {

    /** Severity of an event. */
    public enum Type {
        NORMAL,
        WARNING
    }
}
