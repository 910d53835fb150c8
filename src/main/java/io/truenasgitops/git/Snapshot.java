package io.truenasgitops.git;

import java.nio.file.Path;
import java.time.Instant;

/** TEMPORARY stand-in until branch git is merged (replaced by theirs). */
public record Snapshot(
        String revision, String shortRevision, Path root, String ref, Instant fetchedAt, String sourceUrl, String commitMessage) {}
