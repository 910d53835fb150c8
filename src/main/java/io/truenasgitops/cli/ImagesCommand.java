package io.truenasgitops.cli;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.git.WorkingTreeCommit;
import io.truenasgitops.images.ImageUpdates;
import io.truenasgitops.images.RegistryClient;
import io.truenasgitops.images.RegistryCredentials;
import io.truenasgitops.stacks.ImageInputs;
import io.truenasgitops.stacks.StacksOptions;
import jakarta.enterprise.context.Dependent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

/**
 * {@code images update [DIR]}: moves the image tags of a stacks repository to the newest ones their
 * {@code imagePolicy:} allows, by editing the compose files (one scalar each) and, with {@code --commit}, committing
 * them; the daemon then applies the commit like any other. Git stays the only source of what runs.
 */
@Dependent
@Command(name = "images", description = "Image updates through Git: move image tags as stack.yaml's imagePolicy allows.",
        subcommands = {ImagesCommand.Update.class})
public class ImagesCommand implements TopLevelCommand, Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The environment variable podman, skopeo and buildah read their registry logins from. */
    static final String REGISTRY_AUTH_FILE = "REGISTRY_AUTH_FILE";

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = {"List each image's tags in its registry (Registry HTTP API v2) and move the tag in the"
                    + " compose file to the newest one the stack's imagePolicy allows (a semver range, or a tag"
                    + " pattern with an order). Only the image scalar changes: comments, quotes and layout stay.",
                "DIR is the repository root (default: the current folder). Nothing is sent to the NAS: commit and"
                    + " push the change (--commit commits it) and the daemon applies it with the rest.",
                "Registry logins come from Docker's config.json form: --registry-auth, else $REGISTRY_AUTH_FILE,"
                    + " else $DOCKER_CONFIG/config.json or ~/.docker/config.json when there is one."},
            footerHeading = "%nExit codes:%n",
            footer = {"  0  every image with a policy was looked at (updated or not)",
                "  1  a registry, a stack.yaml or a compose file failed (the other images were still updated)",
                "  2  bad options (DIR missing, no stacks folder, an unreadable credentials file)"})
    static class Update implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = ".",
                description = "Repository root (default: current folder).")
        Path dir;

        @Option(names = "--stacks-dir", paramLabel = "DIR", defaultValue = StacksOptions.DEFAULT_STACKS_DIR,
                description = "Folder of stacks inside the repository (default: ${DEFAULT-VALUE}).")
        String stacksDir;

        @Option(names = "--stack", paramLabel = "NAME", description = "Only this stack (repeatable).")
        List<String> stacks = new ArrayList<>();

        @Option(names = "--dry-run", description = "Only list what would change; write nothing.")
        boolean dryRun;

        @Option(names = "--commit", description = "Commit the edited compose files (only them), signed off.")
        boolean commit;

        @Option(names = "--author", paramLabel = "'NAME <EMAIL>'",
                description = "Who commits (default: the repository's user.name and user.email).")
        String author;

        @Option(names = "--registry-auth", paramLabel = "FILE",
                description = "Registry logins in Docker's config.json form (default: $REGISTRY_AUTH_FILE, then"
                        + " Docker's config.json).")
        Path registryAuth;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "20s", converter = DurationConverter.class,
                description = "Per registry request (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() throws Exception {
            if (dryRun && commit) {
                throw new UsageException("images update: --dry-run writes nothing, so it cannot --commit: give one");
            }
            Optional<WorkingTreeCommit.Identity> who = Optional.empty();
            if (author != null) {
                who = WorkingTreeCommit.identity(author);
                if (who.isEmpty()) {
                    throw new UsageException("images update: --author is 'Name <email>', not '" + author + "'");
                }
            }
            Path root = dir.toAbsolutePath().normalize();
            Path stacksRoot = root.resolve(stacksDir).normalize();
            if (!Files.isDirectory(stacksRoot)) {
                throw new UsageException(root + " has no '" + stacksDir + "' folder: give the repository root (or set"
                        + " --stacks-dir)");
            }
            RegistryCredentials credentials = credentials();
            List<String> known = ImageInputs.stackNames(root, stacksDir);
            for (String s : stacks) {
                if (!known.contains(s)) {
                    List<String> near = DidYouMean.closest(s, known);
                    throw new UsageException("images update: no stack '" + s + "' in " + stacksRoot
                            + (near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?"));
                }
            }
            ImageInputs read = ImageInputs.read(root, stacksDir, stacks);
            List<Problem> problems = new ArrayList<>(read.problems());
            Map<String, Path> composeOf = read.files();
            List<ImageUpdates.StackInput> inputs = read.stacks();
            ImageUpdates.Result result = ImageUpdates.find(inputs, new RegistryClient(credentials, timeout));
            problems.addAll(result.problems());

            Map<String, List<ImageUpdates.Finding.Update>> byFile = new LinkedHashMap<>();
            result.updates().forEach(u -> byFile.computeIfAbsent(u.composeFile(), f -> new ArrayList<>()).add(u));
            List<Path> written = new ArrayList<>();
            String commitId = null;
            if (!dryRun) {
                for (ImageUpdates.StackInput in : inputs) {
                    List<ImageUpdates.Finding.Update> ups = byFile.get(in.composeFile());
                    if (ups == null) {
                        continue;
                    }
                    Path file = composeOf.get(in.composeFile());
                    Files.writeString(file, ImageUpdates.apply(in.composeText(), ups), StandardCharsets.UTF_8);
                    written.add(file);
                }
                if (commit && !written.isEmpty()) {
                    try {
                        commitId = WorkingTreeCommit.commit(root, written, ImageUpdates.commitMessage(result.updates()), who);
                    } catch (WorkingTreeCommit.CommitFailedException e) {
                        problems.add(new Problem(Problem.Severity.ERROR, ".", 0, 0, "", "images update: the compose"
                                + " files were edited but not committed: " + e.getMessage()));
                    }
                }
            }
            print(result, problems, written.size(), commitId);
            boolean failed = problems.stream().anyMatch(Problem::isError) || result.hasFailures();
            return failed ? ExitCodes.FAILED : ExitCodes.OK;
        }

        private RegistryCredentials credentials() {
            Path file = registryAuth;
            boolean given = file != null;
            if (file == null) {
                String env = System.getenv(REGISTRY_AUTH_FILE);
                if (env != null && !env.isBlank()) {
                    file = Path.of(env);
                    given = true;
                }
            }
            if (file == null) {
                String dockerConfig = System.getenv("DOCKER_CONFIG");
                Path candidate = dockerConfig != null && !dockerConfig.isBlank()
                        ? Path.of(dockerConfig, "config.json")
                        : Path.of(System.getProperty("user.home"), ".docker", "config.json");
                file = Files.isRegularFile(candidate) ? candidate : null;
            }
            if (file == null) {
                return RegistryCredentials.none();
            }
            if (given && !Files.isRegularFile(file)) {
                throw new UsageException("images update: registry credentials file " + file + " does not exist (give"
                        + " Docker's config.json form: {\"auths\": {\"REGISTRY\": {\"auth\": \"base64 of user:token\"}}})");
            }
            try {
                return RegistryCredentials.read(file);
            } catch (IOException e) {
                throw new UsageException("images update: " + e.getMessage());
            }
        }

        private void print(ImageUpdates.Result result, List<Problem> problems, int files, String commitId) {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<Map<String, Object>> rows = new ArrayList<>();
            List<List<String>> table = new ArrayList<>();
            for (ImageUpdates.Finding f : result.findings()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("stack", f.stack());
                row.put("service", f.service());
                if (f instanceof ImageUpdates.Finding.Update u) {
                    String what = dryRun ? "would update" : commitId != null ? "committed" : "updated";
                    row.put("result", what.replace(' ', '-'));
                    row.put("file", u.composeFile());
                    row.put("line", u.line());
                    row.put("image", u.image());
                    row.put("from", u.from());
                    row.put("to", u.to());
                    row.put("policy", u.policy().toString());
                    table.add(List.of(f.stack(), f.service(), u.image(), u.to(), what));
                } else if (f instanceof ImageUpdates.Finding.UpToDate u) {
                    row.put("result", "up-to-date");
                    row.put("image", u.image());
                    table.add(List.of(f.stack(), f.service(), u.image(), "-", "up to date"));
                } else if (f instanceof ImageUpdates.Finding.Skipped s) {
                    row.put("result", s.failure() ? "failed" : "skipped");
                    row.put("reason", s.reason());
                    table.add(List.of(f.stack(), f.service(), "-", "-", (s.failure() ? "failed: " : "skipped: ")
                            + s.reason()));
                }
                rows.add(row);
            }
            if (!output.isTable()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("dryRun", dryRun);
                doc.put("images", rows);
                doc.put("commit", commitId);
                doc.put("problems", problems.stream().map(Problem::format).toList());
                output.printDocument(out, doc);
                return;
            }
            for (Problem p : problems) {
                err.println(p.format());
            }
            if (!table.isEmpty()) {
                OutputOptions.printTable(out, List.of("STACK", "SERVICE", "IMAGE", "NEW TAG", "RESULT"), table);
            }
            int n = result.updates().size();
            String summary = n == 0 ? (result.findings().isEmpty()
                    ? "no image has a policy: add imagePolicy to a stack.yaml (see docs/stacks.md#image-updates)"
                    : "every image with a policy is up to date")
                    : dryRun ? n + (n == 1 ? " image" : " images") + " would be updated (dry run: nothing written)"
                    : n + (n == 1 ? " image" : " images") + " updated in " + files + (files == 1 ? " file" : " files")
                            + (commitId != null ? "; committed " + commitId.substring(0, 12)
                            + " (push it for the daemon to apply it)" : commit ? "" : "; commit and push them for the"
                            + " daemon to apply them");
            out.println(summary);
            out.flush();
            err.flush();
        }
    }
}
