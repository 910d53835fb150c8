package io.truenasgitops.reconcile;

import io.truenasgitops.compose.ComposeDiff;
import io.truenasgitops.stacks.StackSettings.DesiredState;
import java.util.List;
import java.util.Set;

/**
 * One planned step for one stack (or one orphaned app). What the CLI prints, the REST API returns and the
 * executor carries out.
 *
 * @param type what to do
 * @param stack the stack (= app) name
 * @param target the NAS name
 * @param path the stack folder in the repository (from the stamp for orphans)
 * @param reason why, as a PascalCase code and a human message
 * @param diff live → desired, secrets masked; null when there is nothing to compare
 * @param drift how the NAS differs from what was last applied
 * @param problems the problems of an invalid stack, formatted
 * @param desiredHash the hash Git wants (null for orphans and invalid stacks)
 * @param liveHash the hash on the NAS (null when absent)
 * @param fingerprint identifies this (desired, live) situation: a failed apply is not retried while it stays the same
 * @param dependsOn the stacks this one waits for
 * @param wantState the state Git wants (null for orphans)
 * @param enforceState whether a state that differs from {@code wantState} after the action is corrected (selfHeal,
 *     an explicit {@code state:} change in Git, a first creation) or only reported
 * @param warnings what the plan says under the stack without holding it back (data a {@code snapshot:} policy with
 *     {@code required: false} does not protect)
 * @param creates what applying it makes on the NAS besides the app: the data folders found missing (or not known
 *     to be there) by {@link Reconciler#plan}, {@code data folder /mnt/tank/apps/db/data (owner 999:999)}
 * @param composeFiles the compose files the stack's document was merged from (main first), empty when not known
 */
public record Action(
        ActionType type, String stack, String target, String path, Reason reason, ComposeDiff diff, Set<DriftKind> drift,
        List<String> problems, String desiredHash, String liveHash, String fingerprint, List<String> dependsOn,
        DesiredState wantState, boolean enforceState, List<String> warnings, List<String> creates,
        List<String> composeFiles) {

    public Action {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        creates = creates == null ? List.of() : List.copyOf(creates);
        composeFiles = composeFiles == null ? List.of() : List.copyOf(composeFiles);
        drift = drift == null ? Set.of() : Set.copyOf(drift);
        problems = problems == null ? List.of() : List.copyOf(problems);
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    }

    /** Whether executing this action writes to the NAS. */
    public boolean writes() {
        return type.writes();
    }

    public Action blocked(Reason why) {
        return toBuilder().type(ActionType.BLOCKED).reason(why).build();
    }

    /** An action of {@code type} on {@code stack} at {@code target}; the other components are empty or null. */
    public static Builder builder(ActionType type, String stack, String target) {
        return new Builder().type(type).stack(stack).target(target);
    }

    public Builder toBuilder() {
        return new Builder().type(type).stack(stack).target(target).path(path).reason(reason).diff(diff).drift(drift)
                .problems(problems).desiredHash(desiredHash).liveHash(liveHash).fingerprint(fingerprint)
                .dependsOn(dependsOn).wantState(wantState).enforceState(enforceState).warnings(warnings).creates(creates)
                .composeFiles(composeFiles);
    }

    /** Names each component, so an action is never built from a run of nulls. */
    public static final class Builder {
        private ActionType type;
        private String stack;
        private String target;
        private String path;
        private Reason reason;
        private ComposeDiff diff;
        private Set<DriftKind> drift;
        private List<String> problems;
        private String desiredHash;
        private String liveHash;
        private String fingerprint;
        private List<String> dependsOn;
        private DesiredState wantState;
        private boolean enforceState;
        private List<String> warnings;
        private List<String> creates;
        private List<String> composeFiles;

        private Builder() {}

        /** The compose files the stack's document was merged from (main first). */
        public Builder composeFiles(List<String> v) {
            composeFiles = v;
            return this;
        }

        /** What the action makes on the NAS besides the app ({@code data folder /mnt/... (owner 999:999)}). */
        public Builder creates(List<String> v) {
            creates = v;
            return this;
        }

        public Builder type(ActionType v) {
            type = v;
            return this;
        }

        public Builder stack(String v) {
            stack = v;
            return this;
        }

        public Builder target(String v) {
            target = v;
            return this;
        }

        public Builder path(String v) {
            path = v;
            return this;
        }

        public Builder reason(Reason v) {
            reason = v;
            return this;
        }

        public Builder diff(ComposeDiff v) {
            diff = v;
            return this;
        }

        public Builder drift(Set<DriftKind> v) {
            drift = v;
            return this;
        }

        public Builder problems(List<String> v) {
            problems = v;
            return this;
        }

        public Builder desiredHash(String v) {
            desiredHash = v;
            return this;
        }

        public Builder liveHash(String v) {
            liveHash = v;
            return this;
        }

        public Builder fingerprint(String v) {
            fingerprint = v;
            return this;
        }

        public Builder dependsOn(List<String> v) {
            dependsOn = v;
            return this;
        }

        public Builder wantState(DesiredState v) {
            wantState = v;
            return this;
        }

        public Builder enforceState(boolean v) {
            enforceState = v;
            return this;
        }

        public Builder warnings(List<String> v) {
            warnings = v;
            return this;
        }

        public Action build() {
            return new Action(type, stack, target, path, reason, diff, drift, problems, desiredHash, liveHash,
                    fingerprint, dependsOn, wantState, enforceState, warnings, creates, composeFiles);
        }
    }
}
