package io.truenasgitops.reconcile;

import io.truenasgitops.git.Snapshot;
import io.truenasgitops.truenas.DockerStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one {@link Observer} pass saw: the Git snapshot and its stacks, and one {@code app.query} per target.
 *
 * @param snapshot the snapshot in use (fresh, or the last good one after a failed fetch), or null
 * @param fetched whether the fetch and the scan worked this time
 * @param fetchError why not, or null
 * @param targetsSeen per target, in name order: reachable or not, and its apps service when not running
 * @param selfApps the apps whose containers run this very process ({@link SelfApp}), on any target
 */
record Observation(String revision, String sourceUrl, boolean fresh, List<DesiredStack> stacks,
        Map<String, DesiredStack> desiredByName, Map<String, List<LiveApp>> live, Map<String, LiveApp> liveByKey,
        Map<String, String> unreachable, Map<String, DockerStatus> dockerDown, List<String> warnings,
        Snapshot snapshot, boolean fetched, String fetchError, List<TargetSeen> targetsSeen,
        Set<String> selfApps) {

    /** One target as one pass saw it: {@code error} when unreachable, {@code appsServiceDown} when not running. */
    record TargetSeen(String target, boolean up, String error, DockerStatus appsServiceDown) {}
}
