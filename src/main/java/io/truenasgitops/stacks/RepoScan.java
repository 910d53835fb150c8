package io.truenasgitops.stacks;

import io.truenasgitops.compose.Problem;
import java.util.List;

/** TEMPORARY stand-in until branch compose is merged (replaced by theirs). */
public record RepoScan(List<LoadedStack> stacks, List<Problem> problems) {}
