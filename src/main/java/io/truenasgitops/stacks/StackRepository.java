package io.truenasgitops.stacks;

import io.truenasgitops.compose.ComposeRenderer;
import io.truenasgitops.compose.DotEnv;
import io.truenasgitops.compose.EnvFileReader;
import io.truenasgitops.compose.ExpansionBudget;
import io.truenasgitops.compose.RepoFiles;
import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.SourceMap;
import io.truenasgitops.compose.YamlLoader;
import io.truenasgitops.compose.Variables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Discovers and loads the stacks of a repository: {@code <stacksDir>/<app>/} folders holding one compose file,
 * an optional {@code .env} and an optional {@code stack.yaml}. Bad stacks never throw: their problems are data,
 * so one broken folder cannot stop the others from being reconciled.
 */
public final class StackRepository {

    private StackRepository() {}

    /** The compose file names docker compose looks for, in its order of preference. */
    public static final List<String> COMPOSE_FILE_NAMES =
            List.of("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml");

    /** The override file names docker compose merges onto the main file, in its order of preference. */
    public static final List<String> OVERRIDE_FILE_NAMES = List.of("compose.override.yml", "compose.override.yaml",
            "docker-compose.override.yml", "docker-compose.override.yaml");

    /** Longest app name TrueNAS accepts. */
    public static final int MAX_APP_NAME = 40;

    /**
     * Loads one stack folder: {@link StackRepository#load} itself, or something in front of it (a cache that
     * answers for folders whose inputs did not change).
     */
    @FunctionalInterface
    public interface StackLoader {
        /**
         * @param repoRoot the repository (checkout) the folder is in
         * @param dir the stack folder; its name is the app name
         * @param options how stacks are rendered
         * @param secrets values from the secrets directory, as read for this scan
         */
        LoadedStack load(Path repoRoot, Path dir, StacksOptions options, Map<String, String> secrets);
    }

    /** Loads every stack under {@code <repoRoot>/<stacksDir>}. */
    public static RepoScan scan(Path repoRoot, StacksOptions options) {
        return scan(repoRoot, options, StackRepository::load);
    }

    /** Loads every stack under {@code <repoRoot>/<stacksDir>}, each folder through {@code loader}. */
    public static RepoScan scan(Path repoRoot, StacksOptions options, StackLoader loader) {
        List<Problem> repoProblems = new ArrayList<>();
        Path stacksRoot = repoRoot.resolve(options.stacksDir()).normalize();
        if (!Files.isDirectory(stacksRoot)) {
            repoProblems.add(new Problem(Problem.Severity.ERROR, options.stacksDir(), 0, 0, "",
                    "stacks folder '" + options.stacksDir() + "' not found in " + repoRoot
                    + ": put each app in " + options.stacksDir() + "/<app>/compose.yaml (or set the stacks folder)"));
            return new RepoScan(List.of(), repoProblems);
        }
        SecretsDirectory.Result secrets = SecretsDirectory.read(options.secretsDir());
        repoProblems.addAll(secrets.problems());
        List<Path> dirs;
        try (Stream<Path> list = Files.list(stacksRoot)) {
            dirs = list.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            repoProblems.add(new Problem(Problem.Severity.ERROR, options.stacksDir(), 0, 0, "",
                    "cannot list the stacks folder: " + e.getMessage()));
            return new RepoScan(List.of(), repoProblems);
        }
        List<LoadedStack> stacks = new ArrayList<>();
        for (Path dir : dirs) {
            String rel = relative(repoRoot, dir);
            if (!isStackFolder(dir, repoRoot)) {
                repoProblems.add(new Problem(Problem.Severity.WARNING, rel, 0, 0, "",
                        "folder has no compose file (" + String.join(", ", COMPOSE_FILE_NAMES) + "): not a stack,"
                        + " skipped"));
                continue;
            }
            stacks.add(loadAlone(repoRoot, dir, options, secrets.values(), loader));
        }
        return new RepoScan(checkDependencies(stacks), repoProblems);
    }

