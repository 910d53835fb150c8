package io.truenasgitops.stacks;

import io.truenasgitops.compose.Problem;
import java.util.List;
import java.util.Optional;

/**
 * Every stack found in a repository, each loaded and rendered or with its problems, plus problems that belong to
 * no single stack (a missing stacks folder, an unreadable secrets folder, a folder without a compose file).
 *
 * @param stacks the stacks, sorted by name; invalid ones included (see {@link LoadedStack#isValid()})
 * @param problems repository-level problems
 */
public record RepoScan(List<LoadedStack> stacks, List<Problem> problems) {

    public RepoScan {
        stacks = List.copyOf(stacks);
        problems = List.copyOf(problems);
    }

    /** The stack named {@code name}, if there is one. */
    public Optional<LoadedStack> stack(String name) {
        return stacks.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Repository problems and every stack's problems, in order. */
    public List<Problem> allProblems() {
        List<Problem> all = new java.util.ArrayList<>(problems);
        stacks.forEach(s -> all.addAll(s.problems()));
        return all;
    }

    /** True when no problem anywhere is an error (warnings allowed). */
    public boolean isValid() {
        return allProblems().stream().noneMatch(Problem::isError);
    }
}
