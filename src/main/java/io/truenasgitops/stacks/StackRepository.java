package io.truenasgitops.stacks;

import java.nio.file.Path;
import java.util.List;

/** TEMPORARY stand-in until branch compose is merged (replaced by theirs). */
public final class StackRepository {
    private StackRepository() {}

    public static RepoScan scan(Path repoRoot, StacksOptions options) {
        return new RepoScan(List.of(), List.of());
    }
}