    /**
     * Loads one stack folder.
     *
     * @param repoRoot what file names in problems are relative to
     * @param dir the stack folder; its name is the app name
     * @param secrets values from the secrets directory
     */
    public static LoadedStack load(Path repoRoot, Path dir, StacksOptions options, Map<String, String> secrets) {
        String name = dir.getFileName().toString();
        String rel = relative(repoRoot, dir);
        List<Problem> problems = new ArrayList<>();
        if (name.length() > MAX_APP_NAME || !StackSettingsReader.APP_NAME.matcher(name).matches()) {
            problems.add(new Problem(Problem.Severity.ERROR, rel, 0, 0, "", "folder name '" + name + "' is not a valid"
                    + " TrueNAS app name: 1 to " + MAX_APP_NAME + " lowercase letters, digits and '-', starting with a"
                    + " letter and not ending with '-' (rename it, e.g. '" + suggest(name) + "')"));
        }
        StackSettings settings = StackSettings.defaults();
        SourceMap settingsMap = SourceMap.empty(rel + "/stack.yaml");
        ExpansionBudget budget = ExpansionBudget.perStack();
        Path stackYaml = dir.resolve("stack.yaml");
        if (Files.exists(stackYaml)) {
            Optional<String> text = read(stackYaml, repoRoot, RepoFiles.MAX_SETTINGS_BYTES, rel + "/stack.yaml",
                    problems);
            if (text.isPresent()) {
                StackSettingsReader.Result r = StackSettingsReader.read(text.get(), rel + "/stack.yaml");
                settings = r.settings();
                settingsMap = r.sourceMap();
                problems.addAll(r.problems());
            }
        } else if (Files.isRegularFile(dir.resolve("stack.yml"))) {
            problems.add(new Problem(Problem.Severity.ERROR, rel + "/stack.yml", 0, 0, "",
                    "settings file must be named stack.yaml, not stack.yml: rename it"));
        }
        List<Path> composeFiles = settings.composeFiles().isEmpty() ? composeFiles(dir)
                : List.of(dir.resolve(settings.composeFiles().get(0)));
        List<String> overrides = settings.composeFiles().isEmpty() ? List.of()
                : settings.composeFiles().subList(1, settings.composeFiles().size());
        if (settings.composeFiles().isEmpty()) {
            List<String> found = OVERRIDE_FILE_NAMES.stream().filter(n -> Files.isRegularFile(dir.resolve(n))).toList();
            if (found.size() > 1) {
                problems.add(new Problem(Problem.Severity.ERROR, rel, 0, 0, "", "several override files ("
                        + String.join(", ", found) + "): keep one, or list the files to merge under 'composeFiles:'"
                        + " in stack.yaml"));
                return new LoadedStack(name, rel, null, settings, null, problems);
            }
            overrides = found;
        }
        if (composeFiles.size() != 1) {
            problems.add(new Problem(Problem.Severity.ERROR, rel, 0, 0, "", composeFiles.isEmpty()
                    ? "no compose file: add compose.yaml"
                    : "several compose files (" + String.join(", ", composeFiles.stream()
                            .map(p -> p.getFileName().toString()).toList())
                    + "): keep exactly one, docker compose would only read the first"));
            return new LoadedStack(name, rel, null, settings, null, problems);
        }
        Path composeFile = composeFiles.get(0);
        String composeRel = rel + "/" + (settings.composeFiles().isEmpty() ? composeFile.getFileName().toString()
                : settings.composeFiles().get(0));
        Map<String, String> secretValues = withDeclaredSecrets(settings, secrets, options, settingsMap, problems);
        Map<String, String> stackVars = settings.variables();
        Function<String, Optional<String>> fallback = v -> Optional.ofNullable(secretValues.get(v))
                .or(() -> Optional.ofNullable(stackVars.get(v)));
        Map<String, String> dotEnv = Map.of();
        boolean dotEnvEncrypted = false;
        EncryptedFiles encrypted = new EncryptedFiles(options.decryption());
        Path envFile = dir.resolve(".env");
        if (Files.exists(envFile)) {
            Optional<String> text = read(envFile, repoRoot, RepoFiles.MAX_ENV_BYTES, rel + "/.env", problems);
            if (text.isPresent()) {
                // A SOPS-encrypted .env is decrypted here, in memory; its values are secrets from now on.
                EnvFileReader.Content content = encrypted.read(text.get(), rel + "/.env");
                if (content instanceof EnvFileReader.Unreadable u) {
                    problems.add(new Problem(Problem.Severity.ERROR, rel + "/.env", 0, 0, "", u.reason()));
                } else if (content instanceof EnvFileReader.Values v) {
                    dotEnv = v.values();
                    dotEnvEncrypted = v.secret();
                    v.notes().forEach(n -> problems.add(new Problem(Problem.Severity.WARNING, rel + "/.env", 0, 0,
                            "", n)));
                } else if (content instanceof EnvFileReader.DotEnvText t) {
                    DotEnv.Result parsed = DotEnv.parse(t.text(), rel + "/.env", fallback, budget);
                    problems.addAll(parsed.problems());
                    dotEnv = parsed.values();
                    dotEnvEncrypted = t.secret();
                }
            }
        }
        if (dotEnv.containsKey("COMPOSE_PROJECT_NAME")) {
            problems.add(new Problem(Problem.Severity.WARNING, rel + "/.env", 0, 0, "", "COMPOSE_PROJECT_NAME is"
                    + " ignored: TrueNAS always names the project ix-<app> after the stack folder"));
        }
        Variables.Builder layers = Variables.builder().secrets("secrets directory", secretValues);
        if (dotEnvEncrypted) {
            layers.secrets(rel + "/.env (SOPS-encrypted)", dotEnv);
        } else {
            layers.plain(rel + "/.env", dotEnv);
        }
        layers.plain(rel + "/stack.yaml variables", stackVars);
        if (settings.variablesFrom() != null) {
            variablesFrom(settings.variablesFrom(), settings.secrets(), dir, repoRoot, rel, encrypted, layers,
                    problems);
        }
        Variables variables = layers.build();
        Optional<String> text = read(composeFile, repoRoot, RepoFiles.MAX_COMPOSE_BYTES, composeRel, problems);
        if (text.isEmpty()) {
            return new LoadedStack(name, rel, composeFile, settings, null, problems);
        }
        // the stack's target may have a host base path of its own (truenas-gitops.targets.<name>.host-base-path)
        Path hostBasePath = options.hostBasePathFor(settings.target());
        ComposeRenderer.Result result = ComposeRenderer.render(new ComposeRenderer.Request(
                name, text.get(), composeRel, dir, rel, variables, hostBasePath, repoRoot, budget,
                encrypted, new StackFolderFiles(dir, repoRoot, encrypted), overrides));
        problems.addAll(result.problems());
        boolean hasErrors = problems.stream().anyMatch(Problem::isError);
        // Files in a fixed order, then document order: what people read top to bottom in their editor.
        List<Problem> masked = problems.stream().map(p -> mask(p, variables))
                .sorted(Comparator.comparing((Problem p) -> p.file() == null ? "" : p.file())
                        .thenComparingInt(Problem::line).thenComparingInt(Problem::column))
                .toList();
        return new LoadedStack(name, rel, composeFile, settings, hasErrors ? null : result.rendered(), masked,
                result.files());
    }

