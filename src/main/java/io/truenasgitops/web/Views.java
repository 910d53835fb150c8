package io.truenasgitops.web;

import io.truenasgitops.api.V1;
import java.time.Instant;
import java.util.List;

/**
 * What the status page templates show. The stack, event and diff parts are the REST API's own documents
 * ({@link V1}); these records only add what a page needs next to them (the commit message, counts).
 */
public final class Views {

    private Views() {}

    /**
     * The overview at {@code /}.
     *
     * @param version changes whenever anything shown changes (the live-update stream sends it)
     * @param inSync whether every stack is ready and without drift
     */
    public record Overview(String version, List<StackRow> stacks, List<Count> counts, boolean inSync,
            Source source, List<Target> targets, List<V1.Event> events, boolean signedIn) {}

    /**
     * One stack's page.
     *
     * @param diff what differs from Git now, or null when it could not be compared ({@code diffError} says why)
     */
    public record StackPage(String version, StackRow row, V1.Diff diff, String diffError, List<V1.Event> events,
            Source source, boolean signedIn, List<V1.HistoryEntry> history) {}

    /**
     * A stack and the first line of the message of the commit last applied to it (empty when that commit is not
     * the one checked out now).
     */
    // Image updates (image_updates_available, issue 14) reach the pages as the stack's ImageUpdateAvailable
    // condition (a highlighted chip on the overview, a row of the conditions table on the stack's page).
    public record StackRow(V1.Stack stack, String commitMessage) {

        /** Whether the stack differs from Git or is not ready: the rows that ask for a look. */
        public boolean attention() {
            return !stack.drift().isEmpty() || !stack.ready() || stack.lastError() != null;
        }

        /**
         * Whether the last error says something the reason does not: a failed apply records the same text as both,
         * and the page prints it once.
         */
        public boolean errorApart() {
            String error = stack.lastError();
            if (error == null || error.isBlank()) {
                return false;
            }
            return stack.reason() == null || stack.reason().message() == null
                    || !stack.reason().message().strip().equals(error.strip());
        }
    }

    /** How many stacks have one status. */
    public record Count(String status, long count) {}

    /**
     * The Git source as of the last pass.
     *
     * @param describe URL (without credentials), ref and subpath
     * @param commitMessage the first line of the message of {@code revision}, when known
     */
    public record Source(String describe, String revision, String commitMessage, Instant fetchedAt,
            Instant lastSuccessAt, String lastError) {}

    /**
     * A NAS as of the last pass.
     *
     * @param state up, unreachable or apps service down
     * @param detail why not up, or null
     */
    public record Target(String name, String url, String state, String detail, Instant lastSeenAt) {}

    /** The sign-in form (when {@code read-requires-token} is set). */
    public record SignIn(String next, String error) {}
}
