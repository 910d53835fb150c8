package io.truenasgitops.stacks;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.RepoFiles;
import io.truenasgitops.images.ImageUpdates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The stacks of a repository as the image updater reads them: each stack folder's main compose file and its
 * {@code stack.yaml}, read only inside the repository (links resolved) and within the usual bounds. Stacks without
 * a {@code stack.yaml} have no policy and are left out.
 *
 * @param stacks the inputs, by folder name
 * @param files each input's compose file on disk, by its name as shown (relative to the repository root)
 * @param problems files that could not be read
 */
public record ImageInputs(List<ImageUpdates.StackInput> stacks, Map<String, Path> files, List<Problem> problems) {

    public ImageInputs {
        stacks = List.copyOf(stacks);
        files = Map.copyOf(files);
        problems = List.copyOf(problems);
    }

    /** The stack folder names under {@code <root>/<stacksDir>}, sorted (hidden folders left out). */
    public static List<String> stackNames(Path root, String stacksDir) throws IOException {
        try (Stream<Path> list = Files.list(root.resolve(stacksDir))) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    /**
     * Reads the stacks of the repository at {@code root}.
     *
     * @param only the stack names to read, or empty for all
     */
    public static ImageInputs read(Path root, String stacksDir, List<String> only) throws IOException {
        List<ImageUpdates.StackInput> inputs = new ArrayList<>();
        Map<String, Path> files = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        for (String name : stackNames(root, stacksDir)) {
            if (!only.isEmpty() && !only.contains(name)) {
                continue;
            }
            Path dir = root.resolve(stacksDir).resolve(name);
            List<Path> composeFiles = StackRepository.composeFiles(dir);
            Path stackYaml = dir.resolve("stack.yaml");
            if (composeFiles.isEmpty() || !Files.isRegularFile(stackYaml)) {
                continue;
            }
            Path compose = composeFiles.get(0);
            String composeName = StackRepository.relative(root, compose);
            String yamlName = StackRepository.relative(root, stackYaml);
            Optional<String> composeText = read(compose, root, RepoFiles.MAX_COMPOSE_BYTES, composeName, problems);
            Optional<String> yamlText = read(stackYaml, root, RepoFiles.MAX_SETTINGS_BYTES, yamlName, problems);
            if (composeText.isPresent() && yamlText.isPresent()) {
                files.put(composeName, compose);
                inputs.add(new ImageUpdates.StackInput(name, composeName, composeText.get(), yamlName, yamlText.get()));
            }
        }
        return new ImageInputs(inputs, files, problems);
    }

    private static Optional<String> read(Path file, Path root, long max, String display, List<Problem> problems) {
        RepoFiles.Read read = RepoFiles.read(file, root, "the repository", max);
        if (read instanceof RepoFiles.Text t) {
            return Optional.of(t.text());
        }
        problems.add(new Problem(Problem.Severity.ERROR, display, 0, 0, "", ((RepoFiles.Refused) read).reason()));
        return Optional.empty();
    }
}
