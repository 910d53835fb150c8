package io.truenasgitops.reconcile;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.RenderedCompose;
import io.truenasgitops.stacks.LoadedStack;
import io.truenasgitops.stacks.StackSettings;
import java.util.List;

/**
 * One stack as Git wants it: the planner's desired side.
 *
 * @param name the app name (= folder name)
 * @param relativeDir the folder within the repository, e.g. {@code stacks/web} (goes into the stamp)
 * @param settings its stack.yaml settings
 * @param rendered the normalised compose, its hash and the secret masker; null when the stack is invalid
 * @param problems what is wrong with it (errors make it invalid) or worth a warning
 * @param composeFiles the compose files its document was merged from (main first), as shown in problems
 */
public record DesiredStack(
        String name, String relativeDir, StackSettings settings, RenderedCompose rendered, List<Problem> problems,
        List<String> composeFiles) {

    public DesiredStack {
        settings = settings == null ? StackSettings.defaults() : settings;
        problems = problems == null ? List.of() : List.copyOf(problems);
        composeFiles = composeFiles == null ? List.of() : List.copyOf(composeFiles);
    }

    /** A stack whose compose files are not known. */
    public DesiredStack(String name, String relativeDir, StackSettings settings, RenderedCompose rendered,
            List<Problem> problems) {
        this(name, relativeDir, settings, rendered, problems, List.of());
    }

    public static DesiredStack from(LoadedStack stack) {
        return new DesiredStack(
                stack.name(),
                stack.relativeDir(),
                stack.settings(),
                stack.isValid() ? stack.rendered() : null,
                stack.problems(),
                stack.composeFiles());
    }

    public boolean isValid() {
        return rendered != null && problems.stream().noneMatch(Problem::isError);
    }

    /** The target this stack goes to ({@code default} unless stack.yaml says otherwise). */
    public String target() {
        String t = settings.target();
        return t == null || t.isBlank() ? "default" : t;
    }

    /** The desired content hash, or null when invalid. */
    public String hash() {
        return rendered == null ? null : rendered.hash();
    }

    public List<String> dependsOn() {
        return settings.dependsOn() == null ? List.of() : settings.dependsOn();
    }
}
