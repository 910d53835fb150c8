package io.truenasgitops.reconcile;

/** The reason codes the engine uses (documented in docs/reconcile.md). */
public final class Reasons {
    private Reasons() {}

    // planner
    public static final String NOT_DEPLOYED = "NotDeployed";
    public static final String APP_MISSING = "AppMissing";
    public static final String CONFIG_CHANGED = "ConfigChanged";
    public static final String STATE_CHANGED = "StateChanged";
    /** An apply of this very compose wrote it but did not bring the app up (its job failed, the daemon died). */
    public static final String APPLY_UNFINISHED = "ApplyUnfinished";
    public static final String SELF_HEAL = "SelfHeal";
    public static final String ADOPT = "Adopt";
    public static final String UP_TO_DATE = "UpToDate";
    public static final String DRIFT_REPORTED = "DriftReported";
    public static final String PROGRESSING = "Progressing";
    public static final String INVALID_STACK = "InvalidStack";
    public static final String SUSPENDED = "Suspended";
    public static final String NOT_OWNED = "NotOwned";
    public static final String OWNED_BY_OTHER_SOURCE = "OwnedByOtherSource";
    public static final String NOT_CUSTOM_APP = "NotCustomApp";
    public static final String UNKNOWN_TARGET = "UnknownTarget";
    public static final String TARGET_UNREACHABLE = "TargetUnreachable";
    /** The NAS answers but its apps service (Docker) is not RUNNING: nothing is planned or applied there. */
    public static final String DOCKER_NOT_RUNNING = "DockerNotRunning";
    public static final String DEPENDENCY_CYCLE = "DependencyCycle";
    public static final String DEPENDENCY_NOT_FOUND = "DependencyNotFound";
    public static final String DEPENDENCY_NOT_READY = "DependencyNotReady";
    public static final String STALLED = "Stalled";
    /** The app is in ERROR on the NAS (27.0: its metadata is unusable): TrueNAS allows only deleting it. */
    public static final String APP_UNUSABLE = "AppUnusable";
    public static final String RETRY_BACKOFF = "RetryBackoff";
    public static final String PRUNED = "Pruned";
    public static final String PRUNE_DISABLED = "PruneDisabled";
    public static final String PRUNE_GUARD_EMPTY = "PruneGuardEmptyRepository";
    public static final String PRUNE_GUARD_SOURCE = "PruneGuardSourceFailed";
    public static final String SELF_APP = "SelfApp";
    /** The daemon is in report mode (observe only): what the pass would write is said, not done. */
    public static final String REPORT_ONLY = "ReportOnly";

    // executor / outcomes
    public static final String APPLIED = "ReconciliationSucceeded";
    public static final String JOB_FAILED = "JobFailed";
    public static final String VALIDATION_FAILED = "ValidationFailed";
    public static final String APPLY_FAILED = "ApplyFailed";
    /** The NAS could not pull an image the apply brings: nothing was sent for the app, which runs as before. */
    public static final String IMAGE_PULL_FAILED = "ImagePullFailed";
    public static final String HEALTH_CHECK_FAILED = "HealthCheckFailed";
    public static final String HEALTH_TIMEOUT = "HealthCheckTimeout";
    public static final String TRANSIENT_ERROR = "TransientError";
    public static final String CONNECTION_LOST = "ConnectionLost";
    public static final String FETCH_FAILED = "FetchFailed";

    // image updates (shown, never acted on)
    /** The NAS reports a newer image under a tag the stack's app runs. */
    public static final String IMAGE_UPDATE_AVAILABLE = "ImageUpdateAvailable";
    /** The flag cleared again: pulled on the NAS, or Git moved to another tag or digest. */
    public static final String IMAGES_UP_TO_DATE = "ImagesUpToDate";
    // image updates through Git (the daemon's image automation)
    /** The image automation committed and pushed newer tags for the stack's images. */
    public static final String IMAGE_UPDATE_COMMITTED = "ImageUpdateCommitted";
    /** A round of the image automation pushed nothing for the stack: a registry or the push failed. */
    public static final String IMAGE_UPDATE_FAILED = "ImageUpdateFailed";
    // data folders
    /** A data folder of the stack could not be created on the NAS: its app was not created or updated. */
    public static final String DATA_FOLDER_FAILED = "DataFolderFailed";
    // snapshot policy and rollback
    /** A snapshot before a change failed: the change was not made. */
    public static final String SNAPSHOT_FAILED = "SnapshotFailed";
    public static final String SNAPSHOT_TAKEN = "SnapshotTaken";
    public static final String SNAPSHOT_PRUNED = "SnapshotPruned";
    public static final String SNAPSHOT_PRUNE_FAILED = "SnapshotPruneFailed";
    /** A host path of the stack is not snapshotted (outside /mnt, on no dataset of its own, shared). */
    public static final String SNAPSHOT_SKIPPED = "SnapshotSkipped";
    /**
     * A create or update held back: the stack's {@code snapshot:} policy cannot protect some of its data (no dataset of
     * its own, outside /mnt, an ix-apps path, a named volume) and does not say {@code required: false}.
     */
    public static final String SNAPSHOT_IMPOSSIBLE = "SnapshotImpossible";
    public static final String ROLLED_BACK = "RolledBack";
    public static final String ROLLBACK_FAILED = "RollbackFailed";
}
