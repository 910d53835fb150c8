package io.truenasgitops.reconcile;

/** Why a pass was requested (logged, and counted by the loop). */
public enum TriggerReason {
    /** The poll interval elapsed. */
    TIMER,
    /** A Git webhook arrived. */
    WEBHOOK,
    /** REST {@code POST /api/v1/sync} or {@code /stacks/{name}/sync}. */
    API,
    /** The CLI asked the daemon. */
    CLI,
    /** A transient failure's backoff elapsed. */
    RETRY,
    /** The daemon started. */
    STARTUP,
    /** The daemon's image automation pushed a commit ({@code truenas-gitops.images.update-interval}). */
    IMAGE_UPDATE;

    /** The word of the history's TRIGGER column and of JSON: {@code poll}, {@code webhook}, {@code api}, .... */
    public String label() {
        return this == TIMER ? "poll" : name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * Which of several triggers a merged pass is told by: a person (CLI, REST) before a webhook, before a retry,
     * the start and the poll.
     */
    static TriggerReason mostTelling(java.util.Set<TriggerReason> reasons) {
        for (TriggerReason r : new TriggerReason[] {CLI, API, WEBHOOK, IMAGE_UPDATE, RETRY, STARTUP, TIMER}) {
            if (reasons.contains(r)) {
                return r;
            }
        }
        return TIMER;
    }
}
