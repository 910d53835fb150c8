package io.truenasgitops.reconcile;

import java.time.Instant;
import java.util.Locale;

/**
 * One entry of a stack's deployment history ({@code history STACK}, REST {@code GET /api/v1/stacks/{name}/history}):
 * an apply, a failed apply, a prune or a rollback, like a line of {@code argocd app history}. Persisted with the
 * status store: field names are a compatibility contract.
 *
 * @param id the entry's number within its stack, from 1, increasing
 * @param time when it ended (for a repeated failure: when it was last seen)
 * @param kind what came of it, typed
 * @param operation what was done to the app
 * @param revision the commit applied, attempted or rolled back to
 * @param fromRevision the commit the app ran before (an update's or a rollback's starting point), or null
 * @param reason code and message, as the status and the event of that moment say it
 * @param trigger what asked for the pass or the rollback (poll, webhook, REST, CLI, a retry, the daemon's start)
 * @param attempts how many passes in a row failed the same way (1 for every other entry)
 */
public record HistoryEntry(long id, Instant time, Kind kind, Operation operation, String revision,
        String fromRevision, Reason reason, TriggerReason trigger, int attempts) {

    public HistoryEntry {
        attempts = Math.max(1, attempts);
    }

    /**
     * What came of an entry. A new kind of outcome (a failed apply that left the app down, an automatic rollback)
     * is a new constant here, with its label, and a case where entries are made ({@link StackHistory#ofPass}).
     */
    public enum Kind {
        /** Written and healthy (or stopped on purpose). */
        APPLIED,
        /** The apply failed (stalled or to be retried); the reason says why. */
        FAILED,
        /** The app was pruned. */
        DELETED,
        /**
         * The stack was rolled back to an older revision: by a person ({@code rollback STACK --to REV}, trigger
         * {@code cli} or {@code api}) or by {@code onFailure: rollback} after a failed update (the pass's trigger).
         * Either way operation {@code rollback}, {@code revision} the one rolled back to, {@code fromRevision} the
         * one left.
         */
        ROLLED_BACK,
        /** A rollback failed after it began (a person's: the stack stays suspended; an automatic one: it stalls). */
        ROLLBACK_FAILED;

        /** The word of tables and JSON: {@code applied}, {@code rolled-back}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether this entry says something went wrong. */
        public boolean failed() {
            return this == FAILED || this == ROLLBACK_FAILED;
        }
    }

    /** What was done to the app. */
    public enum Operation {
        CREATE,
        UPDATE,
        START,
        STOP,
        DELETE,
        ROLLBACK;

        /** The lower-case word of tables and JSON. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The operation of a writing action, or null for one that writes nothing (unchanged, blocked). */
        static Operation of(ActionType type) {
            return switch (type) {
                case CREATE -> CREATE;
                case UPDATE -> UPDATE;
                case START -> START;
                case STOP -> STOP;
                case DELETE -> DELETE;
                default -> null;
            };
        }
    }

    /** The same entry with another number. */
    HistoryEntry withId(long newId) {
        return new HistoryEntry(newId, time, kind, operation, revision, fromRevision, reason, trigger, attempts);
    }
}
