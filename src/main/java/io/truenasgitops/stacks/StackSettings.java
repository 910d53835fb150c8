package io.truenasgitops.stacks;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The optional {@code stack.yaml} of a stack folder; every setting has a default.
 *
 * @param suspend skip this stack entirely
 * @param state whether the app should be running or stopped
 * @param prune whether the app may be deleted when its folder goes away
 * @param selfHeal revert drift (e.g. edits in the TrueNAS UI) instead of only reporting it
 * @param adopt take over an existing app of the same name that truenas-gitops did not create
 * @param dependsOn stacks that must be healthy before this one is applied
 * @param healthTimeout how long the app may take to become healthy after an apply
 * @param target which configured NAS this stack goes to
 * @param variables values for {@code ${VAR}} interpolation, after the secrets directory and {@code .env}
 * @param secrets the variables that come from the secrets directory: without one ({@code validate} in CI) they
 *     are checked with placeholders, with one each must be there
 * @param variablesFrom a file of the stack folder (dotenv, YAML or JSON, plain or SOPS-encrypted) whose values join
 *     {@code variables} (which win); null for none
 * @param snapshot ZFS snapshots of the stack's datasets before each change of its app (off by default)
 * @param onFailure what an update that fails its health gate (or its job) does: stay and report, or roll back to
 *     the last revision that passed the gate; null follows the daemon's repository-wide default
 * @param dataFolders what the daemon makes for a missing data folder (a relative bind under the host base path):
 *     a directory (the default) or a ZFS dataset
 * @param composeFiles the compose files in merge order ({@code composeFiles:}), empty to find them as docker compose
 *     does (the main file and its override file)
 */
public record StackSettings(
        boolean suspend,
        DesiredState state,
        boolean prune,
        boolean selfHeal,
        boolean adopt,
        List<String> dependsOn,
        Duration healthTimeout,
        String target,
        Map<String, String> variables,
        List<String> secrets,
        String variablesFrom,
        SnapshotPolicy snapshot,
        OnFailure onFailure,
        DataFolders dataFolders,
        List<String> composeFiles) {

    public StackSettings {
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        snapshot = snapshot == null ? SnapshotPolicy.OFF : snapshot;
        dataFolders = dataFolders == null ? DataFolders.DIRECTORY : dataFolders;
        composeFiles = composeFiles == null ? List.of() : List.copyOf(composeFiles);
    }

    /** Settings whose compose files are found as docker compose finds them (no {@code composeFiles:}). */
    public StackSettings(boolean suspend, DesiredState state, boolean prune, boolean selfHeal, boolean adopt,
            List<String> dependsOn, Duration healthTimeout, String target, Map<String, String> variables,
            List<String> secrets, String variablesFrom, SnapshotPolicy snapshot, OnFailure onFailure,
            DataFolders dataFolders) {
        this(suspend, state, prune, selfHeal, adopt, dependsOn, healthTimeout, target, variables, secrets,
                variablesFrom, snapshot, onFailure, dataFolders, List.of());
    }

    /** Settings whose missing data folders are made as directories. */
    public StackSettings(boolean suspend, DesiredState state, boolean prune, boolean selfHeal, boolean adopt,
            List<String> dependsOn, Duration healthTimeout, String target, Map<String, String> variables,
            List<String> secrets, String variablesFrom, SnapshotPolicy snapshot, OnFailure onFailure,
            List<String> composeFiles) {
        this(suspend, state, prune, selfHeal, adopt, dependsOn, healthTimeout, target, variables, secrets,
                variablesFrom, snapshot, onFailure, DataFolders.DIRECTORY, composeFiles);
    }

    /** Settings whose missing data folders are made as directories and whose compose files are found as docker compose finds them. */
    public StackSettings(boolean suspend, DesiredState state, boolean prune, boolean selfHeal, boolean adopt,
            List<String> dependsOn, Duration healthTimeout, String target, Map<String, String> variables,
            List<String> secrets, String variablesFrom, SnapshotPolicy snapshot, OnFailure onFailure) {
        this(suspend, state, prune, selfHeal, adopt, dependsOn, healthTimeout, target, variables, secrets,
                variablesFrom, snapshot, onFailure, DataFolders.DIRECTORY, List.of());
    }

    /** What a missing data folder is made as ({@code dataFolders:} in stack.yaml). */
    public enum DataFolders {
        /** A directory ({@code filesystem.mkdir}), owned by the user the service runs as. */
        DIRECTORY,
        /** A ZFS dataset ({@code pool.dataset.create}) directly under the stack's own dataset. */
        DATASET
    }

    /** Settings that leave {@code onFailure} to the daemon's default. */
    public StackSettings(boolean suspend, DesiredState state, boolean prune, boolean selfHeal, boolean adopt,
            List<String> dependsOn, Duration healthTimeout, String target, Map<String, String> variables,
            List<String> secrets, String variablesFrom, SnapshotPolicy snapshot) {
        this(suspend, state, prune, selfHeal, adopt, dependsOn, healthTimeout, target, variables, secrets,
                variablesFrom, snapshot, null);
    }

    /** Settings without a variables file or a snapshot policy. */
    public StackSettings(boolean suspend, DesiredState state, boolean prune, boolean selfHeal, boolean adopt,
            List<String> dependsOn, Duration healthTimeout, String target, Map<String, String> variables,
            List<String> secrets) {
        this(suspend, state, prune, selfHeal, adopt, dependsOn, healthTimeout, target, variables, secrets, null, null);
    }

    /** Settings that declare no secrets. */
    public StackSettings(boolean suspend, DesiredState state, boolean prune, boolean selfHeal, boolean adopt,
            List<String> dependsOn, Duration healthTimeout, String target, Map<String, String> variables) {
        this(suspend, state, prune, selfHeal, adopt, dependsOn, healthTimeout, target, variables, List.of());
    }

    /** Default health timeout: five minutes. */
    public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofMinutes(5);

    /** The settings of a stack without a {@code stack.yaml}. */
    public static StackSettings defaults() {
        return new StackSettings(
                false, DesiredState.RUNNING, false, false, false, List.of(), DEFAULT_HEALTH_TIMEOUT, "default", Map.of());
    }

    /**
     * What becomes of an update that fails its health gate (or its job) and leaves the app down ({@code onFailure:}
     * in stack.yaml, or the daemon's {@code reconcile.on-failure}).
     */
    public enum OnFailure {
        /** Stay on the failed revision, report it, try it again on the slow backoff (the default). */
        STAY,
        /** Apply the compose of the last revision that passed the gate on this NAS again (data stays). */
        ROLLBACK
    }

    /** Whether the app should run or stay stopped. */
    public enum DesiredState {
        RUNNING,
        STOPPED
    }
}
