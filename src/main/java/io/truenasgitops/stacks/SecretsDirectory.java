package io.truenasgitops.stacks;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a secrets folder: one file per variable, the file name is the variable name and the content its value
 * (one trailing newline removed), as Docker and Kubernetes mount secrets. Hidden files ({@code .gitkeep},
 * Kubernetes' {@code ..data} links) and names that are not variable names are skipped. Links are followed only
 * while they stay inside the directory.
 */
public final class SecretsDirectory {

    private SecretsDirectory() {}

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Secret files larger than this are refused: a variable is not a blob. */
    public static final long MAX_FILE_BYTES = 64 * 1024;

    /** The values read and the problems (never containing a value). */
    public record Result(Map<String, String> values, List<Problem> problems) {}

    public static Result read(Path dir) {
        Map<String, String> values = new TreeMap<>();
        List<Problem> problems = new ArrayList<>();
        if (dir == null) {
            return new Result(values, problems);
        }
        if (!Files.isDirectory(dir)) {
            problems.add(new Problem(Problem.Severity.ERROR, dir.toString(), 0, 0, "",
                    "secrets directory does not exist or is not a directory: create it, or leave the option unset"));
            return new Result(values, problems);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || !Files.isRegularFile(f)) {
                    continue;
                }
                if (!NAME.matcher(name).matches()) {
                    problems.add(new Problem(Problem.Severity.WARNING, f.toString(), 0, 0, "",
                            "secret file name is not a variable name (letters, digits, '_'): ignored"));
                    continue;
                }
                // Links are followed only inside the directory (Kubernetes mounts NAME -> ..data/NAME).
                RepoFiles.Read read = RepoFiles.read(f, dir, "the secrets directory", MAX_FILE_BYTES);
                if (read instanceof RepoFiles.Refused r) {
                    problems.add(new Problem(Problem.Severity.ERROR, f.toString(), 0, 0, "",
                            "secret file not read: " + r.reason()));
                    continue;
                }
                String value = ((RepoFiles.Text) read).text();
                if (value.endsWith("\r\n")) {
                    value = value.substring(0, value.length() - 2);
                } else if (value.endsWith("\n")) {
                    value = value.substring(0, value.length() - 1);
                }
                values.put(name, value);
            }
        } catch (IOException e) {
            problems.add(new Problem(Problem.Severity.ERROR, dir.toString(), 0, 0, "",
                    "cannot read the secrets directory: " + e.getMessage()));
        }
        return new Result(values, problems);
    }
}
