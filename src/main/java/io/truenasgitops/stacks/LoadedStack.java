package io.truenasgitops.stacks;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.RenderedCompose;
import java.nio.file.Path;
import java.util.List;

/** TEMPORARY stand-in until branch compose is merged (replaced by theirs). */
public record LoadedStack(
        String name, String relativeDir, Path composeFile, StackSettings settings, RenderedCompose rendered, List<Problem> problems) {
    public boolean isValid() {
        return rendered != null && problems.stream().noneMatch(Problem::isError);
    }
}
