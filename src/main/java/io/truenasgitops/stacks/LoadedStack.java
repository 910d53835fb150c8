package io.truenasgitops.stacks;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.RenderedCompose;
import java.nio.file.Path;
import java.util.List;

/**
 * One stack folder, loaded.
 *
 * @param name the app name (the folder's name)
 * @param relativeDir the folder relative to the repository root, with {@code /} separators ({@code stacks/web})
 * @param composeFile the compose file, or null when there is none (or several)
 * @param settings the {@code stack.yaml} settings (defaults where absent or unreadable)
 * @param rendered the compose ready to send, or null when the stack has errors
 * @param problems everything found, errors and warnings, with file and line; never holds a secret value
 * @param composeFiles the compose files the stack's document was merged from (main file, override files,
 *     includes, extends), relative to the repository root; empty when none could be read
 */
public record LoadedStack(String name, String relativeDir, Path composeFile, StackSettings settings,
        RenderedCompose rendered, List<Problem> problems, List<String> composeFiles) {

    public LoadedStack {
        problems = List.copyOf(problems);
        composeFiles = composeFiles == null ? List.of() : List.copyOf(composeFiles);
    }

    /** A stack whose compose files are not known (not loaded, or from outside a repository). */
    public LoadedStack(String name, String relativeDir, Path composeFile, StackSettings settings,
            RenderedCompose rendered, List<Problem> problems) {
        this(name, relativeDir, composeFile, settings, rendered, problems, List.of());
    }

    /** No error problems and a rendered compose: the stack may be applied. */
    public boolean isValid() {
        return rendered != null && problems.stream().noneMatch(Problem::isError);
    }
}
