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
    STARTUP
}
