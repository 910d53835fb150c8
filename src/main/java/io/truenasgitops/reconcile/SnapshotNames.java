package io.truenasgitops.reconcile;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of this tool's snapshots: {@code truenas-gitops-<stack>-<shortrev>-<UTC yyyyMMdd'T'HHmmss'Z'>}. Only a
 * name that parses back, for the same stack, is ever pruned: a snapshot anyone else took is never touched.
 */
final class SnapshotNames {

    static final String PREFIX = "truenas-gitops-";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** The revision part: 7 hex digits of a commit, or {@code norev} when the source had none. */
    private static final String REV = "([0-9a-f]{7}|norev)";

    /** One of our names, read back. */
    record Parsed(String stack, String shortRevision, Instant takenAt) {}

    private SnapshotNames() {}

    static String name(String stack, String revision, Instant at) {
        return PREFIX + stack + "-" + shortRev(revision) + "-" + STAMP.format(at);
    }

    /**
     * The revision part of a ZFS snapshot's name: seven characters, not {@code Snapshot.shorten}'s twelve, because
     * it is a stored name format (snapshots already taken are matched by it), not a revision shown to people.
     */
    static String shortRev(String revision) {
        if (revision == null || !revision.matches("[0-9a-f]{7,}")) {
            return "norev";
        }
        return revision.substring(0, 7);
    }

    /** The name read back when it is one of ours for {@code stack}; empty for anything else. */
    static Optional<Parsed> parse(String stack, String snapshotName) {
        Matcher m = Pattern.compile(Pattern.quote(PREFIX + stack + "-") + REV + "-([0-9]{8}T[0-9]{6}Z)")
                .matcher(snapshotName);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Parsed(stack, m.group(1), STAMP.parse(m.group(2), Instant::from)));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
