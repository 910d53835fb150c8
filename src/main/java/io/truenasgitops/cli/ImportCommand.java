package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.truenasgitops.compose.DotEnv;
import io.truenasgitops.compose.FileMounts;
import io.truenasgitops.compose.Problem;
import io.truenasgitops.sops.SopsConfig;
import io.truenasgitops.sops.SopsEncryptor;
import io.truenasgitops.sops.SopsException;
import io.truenasgitops.sops.SopsFormat;
import io.truenasgitops.stacks.Decryption;
import io.truenasgitops.stacks.ImportRules;
import io.truenasgitops.stacks.LoadedStack;
import io.truenasgitops.stacks.RepoScan;
import io.truenasgitops.stacks.SecretsDirectory;
import io.truenasgitops.stacks.StackRepository;
import io.truenasgitops.stacks.StackSettingsReader;
import io.truenasgitops.stacks.StacksOptions;
import jakarta.enterprise.context.Dependent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code import DIR}: copies an existing compose project into {@code stacks/NAME/} of a stacks repository, takes the
 * secrets out of its {@code .env} (into the secrets directory, or SOPS-encrypted when the repository has a
 * {@code .sops.yaml}), leaves its data folders out, writes {@code stack.yaml} with what it decided, validates the
 * result and says what it changed and what a person still has to do. Never changes DIR.
 */
@Dependent
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Copy an existing compose project into stacks/NAME/ of a stacks repository.",
            "DIR holds the project's compose file (compose.yaml, docker-compose.yml, ...), its .env and the files"
                + " beside it; they are copied as they are, DIR itself is never changed.",
            "Variables of .env named like a secret (*PASSWORD*, *SECRET*, *TOKEN*, *KEY*) leave Git: with a"
                + " .sops.yaml in the repository, .env is encrypted for its age recipients (as encrypt does);"
                + " otherwise each value goes to a file of the secrets directory and .env keeps NAME=${NAME}.",
            "Relative bind mounts of folders (./data) are data folders: not copied, rewritten on the NAS under the"
                + " host base path (--host-base-path PATH gives PATH/NAME/data).",
            "stack.yaml records what was decided; then the stack is validated and what still needs a person is"
                + " listed."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  imported, and the stack validates", "  1  imported, but it does not validate yet (the"
                + " problems are listed), or .env could not be encrypted (nothing imported)",
            "  2  usage error: DIR has no compose file, the stack folder exists already, bad option (nothing imported)"})
public class ImportCommand implements TopLevelCommand, Callable<Integer> {

    /** A file bigger than this is not copied into Git (a database, a backup): it needs a person. */
    static final long MAX_COPIED_FILE_BYTES = 1024 * 1024;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The folder of the existing compose project.")
    Path dir;

    @Option(names = "--name", paramLabel = "NAME",
            description = "The stack's (and app's) name (default: DIR's folder name, made a valid app name).")
    String name;

    @Option(names = "--repo", paramLabel = "REPO", defaultValue = ".",
            description = "The stacks repository to import into (default: the current folder).")
    Path repo;

    @Option(names = "--stacks-dir", paramLabel = "DIR", defaultValue = StacksOptions.DEFAULT_STACKS_DIR,
            description = "Folder of stacks inside the repository (default: ${DEFAULT-VALUE}).")
    String stacksDir;

    @Option(names = "--secrets-dir", paramLabel = "DIR",
            description = "The secrets directory the values of secret variables go to (created when missing;"
                    + " default: ~/.config/truenas-gitops/secrets). Not used when the repository has a .sops.yaml.")
    Path secretsDir;

    @Option(names = "--host-base-path", paramLabel = "PATH",
            description = "Where relative data folders live on the NAS: ./data becomes PATH/NAME/data (as for"
                    + " validate); without it they are listed as needing one.")
    Path hostBasePath;

