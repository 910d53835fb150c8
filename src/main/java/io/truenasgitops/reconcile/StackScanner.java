package io.truenasgitops.reconcile;

import io.truenasgitops.stacks.RepoScan;
import java.nio.file.Path;

/** Port: reads the stacks of a checked-out snapshot (production: {@code StackRepository.scan(root, options)}). */
@FunctionalInterface
public interface StackScanner {
    RepoScan scan(Path repoRoot);
}
