package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.truenasgitops.compose.Problem;
import io.truenasgitops.reconcile.SnapshotCoverage;
import io.truenasgitops.stacks.LoadedStack;
import io.truenasgitops.stacks.RepoScan;
import io.truenasgitops.stacks.SecretsDirectory;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StacksOptions;
import jakarta.enterprise.context.Dependent;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code validate [DIR]}: checks stacks offline, the way the daemon would load them, without a NAS. */
@Dependent
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check stacks offline: YAML, interpolation, env files, stack.yaml and what TrueNAS can deploy.",
            "DIR is a repository root (with a stacks folder) or a single stack folder (default: the current folder).",
            "Every problem is listed with file:line; warnings do not fail the check.",
            "Without --secrets-dir, the secrets a stack.yaml declares (secrets: [NAME]) are checked as placeholders;"
                + " with it, each must be there.",
            "Without an age key (--age-key-file, SOPS_AGE_KEY_FILE), SOPS-encrypted files are listed with their"
                + " recipients and checked with placeholders."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  every stack is valid (warnings allowed)", "  1  problems found",
            "  2  usage error (DIR missing, no stacks folder, bad option)"})
public class ValidateCommand implements TopLevelCommand, Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = ".",
            description = "Repository root or stack folder (default: current folder).")
    Path dir;

    @Mixin
    StackOptionsMixin stackOptions;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE}).")
    String output;

    @Override
    public Integer call() throws Exception {
        if (!"text".equals(output) && !"json".equals(output) && !"table".equals(output)) {
            throw new UsageException("unknown output format '" + output + "': use text or json");
        }
        if (!Files.isDirectory(dir)) {
            throw new UsageException("validate: " + dir + " is not a directory");
        }
        // CI has no secrets: without --secrets-dir, the secrets stack.yaml declares are checked as placeholders.
        // Nor has it age keys: without one, SOPS-encrypted files are reported (with their recipients) and their
        // names checked with placeholders.
        StacksOptions options = stackOptions.toOptions(stackOptions.secretsDir == null
                ? StacksOptions.MissingSecrets.PLACEHOLDER : StacksOptions.MissingSecrets.ERROR)
                .withDecryption(stackOptions.decryption(true));
        RepoScan scan = withSnapshotCoverage(scan(dir.toAbsolutePath().normalize(), options));
        PrintWriter out = spec.commandLine().getOut();
        if ("json".equals(output)) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson(scan)));
        } else {
            for (LoadedStack s : scan.stacks()) {
                if (s.composeFiles().size() > 1) {
                    out.println(s.relativeDir() + ": compose merged from " + String.join(", ", s.composeFiles()));
                }
            }
            for (Problem p : scan.allProblems()) {
                out.println(p.format());
            }
            // what a sync creates on the NAS besides the apps (validate cannot look: plan says which are missing)
            for (LoadedStack s : scan.stacks()) {
                if (s.isValid()) {
                    s.rendered().dataFolders().forEach(f -> out.println(s.relativeDir() + ": data folder "
                            + f.hostPath() + " (owner " + f.owner() + ", service " + f.service() + ") is created on"
                            + " the NAS if missing"));
                }
            }
            out.println(summary(scan));
        }
        out.flush();
        return scan.isValid() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** A single stack folder (it has a compose file) or a repository root. */
    static RepoScan scan(Path dir, StacksOptions options) {
        if (StackRepository.isStackFolder(dir, dir)) {
            SecretsDirectory.Result secrets = SecretsDirectory.read(options.secretsDir());
            Path root = StackRepository.repoRootOf(dir, options);
            LoadedStack stack = StackRepository.load(root, dir, options, secrets.values());
            return new RepoScan(List.of(stack), secrets.problems());
        }
        if (!Files.isDirectory(dir.resolve(options.stacksDir()))) {
            throw new UsageException(dir + " has no '" + options.stacksDir() + "' folder and no compose file: give a"
                    + " repository root or a stack folder (or set --stacks-dir)");
        }
        return StackRepository.scan(dir, options);
    }

    /**
     * Adds a warning per piece of data a stack's {@code snapshot:} policy cannot protect, as far as it can be told
     * without the NAS (outside /mnt, ix-apps paths, named volumes, a folder another stack mounts too); {@code plan}
     * checks the datasets on the NAS as well.
     */
    static RepoScan withSnapshotCoverage(RepoScan scan) {
        List<LoadedStack> out = new ArrayList<>();
        for (LoadedStack s : scan.stacks()) {
            if (!s.isValid() || !s.settings().snapshot().enabled()) {
                out.add(s);
                continue;
            }
            Map<String, List<String>> others = new LinkedHashMap<>();
            for (LoadedStack o : scan.stacks()) {
                if (!o.name().equals(s.name()) && o.isValid() && o.settings().target().equals(s.settings().target())) {
                    others.put(o.name(), SnapshotCoverage.hostPaths(o.rendered().compose()));
                }
            }
            List<SnapshotCoverage.Finding> findings = SnapshotCoverage.check(s.name(), s.rendered().compose(), others,
                    Optional.empty());
            if (findings.isEmpty()) {
                out.add(s);
                continue;
            }
            String file = s.relativeDir() + "/stack.yaml";
            int line = snapshotLine(s);
            List<Problem> problems = new ArrayList<>(s.problems());
            for (SnapshotCoverage.Finding f : findings) {
                problems.add(new Problem(Problem.Severity.WARNING, file, line, 0, "snapshot", f.message()
                        + ": the snapshot policy cannot protect it, so a create or update of the app is held back"
                        + " (SnapshotImpossible); " + SnapshotCoverage.fixes(s.relativeDir())));
            }
            out.add(new LoadedStack(s.name(), s.relativeDir(), s.composeFile(), s.settings(), s.rendered(), problems,
                    s.composeFiles()));
        }
        return new RepoScan(out, scan.problems());
    }

    /** The line of {@code snapshot:} in the stack's stack.yaml, or 0. */
    private static int snapshotLine(LoadedStack s) {
        Path folder = s.composeFile() != null ? s.composeFile().getParent() : null;
        if (folder == null) {
            return 0;
        }
        for (String name : List.of("stack.yaml", "stack.yml")) {
            Path f = folder.resolve(name);
            if (Files.isRegularFile(f)) {
                try {
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        if (lines.get(i).startsWith("snapshot:")) {
                            return i + 1;
                        }
                    }
                } catch (java.io.IOException | java.io.UncheckedIOException e) {
                    return 0; // the stack loaded it a moment ago; a line number is a nicety
                }
            }
        }
        return 0;
    }

    static String summary(RepoScan scan) {
        long valid = scan.stacks().stream().filter(LoadedStack::isValid).count();
        long errors = scan.allProblems().stream().filter(Problem::isError).count();
        long warnings = scan.allProblems().size() - errors;
        int n = scan.stacks().size();
        return (errors == 0 ? "ok: " : "failed: ") + n + (n == 1 ? " stack" : " stacks") + " checked, " + valid
                + " valid, " + (n - valid) + " invalid; " + errors + (errors == 1 ? " error, " : " errors, ")
                + warnings + (warnings == 1 ? " warning" : " warnings");
    }

    private static Map<String, Object> toJson(RepoScan scan) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("valid", scan.isValid());
        json.put("summary", summary(scan));
        List<Object> stacks = new ArrayList<>();
        for (LoadedStack s : scan.stacks()) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("name", s.name());
            st.put("dir", s.relativeDir());
            st.put("valid", s.isValid());
            st.put("hash", s.rendered() == null ? null : s.rendered().hash());
            st.put("composeFiles", s.composeFiles());
            st.put("problems", s.problems().stream().map(ValidateCommand::problem).toList());
            st.put("dataFolders", s.rendered() == null || !s.isValid() ? List.of() : s.rendered().dataFolders().stream()
                    .map(f -> Map.of("path", f.hostPath(), "owner", f.owner(), "service", f.service())).toList());
            stacks.add(st);
        }
        json.put("stacks", stacks);
        json.put("problems", scan.problems().stream().map(ValidateCommand::problem).toList());
        return json;
    }

    static Map<String, Object> problem(Problem p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("severity", p.severity().name().toLowerCase());
        m.put("file", p.file());
        m.put("line", p.line());
        m.put("column", p.column());
        m.put("path", p.path());
        m.put("message", p.message());
        return m;
    }
}