    @Option(names = "--age-key-file", paramLabel = "FILE",
            description = "age identities to open the SOPS-encrypted .env with when validating the result"
                    + " (default: $SOPS_AGE_KEY_FILE; without one its values are checked as placeholders).")
    Path ageKeyFile;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE}).")
    String output;

    /** One thing import did to the copy, or one thing a person still has to do. */
    record Item(String file, String what) {}

    @Override
    public Integer call() throws Exception {
        if (!"text".equals(output) && !"json".equals(output)) {
            throw new UsageException("unknown output format '" + output + "': use text or json");
        }
        Path src = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(src)) {
            throw new UsageException("import: " + dir + " is not a directory: give the folder of the compose project");
        }
        List<Path> composeFiles = StackRepository.composeFiles(src);
        if (composeFiles.isEmpty()) {
            throw new UsageException("import: " + src + " has no compose file (" + String.join(", ",
                    StackRepository.COMPOSE_FILE_NAMES) + "): give the folder that holds the project's compose file");
        }
        String stackName = name != null ? name : StackRepository.suggest(src.getFileName() == null ? "app"
                : src.getFileName().toString());
        if (stackName.length() > StackRepository.MAX_APP_NAME || !StackSettingsReader.APP_NAME.matcher(stackName)
                .matches()) {
            throw new UsageException("import: --name '" + stackName + "' is not a valid TrueNAS app name: 1 to "
                    + StackRepository.MAX_APP_NAME + " lowercase letters, digits and '-', starting with a letter (e.g. '"
                    + StackRepository.suggest(stackName) + "')");
        }
        if (hostBasePath != null && !hostBasePath.isAbsolute()) {
            throw new UsageException("import: --host-base-path must be an absolute path on the NAS, such as"
                    + " /mnt/tank/apps");
        }
        Path repoRoot = repo.toAbsolutePath().normalize();
        if (!Files.isDirectory(repoRoot)) {
            throw new UsageException("import: --repo " + repo + " is not a directory: give the stacks repository");
        }
        Path stacksRoot = repoRoot.resolve(stacksDir).normalize();
        Path target = stacksRoot.resolve(stackName);
        String rel = repoRoot.relativize(target).toString().replace('\\', '/');
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageException(target + ": the stack '" + stackName + "' exists already in " + repoRoot
                    + ": give another --name, or remove " + rel + " first (nothing was imported)");
        }
        if (target.startsWith(src)) {
            throw new UsageException("import: " + rel + " would be inside " + src + ", the folder being imported:"
                    + " import into a repository outside it");
        }

        List<Item> changed = new ArrayList<>();
        List<Item> needsPerson = new ArrayList<>();
        Path envFile = src.resolve(".env");
        String envText = Files.isRegularFile(envFile) ? Files.readString(envFile, StandardCharsets.UTF_8) : null;
        Map<String, String> envValues = envText == null ? Map.of()
                : DotEnv.parse(envText, ".env", n -> Optional.empty()).values();

        // Relative bind mounts: files (and read-only folders of small text files) travel in Git; folders are data.
        List<ImportRules.RelativeBind> binds = new ArrayList<>();
        for (Path f : composeLike(src)) {
            binds.addAll(ImportRules.relativeBinds(Files.readString(f, StandardCharsets.UTF_8), envValues));
        }
        Map<String, String> dataFolders = new LinkedHashMap<>();
        Set<Path> excluded = new LinkedHashSet<>();
        for (ImportRules.RelativeBind b : binds) {
            Path p = src.resolve(b.source()).normalize();
            if (!p.startsWith(src) || p.equals(src)) {
                needsPerson.add(new Item(rel + "/", "service " + b.service() + " binds " + b.source() + ", which is"
                        + " not inside the project folder: use an absolute path on the NAS in the compose file"));
                continue;
            }
            if (Files.isRegularFile(p) || Files.isDirectory(p) && b.readOnly() && smallTextFolder(p)) {
                continue;
            }
            String shown = "./" + src.relativize(p).toString().replace('\\', '/');
            dataFolders.putIfAbsent(shown, b.service());
            excluded.add(p);
        }

        Files.createDirectories(stacksRoot);
        Path staging = Files.createTempDirectory(stacksRoot, ".import-" + stackName + "-");
        try {
            copy(src, staging, excluded, rel, changed, needsPerson);
            Map<String, String> secrets = envText == null ? Map.of() : ImportRules.secrets(envText);
            Optional<Path> sopsConfig = SopsConfig.find(target.resolve(".env")).filter(c -> c.startsWith(repoRoot));
            Path secretsUsed = null;
            List<String> declared = new ArrayList<>();
            boolean encrypted = false;
            if (!secrets.isEmpty() && sopsConfig.isPresent()) {
                try {
                    SopsConfig.Rule rule = SopsConfig.ruleFor(sopsConfig.get(), target.resolve(".env"));
                    String enc = SopsEncryptor.encrypt(SopsFormat.DOTENV, envText, rel + "/.env", rule.recipients(),
                            rule.rules(), OffsetDateTime.now(ZoneOffset.UTC));
                    Files.writeString(staging.resolve(".env"), enc, StandardCharsets.UTF_8);
                    encrypted = true;
                    changed.add(new Item(rel + "/.env", "encrypted with SOPS for " + rule.recipients().size()
                            + " age recipient" + (rule.recipients().size() == 1 ? "" : "s") + " of "
                            + repoRoot.relativize(sopsConfig.get()) + ": it holds " + String.join(", ",
                                    secrets.keySet())));
                } catch (SopsException e) {
                    PrintWriter err = spec.commandLine().getErr();
                    err.println("error: import: cannot encrypt " + rel + "/.env: " + e.getMessage()
                            + " (nothing was imported)");
                    err.flush();
                    return ExitCodes.FAILED;
                }
            } else if (!secrets.isEmpty()) {
                secretsUsed = (secretsDir != null ? secretsDir : defaultSecretsDir()).toAbsolutePath().normalize();
                createPrivateDirectory(secretsUsed);
                for (Map.Entry<String, String> s : secrets.entrySet()) {
                    Path file = secretsUsed.resolve(s.getKey());
                    declared.add(s.getKey());
                    if (Files.isRegularFile(file)) {
                        String existing = Files.readString(file, StandardCharsets.UTF_8).replaceFirst("\r?\n$", "");
                        if (!existing.equals(s.getValue())) {
                            needsPerson.add(new Item(file.toString(), "the secrets directory has " + s.getKey()
                                    + " already, with another value: kept it; check that it is the one "
                                    + stackName + " needs (the other is in " + envFile + ")"));
                        }
                        continue;
                    }
                    writePrivate(file, s.getValue());
                    changed.add(new Item(rel + "/.env", s.getKey() + " moved to the secrets directory ("
                            + file + "); .env reads it as ${" + s.getKey() + "}"));
                }
                Files.writeString(staging.resolve(".env"), ImportRules.withoutValues(envText, secrets.keySet()),
                        StandardCharsets.UTF_8);
            }
            Path stackYaml = staging.resolve("stack.yaml");
            if (Files.exists(stackYaml)) {
                if (!declared.isEmpty()) {
                    needsPerson.add(new Item(rel + "/stack.yaml", "the project had a stack.yaml, kept as it is: add "
                            + "secrets: [" + String.join(", ", declared) + "] to it"));
                }
            } else {
                Files.writeString(stackYaml, stackYaml(src, stackName, declared, encrypted, dataFolders),
                        StandardCharsets.UTF_8);
                changed.add(new Item(rel + "/stack.yaml", "written: " + (declared.isEmpty() ? "" : "declares secrets "
                        + String.join(", ", declared) + "; ") + (dataFolders.isEmpty() ? "no data folders"
                        : "lists data folders " + String.join(", ", dataFolders.keySet()))));
            }
            for (Map.Entry<String, String> d : dataFolders.entrySet()) {
                String where = hostBasePath == null ? null
                        : hostBasePath.resolve(stackName).resolve(d.getKey().substring(2)).normalize().toString();
                needsPerson.add(new Item(rel + "/", d.getKey() + " (service " + d.getValue() + ") is a data folder:"
                        + " not copied into Git; " + (where == null
                                ? "give the host base path (--host-base-path, or the daemon's"
                                        + " truenas-gitops.stacks.host-base-path) so that it is rewritten"
                                        + " under it"
                                : "on the NAS it is " + where) + "; copy what it holds from "
                        + src.resolve(d.getKey().substring(2)).normalize() + " there before the first sync"));
            }
            if (encrypted) {
                needsPerson.add(new Item(rel + "/.env", "the daemon needs an age key of .sops.yaml's recipients"
                        + " (--age-key-file, SOPS_AGE_KEY_FILE) to open .env"));
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            RepoScan scan = validate(repoRoot, target, secretsUsed);
            print(src, rel, stackName, changed, needsPerson, scan);
            return scan.isValid() ? ExitCodes.OK : ExitCodes.FAILED;
        } finally {
            if (Files.exists(staging)) {
                deleteTree(staging);
            }
        }
    }

    /** {@code ~/.config/truenas-gitops/secrets}, with {@code ~} the shell's: $HOME, else the JVM's user.home. */
    static Path defaultSecretsDir() {
        String home = System.getenv("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home, ".config",
                "truenas-gitops", "secrets");
    }

    /** The stack as validate sees it (declared secrets from the secrets directory written, else placeholders). */
    private RepoScan validate(Path repoRoot, Path target, Path secretsUsed) {
        String keyEnv = System.getenv(StackOptionsMixin.SOPS_AGE_KEY_FILE);
        Path key = ageKeyFile != null ? ageKeyFile : keyEnv == null || keyEnv.isBlank() ? null : Path.of(keyEnv);
        StacksOptions options = new StacksOptions(stacksDir, secretsUsed, hostBasePath, secretsUsed == null
                ? StacksOptions.MissingSecrets.PLACEHOLDER : StacksOptions.MissingSecrets.ERROR,
                new Decryption(key != null && Files.isRegularFile(key) ? key : null, true));
        SecretsDirectory.Result secrets = SecretsDirectory.read(secretsUsed);
        LoadedStack stack = StackRepository.load(repoRoot, target, options, secrets.values());
        return ValidateCommand.withSnapshotCoverage(new RepoScan(List.of(stack), secrets.problems()));
    }

    private void print(Path src, String rel, String stackName, List<Item> changed, List<Item> needsPerson,
            RepoScan scan) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if ("json".equals(output)) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("stack", stackName);
            json.put("dir", rel);
            json.put("source", src.toString());
            json.put("changed", changed.stream().map(ImportCommand::item).toList());
            json.put("needsPerson", needsPerson.stream().map(ImportCommand::item).toList());
            json.put("valid", scan.isValid());
            json.put("summary", ValidateCommand.summary(scan));
            json.put("problems", scan.allProblems().stream().map(ValidateCommand::problem).toList());
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
            out.flush();
            return;
        }
        Style style = Style.current();
        out.println("imported " + src + " into " + style.bold(rel));
        out.println("changed:");
        for (Item i : changed) {
            out.println("  " + style.green("+") + " " + i.file() + ": " + i.what());
        }
        if (needsPerson.isEmpty()) {
            out.println("needs a person: " + style.green("nothing"));
        } else {
            out.println("needs a person:");
            for (Item i : needsPerson) {
                out.println("  " + style.yellow("!") + " " + i.file() + ": " + i.what());
            }
        }
        for (Problem p : scan.allProblems()) {
            out.println("  " + (p.isError() ? style.red("error") : style.yellow("warning")) + " " + p.format());
        }
        String summary = ValidateCommand.summary(scan);
        out.println("validate: " + (scan.isValid() ? style.green(summary) : style.red(summary)));
        out.flush();
    }

    private static Map<String, String> item(Item i) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("file", i.file());
        m.put("what", i.what());
        return m;
    }

    /** The files of DIR that compose could read as compose files (the main one, overrides, extends/include targets). */
    private static List<Path> composeLike(Path src) throws IOException {
        try (Stream<Path> files = Files.list(src)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                String n = f.getFileName().toString();
                return (n.startsWith("compose") || n.startsWith("docker-compose"))
                        && (n.endsWith(".yaml") || n.endsWith(".yml"));
            }).sorted().toList();
        }
    }

    /** Whether a folder holds only text files small enough to travel in the compose (a folder of config files). */
    private static boolean smallTextFolder(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            List<Path> all = files.filter(f -> !f.equals(folder)).toList();
            if (all.isEmpty() || all.size() > FileMounts.MAX_FOLDER_FILES) {
                return false;
            }
            for (Path f : all) {
                if (Files.isDirectory(f)) {
                    continue;
                }
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) > FileMounts.MAX_FILE_BYTES
                        || isBinary(Files.readAllBytes(f))) {
                    return false;
                }
            }
            return true;
        }
    }

    private static boolean isBinary(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    /** Copies DIR's files (not .git, not the data folders, not links, nothing too big for Git) into the staging folder. */
    private static void copy(Path src, Path to, Set<Path> excluded, String rel, List<Item> changed,
            List<Item> needsPerson) throws IOException {
        Files.walkFileTree(src, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(src) && (excluded.contains(d) || d.getFileName().toString().equals(".git"))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(src.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                String name = src.relativize(f).toString().replace('\\', '/');
                if (attrs.isSymbolicLink()) {
                    needsPerson.add(new Item(rel + "/" + name, "a symbolic link: not copied; copy what it points to"
                            + " into the stack folder if the app needs it"));
                } else if (!attrs.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                } else if (excluded.contains(f)) {
                    return FileVisitResult.CONTINUE;
                } else if (attrs.size() > MAX_COPIED_FILE_BYTES) {
                    needsPerson.add(new Item(rel + "/" + name, "larger than " + MAX_COPIED_FILE_BYTES / 1024
                            + " KiB: not copied into Git; put it on the NAS and bind it with an absolute path"));
                } else {
                    Files.copy(f, to.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
                    changed.add(new Item(rel + "/" + name, "copied"));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static String stackYaml(Path src, String stackName, List<String> declared, boolean encrypted,
            Map<String, String> dataFolders) {
        StringBuilder b = new StringBuilder();
        b.append("# Written by truenas-gitops import from ").append(src).append(".\n");
        b.append("# What it decided is below; see docs/stacks.md, \"Moving an existing project\".\n");
        if (encrypted) {
            b.append("# .env held secret values: it is SOPS-encrypted for the age recipients of .sops.yaml.\n");
        }
        if (!declared.isEmpty()) {
            b.append("# These variables of .env are secrets: their values are files of the secrets directory, not"
                    + " in Git.\n");
            b.append("secrets:\n");
            declared.forEach(d -> b.append("  - ").append(d).append('\n'));
        }
        if (!dataFolders.isEmpty()) {
            b.append("# Data folders, not copied: on the NAS they are <host base path>/").append(stackName)
                    .append("/<folder>.\n");
            dataFolders.forEach((f, svc) -> b.append("#   ").append(f).append(" (service ").append(svc).append(")\n"));
        }
        if (!encrypted && declared.isEmpty() && dataFolders.isEmpty()) {
            b.append("# Nothing to decide: no secrets in .env, no data folders. Settings: docs/stacks.md.\n");
        }
        return b.toString();
    }

    private static void createPrivateDirectory(Path d) throws IOException {
        if (Files.isDirectory(d)) {
            return;
        }
        Files.createDirectories(d);
        try {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own permissions apply
        }
    }

    /** Writes a secret file readable by its owner only, created that way so the value is never readable by others. */
    private static void writePrivate(Path file, String value) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, value, StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
