package io.truenasgitops.git;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One checked-out revision of the source, read-only by convention.
 *
 * @param revision the full commit id (40 hex digits); for a plain directory, a content hash
 * @param shortRevision {@code revision} as {@link #shorten} shows it, for humans
 * @param root the directory holding the files, with the configured subpath applied
 * @param ref the ref that was resolved: a branch name, a tag name, or the pinned commit as given
 * @param fetchedAt when this revision was fetched and checked out
 * @param sourceUrl the source URL without credentials
 * @param commitMessage the first line of the commit message ({@code ""} for a plain directory)
 */
public record Snapshot(
        String revision,
        String shortRevision,
        Path root,
        String ref,
        Instant fetchedAt,
        String sourceUrl,
        String commitMessage) {

    public Snapshot {
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(shortRevision, "shortRevision");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        Objects.requireNonNull(sourceUrl, "sourceUrl");
        commitMessage = commitMessage == null ? "" : commitMessage;
    }

    /** Characters of a revision shown to people: enough to stay unique in a large repository. */
    public static final int SHORT_LENGTH = 12;

    /**
     * The short form of a revision as shown to people, everywhere (CLI, REST, events, logs): its first
     * {@value #SHORT_LENGTH} characters. Callers word a missing revision themselves.
     */
    public static String shorten(String revision) {
        return revision.length() <= SHORT_LENGTH ? revision : revision.substring(0, SHORT_LENGTH);
    }
}