    /**
     * Adds the values of {@code stack.yaml}'s {@code variablesFrom} file as the lowest layer: a SOPS-encrypted file
     * is decrypted in memory and its values are secrets; a plain one is read as dotenv, YAML or JSON by content.
     */
    private static void variablesFrom(String name, List<String> secrets, Path dir, Path repoRoot, String rel,
            EncryptedFiles encrypted, Variables.Builder layers, List<Problem> problems) {
        String display = rel + "/" + name;
        Path file = dir.resolve(name).normalize();
        if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
            problems.add(new Problem(Problem.Severity.ERROR, rel + "/stack.yaml", 0, 0, "variablesFrom",
                    "variablesFrom names " + name + ", which is not a file in " + rel + ": add it or fix the name"));
            return;
        }
        Optional<String> text = read(file, repoRoot, RepoFiles.MAX_ENV_BYTES, display, problems);
        if (text.isEmpty()) {
            return;
        }
        EnvFileReader.Content content = encrypted.read(text.get(), display);
        if (content instanceof EnvFileReader.Unreadable u) {
            problems.add(new Problem(Problem.Severity.ERROR, display, 0, 0, "", u.reason()));
        } else if (content instanceof EnvFileReader.Values v) {
            v.notes().forEach(n -> problems.add(new Problem(Problem.Severity.WARNING, display, 0, 0, "", n)));
            Map<String, String> values = checked(v.values(), secrets, text.get(), display, problems);
            if (v.secret()) {
                layers.secrets(display + " (SOPS-encrypted)", values);
            } else {
                layers.plain(display, values);
            }
        } else if (content instanceof EnvFileReader.DotEnvText t) {
            Map<String, String> values = checked(plainValues(t.text(), name, display, problems), secrets, t.text(),
                    display, problems);
            if (t.secret()) {
                layers.secrets(display + " (SOPS-encrypted)", values);
            } else {
                layers.plain(display, values);
            }
        }
    }

    /**
     * The checks {@code stack.yaml}'s {@code variables:} has, for the names of a {@code variablesFrom} file: a name
     * that is not letters, digits and '_' is an error and left out, and so is a name {@code secrets:} declares (a
     * secret comes from the secrets directory only). Located at the name's line in the file (SOPS leaves names
     * in clear); no value is ever quoted.
     */
    private static Map<String, String> checked(Map<String, String> values, List<String> secrets, String text,
            String display, List<Problem> problems) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!StackSettingsReader.isVariableName(k)) {
                problems.add(new Problem(Problem.Severity.ERROR, display, lineOf(text, k), 0, k,
                        "variable name '" + k + "' must be letters, digits and '_'"));
            } else if (secrets.contains(k)) {
                problems.add(new Problem(Problem.Severity.ERROR, display, lineOf(text, k), 0, k, "secret " + k
                        + " also has a value in " + display + ": a secret comes from the secrets directory only;"
                        + " remove one of the two"));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The 1-based line where {@code name} is written as a key (dotenv, YAML or JSON), or 0 when not found. */
    static int lineOf(String text, String name) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.startsWith("export ")) {
                l = l.substring("export ".length()).strip();
            }
            for (String key : List.of(name, "\"" + name + "\"", "'" + name + "'")) {
                if (l.startsWith(key)) {
                    String rest = l.substring(key.length()).stripLeading();
                    if (rest.startsWith(":") || rest.startsWith("=")) {
                        return i + 1;
                    }
                }
            }
        }
        return 0;
    }

    /** A plain variables file: YAML/JSON by extension (top-level scalars), dotenv otherwise (literal values). */
    private static Map<String, String> plainValues(String text, String name, String display, List<Problem> problems) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json")) {
            YamlLoader.Result r = YamlLoader.load(text, display);
            problems.addAll(r.problems());
            Map<String, String> out = new java.util.LinkedHashMap<>();
            if (r.root() instanceof Map<?, ?> m) {
                m.forEach((k, v) -> {
                    if (v instanceof Map<?, ?> || v instanceof List<?>) {
                        problems.add(new Problem(Problem.Severity.ERROR, display, 0, 0, String.valueOf(k),
                                "variable " + k + " must be a plain value, not a list or mapping"));
                    } else {
                        out.put(String.valueOf(k), v == null ? "" : String.valueOf(v));
                    }
                });
            } else if (r.ok()) {
                problems.add(new Problem(Problem.Severity.ERROR, display, 0, 0, "",
                        "a variables file is a mapping of NAME: value"));
            }
            return out;
        }
        DotEnv.Result parsed = DotEnv.parse(text, display, n -> Optional.empty());
        problems.addAll(parsed.problems());
        return parsed.values();
    }

    /**
     * The secrets-directory values with every secret {@code stack.yaml} declares: one absent from the directory is
     * a placeholder, and under {@link StacksOptions.MissingSecrets#ERROR} (the daemon, {@code render},
     * {@code validate --secrets-dir}) also an error at its {@code secrets} entry.
     */
    static Map<String, String> withDeclaredSecrets(StackSettings settings, Map<String, String> secrets,
            StacksOptions options, SourceMap settingsMap, List<Problem> problems) {
        Map<String, String> out = new HashMap<>(secrets);
        List<String> declared = settings.secrets();
        for (int i = 0; i < declared.size(); i++) {
            String name = declared.get(i);
            if (secrets.containsKey(name)) {
                continue;
            }
            // A placeholder in every case: when missing is an error, the stack is invalid anyway, and the error on
            // the declaration says all there is to say (no second "is not set" for each use).
            out.put(name, placeholder(name));
            if (options.missingSecrets() == StacksOptions.MissingSecrets.PLACEHOLDER) {
                continue;
            }
            if (options.secretsDir() == null) {
                problems.add(settingsMap.error(SourceMap.index("secrets", i), "secret " + name + " is declared but no"
                        + " secrets directory is set: give one (--secrets-dir, or the daemon's secrets directory) with"
                        + " a file named " + name));
            } else {
                problems.add(settingsMap.error(SourceMap.index("secrets", i), "secret " + name + " is declared but"
                        + " the secrets directory has no file named " + name + ": add it (its content is the value)"));
            }
        }
        return out;
    }

    /** The stand-in for a declared secret when checking without a secrets directory (masked like a real one). */
    static String placeholder(String name) {
        return "placeholder-for-" + name;
    }

    private static Problem mask(Problem p, Variables variables) {
        var masker = variables.masker();
        return new Problem(p.severity(), p.file(), p.line(), p.column(), masker.mask(p.path()), masker.mask(p.message()));
    }

    /**
     * Loads one stack so that nothing it holds can end the scan: the bounds of {@link RepoFiles} and
     * {@link ExpansionBudget} stop hostile input, and a failure they missed (a bug) becomes this stack's error.
     */
    private static LoadedStack loadAlone(Path repoRoot, Path dir, StacksOptions options, Map<String, String> secrets,
            StackLoader loader) {
        try {
            return loader.load(repoRoot, dir, options, secrets);
        } catch (RuntimeException | StackOverflowError e) {
            String rel = relative(repoRoot, dir);
            return new LoadedStack(dir.getFileName().toString(), rel, null, StackSettings.defaults(), null,
                    List.of(new Problem(Problem.Severity.ERROR, rel, 0, 0, "", "internal error while loading the"
                            + " stack (" + e.getClass().getSimpleName() + "): nothing of it is applied and the other"
                            + " stacks go on; please report it with the stack's files")));
        }
    }

    /** Unknown and cyclic {@code dependsOn} entries become errors of the stacks that name them. */
    private static List<LoadedStack> checkDependencies(List<LoadedStack> stacks) {
        Map<String, LoadedStack> byName = new HashMap<>();
        stacks.forEach(s -> byName.put(s.name(), s));
        List<LoadedStack> out = new ArrayList<>();
        for (LoadedStack s : stacks) {
            List<Problem> extra = new ArrayList<>();
            String file = s.relativeDir() + "/stack.yaml";
            // stack.yaml is parsed again only to locate a problem: a pass with nothing wrong parses nothing twice
            SourceMap[] located = new SourceMap[1];
            java.util.function.Supplier<SourceMap> smOnce = () -> located[0] != null ? located[0]
                    : (located[0] = settingsSourceMap(s, file));
            List<String> deps = s.settings().dependsOn();
            for (int i = 0; i < deps.size(); i++) {
                String dep = deps.get(i);
                if (dep.equals(s.name())) {
                    extra.add(smOnce.get().error(SourceMap.index("dependsOn", i), "stack '" + s.name() + "' depends on itself"));
                } else if (!byName.containsKey(dep)) {
                    extra.add(smOnce.get().error(SourceMap.index("dependsOn", i),
                            "depends on stack '" + dep + "', which is not in the repository"));
                }
            }
            List<String> cycle = cycleFrom(s.name(), byName);
            if (!cycle.isEmpty()) {
                extra.add(smOnce.get().error("dependsOn", "dependency cycle: " + String.join(" -> ", cycle)
                        + "; remove one of these dependsOn entries"));
            }
            if (extra.isEmpty()) {
                out.add(s);
            } else {
                List<Problem> all = new ArrayList<>(s.problems());
                all.addAll(extra);
                out.add(new LoadedStack(s.name(), s.relativeDir(), s.composeFile(), s.settings(), null, all,
                        s.composeFiles()));
            }
        }
        return out;
    }

    /** Where things are in the stack's stack.yaml, to locate problems found after loading it. */
    private static SourceMap settingsSourceMap(LoadedStack s, String file) {
        if (s.composeFile() == null) {
            return SourceMap.empty(file);
        }
        Path settings = s.composeFile().resolveSibling("stack.yaml");
        // The stack was loaded, so this file was read once already, within the repository and its bound.
        RepoFiles.Read read = RepoFiles.read(settings, settings.getParent(), "the stack folder",
                RepoFiles.MAX_SETTINGS_BYTES);
        return read instanceof RepoFiles.Text t ? YamlLoader.load(t.text(), file).sourceMap() : SourceMap.empty(file);
    }

    private static List<String> cycleFrom(String start, Map<String, LoadedStack> byName) {
        List<String> path = new ArrayList<>();
        return dfs(start, start, byName, path, new HashSet<>()) ? path : List.of();
    }

    private static boolean dfs(String start, String at, Map<String, LoadedStack> byName, List<String> path,
            Set<String> seen) {
        path.add(at);
        LoadedStack s = byName.get(at);
        if (s != null) {
            for (String dep : s.settings().dependsOn()) {
                if (dep.equals(at)) {
                    continue; // reported on its own as "depends on itself"
                }
                if (dep.equals(start)) {
                    path.add(dep);
                    return true;
                }
                if (seen.add(dep) && dfs(start, dep, byName, path, seen)) {
                    return true;
                }
            }
        }
        path.remove(path.size() - 1);
        return false;
    }

    /**
     * The repository root a lone stack folder belongs to: the parent of its stacks folder when it sits in one
     * (so that {@code stacks/web} is named as the daemon would name it), else its own parent.
     */
    public static Path repoRootOf(Path stackDir, StacksOptions options) {
        Path dir = stackDir.toAbsolutePath().normalize();
        Path parent = dir.getParent() == null ? dir : dir.getParent();
        Path stacksDir = Path.of(options.stacksDir()).normalize();
        Path root = parent;
        for (int i = 0; i < stacksDir.getNameCount(); i++) {
            if (root == null) {
                return parent;
            }
            root = root.getParent();
        }
        return root != null && root.resolve(stacksDir).normalize().equals(parent) ? root : parent;
    }

    /**
     * Whether {@code dir} is a stack folder: it has a compose file, or its stack.yaml names its compose files
     * ({@code composeFiles:}).
     *
     * @param repoRoot files read must be inside it
     */
    public static boolean isStackFolder(Path dir, Path repoRoot) {
        return !composeFiles(dir).isEmpty() || listsComposeFiles(dir, repoRoot);
    }

    /** Whether the folder's stack.yaml names its compose files ({@code composeFiles:}): a stack without compose.yaml. */
    private static boolean listsComposeFiles(Path dir, Path repoRoot) {
        Path settings = dir.resolve("stack.yaml");
        if (!Files.isRegularFile(settings)) {
            return false;
        }
        RepoFiles.Read read = RepoFiles.read(settings, repoRoot, "the repository", RepoFiles.MAX_SETTINGS_BYTES);
        return read instanceof RepoFiles.Text t
                && !StackSettingsReader.read(t.text(), "stack.yaml").settings().composeFiles().isEmpty();
    }

    /** The compose files present in {@code dir}, in docker compose's order of preference. */
    public static List<Path> composeFiles(Path dir) {
        return COMPOSE_FILE_NAMES.stream().map(dir::resolve).filter(Files::isRegularFile).toList();
    }

    /** Reads a file of the stack only when it is inside the repository (links resolved) and within its bound. */
    private static Optional<String> read(Path file, Path repoRoot, long maxBytes, String display,
            List<Problem> problems) {
        RepoFiles.Read read = RepoFiles.read(file, repoRoot, "the repository", maxBytes);
        if (read instanceof RepoFiles.Text t) {
            return Optional.of(t.text());
        }
        problems.add(new Problem(Problem.Severity.ERROR, display, 0, 0, "", ((RepoFiles.Refused) read).reason()));
        return Optional.empty();
    }

    static String relative(Path root, Path p) {
        Path r;
        try {
            r = root.toAbsolutePath().normalize().relativize(p.toAbsolutePath().normalize());
        } catch (IllegalArgumentException e) {
            r = p;
        }
        String s = r.toString().replace('\\', '/');
        return s.isEmpty() ? "." : s;
    }

    /** A valid app name close to {@code name}: lowercased, other characters made '-', cut to the longest allowed. */
    public static String suggest(String name) {
        String s = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^[^a-z]+", "")
                .replaceAll("-+$", "");
        if (s.length() > MAX_APP_NAME) {
            s = s.substring(0, MAX_APP_NAME).replaceAll("-+$", "");
        }
        return s.isEmpty() ? "app" : s;
    }
}
