package io.truenasgitops.compose;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A compose project made of several files, merged into the one document TrueNAS receives ({@code app.create}
 * takes a single compose): the main file, then each override file merged onto it ({@link ComposeMerge}); in each
 * file its {@code include:} (each included project with its own directory and {@code .env}, its paths made relative
 * to the stack folder by {@link Relocate}) and its services' {@code extends:} (same file or {@code file:}).
 * Every value keeps the file and line it was written on. Files are read through {@link StackFiles}, so only files
 * inside the stack folder can take part.
 */
public final class ComposeProject {

    private ComposeProject() {}

    /** Most files one project may read (includes and extends counted), as a bound on runaway includes. */
    public static final int MAX_FILES = 64;

    private static final List<String> SECTIONS = List.of("services", "networks", "volumes", "configs", "secrets");

    /**
     * What to load.
     *
     * @param mainText the main compose file's content
     * @param mainFile the main file as shown in problems ({@code stacks/web/compose.yaml})
     * @param overrides the files merged onto it, in order, relative to the stack folder
     * @param displayDir the stack folder as shown in problems ({@code stacks/web}); files are named under it
     * @param variables the stack's interpolation values
     * @param budget the stack's interpolation budget
     * @param files reads the stack folder
     */
    public record Request(String mainText, String mainFile, List<String> overrides, String displayDir,
            Variables variables, ExpansionBudget budget, StackFiles files) {
        public Request {
            overrides = overrides == null ? List.of() : List.copyOf(overrides);
            files = files == null ? StackFiles.NONE : files;
            budget = budget == null ? ExpansionBudget.perStack() : budget;
        }
    }

    /**
     * The merged, interpolated document (null when a file could not be read as YAML), where its values are, the
     * files read (as shown in problems, main first) and what went wrong.
     */
    public record Result(Object tree, SourceMap sourceMap, List<String> files, List<Problem> problems) {
        public Result {
            files = List.copyOf(files);
            problems = List.copyOf(problems);
        }
    }

    /** Loads and merges the project. */
    public static Result load(Request request) {
        return new Loader(request).run();
    }

    private static final class Loader {
        private final Request request;
        private final List<Problem> problems = new ArrayList<>();
        private final LinkedHashSet<String> used = new LinkedHashSet<>();
        /** Each file is read once, however many services extend from it or includes name it. */
        private final Map<String, String> texts = new java.util.HashMap<>();

        Loader(Request request) {
            this.request = request;
        }

        Result run() {
            used.add(request.mainFile());
            YamlLoader.Result loaded = YamlLoader.load(request.mainText(), request.mainFile());
            problems.addAll(loaded.problems());
            if (!loaded.ok()) {
                return new Result(null, loaded.sourceMap(), List.copyOf(used), problems);
            }
            if (!(loaded.root() instanceof Map<?, ?>) && request.overrides().isEmpty()) {
                // Not a compose document: the checks after this say so, in their words.
                SourceMap sm = loaded.sourceMap();
                problems.addAll(UnquotedNumbers.check(loaded.root(), sm));
                Interpolator.Result r = Interpolator.interpolate(loaded.root(), request.variables(), sm,
                        request.budget());
                problems.addAll(r.problems());
                return new Result(r.tree(), sm, List.copyOf(used), problems);
            }
            ComposeMerge.Layer main = file(loaded, "", request.variables(), new ArrayList<>(List.of(request.mainFile())));
            if (main == null) {
                return new Result(null, loaded.sourceMap(), List.copyOf(used), problems);
            }
            ComposeMerge.Layer project = ComposeMerge.single(main);
            for (String override : request.overrides()) {
                String display = display(override);
                Optional<String> text = read(override, null, "", display);
                if (text.isEmpty()) {
                    continue;
                }
                used.add(display);
                YamlLoader.Result o = YamlLoader.load(text.get(), display);
                problems.addAll(o.problems());
                if (!o.ok()) {
                    continue;
                }
                // As with 'docker compose -f a -f b': every file's relative paths are relative to the project
                // directory (the main file's, the stack folder), wherever the file itself is.
                ComposeMerge.Layer layer = file(o, "", request.variables(), new ArrayList<>(List.of(display)));
                if (layer != null) {
                    project = ComposeMerge.merge(project, layer);
                }
            }
            return new Result(project.tree(), project.sourceMap(), List.copyOf(used), problems);
        }

        /**
         * One loaded file made whole: interpolated, paths made relative to the stack folder, its includes and
         * extends resolved. Tags are kept for the merge that follows.
         */
        @SuppressWarnings("unchecked")
        private ComposeMerge.Layer file(YamlLoader.Result loaded, String projectDir, Variables variables,
                List<String> chain) {
            SourceMap sm = loaded.sourceMap();
            if (!(loaded.root() instanceof Map<?, ?>)) {
                problems.add(sm.error("", "a compose file must be a mapping with 'services:'"));
                return null;
            }
            problems.addAll(UnquotedNumbers.check(loaded.root(), sm));
            Interpolator.Result interpolated = Interpolator.interpolate(loaded.root(), variables, sm,
                    request.budget());
            problems.addAll(interpolated.problems());
            Map<String, Object> tree = new LinkedHashMap<>((Map<String, Object>) interpolated.tree());
            Object include = tree.remove("include");
            tree = Relocate.apply(tree, projectDir);
            if (include != null) {
                include(tree, sm, include, projectDir, variables, chain);
            }
            extendsAll(tree, sm, projectDir, variables, chain);
            return new ComposeMerge.Layer(tree, sm);
        }

        @SuppressWarnings("unchecked")
        private void include(Map<String, Object> tree, SourceMap sm, Object include, String projectDir,
                Variables variables, List<String> chain) {
            if (!(include instanceof List<?> entries)) {
                problems.add(sm.error("include", "'include' must be a list of files (or of mappings with 'path')"));
                return;
            }
            for (int i = 0; i < entries.size(); i++) {
                String at = SourceMap.index("include", i);
                Object entry = entries.get(i);
                List<String> paths = new ArrayList<>();
                String dirOverride = null;
                List<String> envFiles = new ArrayList<>();
                if (entry instanceof String s) {
                    paths.add(s);
                } else if (entry instanceof Map<?, ?> m) {
                    Object p = m.get("path");
                    if (p instanceof String s) {
                        paths.add(s);
                    } else if (p instanceof List<?> l) {
                        l.forEach(x -> paths.add(String.valueOf(x)));
                    }
                    if (m.get("project_directory") instanceof String d) {
                        dirOverride = d;
                    }
                    Object env = m.get("env_file");
                    if (env instanceof String s) {
                        envFiles.add(s);
                    } else if (env instanceof List<?> l) {
                        l.forEach(x -> envFiles.add(String.valueOf(x)));
                    }
                }
                if (paths.isEmpty()) {
                    problems.add(sm.error(at, "include entry needs a 'path': the compose file to include"));
                    continue;
                }
                List<String> resolved = new ArrayList<>();
                for (String p : paths) {
                    resolve(projectDir, p, sm, at, "include").ifPresent(resolved::add);
                }
                if (resolved.size() != paths.size()) {
                    continue;
                }
                String includedDir = dirOverride == null ? parentOf(resolved.get(0))
                        : resolve(projectDir, dirOverride, sm, at + ".project_directory", "include").orElse(null);
                if (includedDir == null) {
                    continue;
                }
                boolean defaultEnv = envFiles.isEmpty();
                if (defaultEnv) {
                    envFiles.add(includedDir.isEmpty() ? ".env" : includedDir + "/.env");
                    envFiles.replaceAll(e -> relativeTo(projectDir, e));
                }
                Variables own = withEnvFiles(variables, envFiles, projectDir, sm, at, defaultEnv);
                ComposeMerge.Layer included = null;
                for (String p : resolved) {
                    String display = display(p);
                    if (chain.contains(display)) {
                        List<String> cycle = new ArrayList<>(chain);
                        cycle.add(display);
                        problems.add(sm.error(at, "include cycle: " + String.join(" -> ", cycle)
                                + "; remove one of these includes"));
                        included = null;
                        break;
                    }
                    Optional<String> text = read(p, sm, at, display);
                    if (text.isEmpty()) {
                        included = null;
                        break;
                    }
                    used.add(display);
                    YamlLoader.Result loaded = YamlLoader.load(text.get(), display);
                    problems.addAll(loaded.problems());
                    if (!loaded.ok()) {
                        included = null;
                        break;
                    }
                    List<String> next = new ArrayList<>(chain);
                    next.add(display);
                    ComposeMerge.Layer layer = file(loaded, includedDir, own, next);
                    if (layer == null) {
                        included = null;
                        break;
                    }
                    included = included == null ? ComposeMerge.single(layer) : ComposeMerge.merge(included, layer);
                }
                if (included != null) {
                    importResources(tree, sm, included);
                }
            }
        }

        /** Copies an included project's resources in; the same name defined differently is an error, as in compose. */
        @SuppressWarnings("unchecked")
        private void importResources(Map<String, Object> tree, SourceMap sm, ComposeMerge.Layer included) {
            for (String section : SECTIONS) {
                if (!(included.tree().get(section) instanceof Map<?, ?> theirs)) {
                    continue;
                }
                Map<String, Object> ours = tree.get(section) instanceof Map<?, ?> m
                        ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
                if (!tree.containsKey(section)) {
                    ComposeMerge.place(Map.of(), included.sourceMap(), section, sm, section);
                }
                for (Map.Entry<?, ?> e : theirs.entrySet()) {
                    String name = String.valueOf(e.getKey());
                    String path = SourceMap.child(section, name);
                    if (ours.containsKey(name)) {
                        if (!java.util.Objects.equals(ours.get(name), e.getValue())) {
                            String what = section.substring(0, section.length() - 1);
                            problems.add(sm.error(path, what + " '" + name + "' is defined both here and in "
                                    + included.sourceMap().fileOf(path) + " (line "
                                    + included.sourceMap().locate(path).line() + "): docker compose refuses an"
                                    + " included " + what + " that conflicts with one of the including file;"
                                    + " rename or remove one of them"));
                        }
                        continue;
                    }
                    ours.put(name, e.getValue());
                    ComposeMerge.place(e.getValue(), included.sourceMap(), path, sm, path);
                }
                tree.put(section, ours);
            }
        }

        @SuppressWarnings("unchecked")
        private void extendsAll(Map<String, Object> tree, SourceMap sm, String projectDir, Variables variables,
                List<String> chain) {
            if (!(tree.get("services") instanceof Map<?, ?> services)) {
                return;
            }
            Map<String, Object> resolvedServices = new LinkedHashMap<>((Map<String, Object>) services);
            for (String name : new ArrayList<>(resolvedServices.keySet())) {
                Object svc = extendService(name, resolvedServices, sm, projectDir, variables,
                        new ArrayList<>(), chain.get(chain.size() - 1));
                resolvedServices.put(name, svc);
            }
            tree.put("services", resolvedServices);
        }

        /**
         * The service {@code name} of {@code services} with its {@code extends} resolved (recursively); positions
         * of what it takes from its base are recorded in {@code sm}.
         */
        @SuppressWarnings("unchecked")
        private Object extendService(String name, Map<String, Object> services, SourceMap sm, String projectDir,
                Variables variables, List<String> seen, String file) {
            Object svc = services.get(name);
            String path = SourceMap.child("services", name);
            if (!(svc instanceof Map<?, ?> m) || !m.containsKey("extends")) {
                return svc;
            }
            Map<String, Object> local = new LinkedHashMap<>((Map<String, Object>) m);
            Object ext = local.remove("extends");
            String extPath = SourceMap.child(path, "extends");
            String baseName = null;
            String baseFile = null;
            if (ext instanceof String s) {
                baseName = s;
            } else if (ext instanceof Map<?, ?> e) {
                baseName = e.get("service") instanceof String s ? s : null;
                baseFile = e.get("file") instanceof String f ? f : null;
            }
            if (baseName == null) {
                problems.add(sm.error(extPath, "'extends' needs 'service': the name of the service to extend"));
                return local;
            }
            String key = file + " service '" + name + "'";
            if (seen.contains(key)) {
                List<String> cycle = new ArrayList<>(seen);
                cycle.add(key);
                problems.add(sm.error(extPath, "extends cycle: " + String.join(" -> ", cycle)
                        + "; a service cannot extend itself, directly or through others"));
                return local;
            }
            List<String> next = new ArrayList<>(seen);
            next.add(key);
            Map<String, Object> base;
            SourceMap baseMap;
            String basePath = SourceMap.child("services", baseName);
            if (baseFile == null) {
                if (!services.containsKey(baseName)) {
                    problems.add(sm.error(extPath, "service '" + name + "' extends '" + baseName + "', which is not"
                            + " defined in " + file + ": define it or fix the name"));
                    return local;
                }
                Object b = extendService(baseName, services, sm, projectDir, variables, next, file);
                if (!(b instanceof Map<?, ?> bm)) {
                    return local;
                }
                base = (Map<String, Object>) bm;
                baseMap = sm;
            } else {
                Optional<String> rel = resolve(projectDir, baseFile, sm, extPath + ".file", "extends");
                if (rel.isEmpty()) {
                    return local;
                }
                String display = display(rel.get());
                Optional<String> text = read(rel.get(), sm, extPath + ".file", display);
                if (text.isEmpty()) {
                    return local;
                }
                used.add(display);
                YamlLoader.Result loaded = YamlLoader.load(text.get(), display);
                problems.addAll(loaded.problems());
                if (!loaded.ok() || !(loaded.root() instanceof Map<?, ?> root)) {
                    return local;
                }
                baseMap = loaded.sourceMap();
                problems.addAll(UnquotedNumbers.check(root, baseMap));
                Interpolator.Result interpolated = Interpolator.interpolate(root, variables, baseMap,
                        request.budget());
                problems.addAll(interpolated.problems());
                Map<String, Object> other = (Map<String, Object>) interpolated.tree();
                if (!(other.get("services") instanceof Map<?, ?> otherServices)
                        || !otherServices.containsKey(baseName)) {
                    problems.add(sm.error(extPath, "service '" + name + "' extends '" + baseName + "', which is not"
                            + " defined in " + display + ": define it there or fix the name"));
                    return local;
                }
                Map<String, Object> theirs = new LinkedHashMap<>((Map<String, Object>) otherServices);
                Object b = extendService(baseName, theirs, baseMap, parentOf(rel.get()), variables, next, display);
                if (!(b instanceof Map<?, ?> bm)) {
                    return local;
                }
                base = Relocate.service((Map<String, Object>) bm, parentOf(rel.get()));
            }
            SourceMap out = sm;
            return ComposeMerge.extend(base, baseMap, basePath, local, sm, path, out);
        }

        /** The env files of an include, layered under the including project's values (which win). */
        private Variables withEnvFiles(Variables variables, List<String> envFiles, String projectDir, SourceMap sm,
                String at, boolean optional) {
            List<Variables.Layer> layers = new ArrayList<>(variables.layers());
            for (String env : envFiles) {
                Optional<String> rel = resolve(projectDir, env, sm, at, "include env_file");
                if (rel.isEmpty()) {
                    continue;
                }
                StackFiles.Entry entry = request.files().look(rel.get(), RepoFiles.MAX_ENV_BYTES);
                if (entry instanceof StackFiles.Missing && optional) {
                    continue;
                }
                Optional<String> text = text(entry, rel.get(), sm, at, display(rel.get()), RepoFiles.MAX_ENV_BYTES);
                if (text.isEmpty()) {
                    continue;
                }
                DotEnv.Result parsed = DotEnv.parse(text.get(), display(rel.get()),
                        name -> variables.lookup(name).map(Variables.Value::value), request.budget());
                problems.addAll(parsed.problems());
                boolean secret = entry instanceof StackFiles.File f && f.secret();
                layers.add(new Variables.Layer(display(rel.get()), parsed.values(), secret));
            }
            return Variables.of(layers);
        }

        private Optional<String> read(String rel, SourceMap sm, String at, String display) {
            if (texts.containsKey(rel)) {
                return Optional.of(texts.get(rel));
            }
            if (texts.size() >= MAX_FILES) {
                problems.add(error(sm, at, display, "more than " + MAX_FILES + " compose files in one project"
                        + " (includes and extends counted): refusing to read more; is an include repeating itself?"));
                return Optional.empty();
            }
            Optional<String> text = text(request.files().look(rel, RepoFiles.MAX_COMPOSE_BYTES), rel, sm, at, display,
                    RepoFiles.MAX_COMPOSE_BYTES);
            text.ifPresent(t -> texts.put(rel, t));
            return text;
        }

        private Optional<String> text(StackFiles.Entry entry, String rel, SourceMap sm, String at, String display,
                long max) {
            String reason;
            if (entry instanceof StackFiles.File f) {
                if (f.bytes().length > max) {
                    reason = "it is larger than " + max + " bytes";
                } else {
                    try {
                        return Optional.of(StandardCharsets.UTF_8.newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT)
                                .decode(ByteBuffer.wrap(f.bytes())).toString());
                    } catch (CharacterCodingException e) {
                        reason = "it is not UTF-8 text";
                    }
                }
            } else if (entry instanceof StackFiles.Missing) {
                reason = "it does not exist";
            } else if (entry instanceof StackFiles.Folder) {
                reason = "it is a folder";
            } else {
                reason = ((StackFiles.Refused) entry).reason();
            }
            problems.add(error(sm, at, display, "cannot read " + display + ": " + reason));
            return Optional.empty();
        }

        private Problem error(SourceMap sm, String at, String display, String message) {
            return sm == null ? new Problem(Problem.Severity.ERROR, display, 0, 0, "", message) : sm.error(at, message);
        }

        /** {@code p}, written in a file of {@code projectDir}, relative to the stack folder; refused outside it. */
        private Optional<String> resolve(String projectDir, String p, SourceMap sm, String at, String what) {
            if (p.contains("://") || p.startsWith("oci:") || p.startsWith("git@")) {
                problems.add(sm.error(at, what + " '" + p + "' is remote: TrueNAS receives one document and"
                        + " truenas-gitops reads only the stacks repository; copy the file into the stack folder"));
                return Optional.empty();
            }
            if (p.startsWith("/") || p.startsWith("~")) {
                problems.add(sm.error(at, what + " '" + p + "' is an absolute path: only files inside the stack"
                        + " folder can take part; copy the file into the stack folder and name it relatively"));
                return Optional.empty();
            }
            String joined = Path.of(projectDir).resolve(p).normalize().toString().replace('\\', '/');
            if (joined.equals("..") || joined.startsWith("../")) {
                problems.add(sm.error(at, what + " '" + p + "' is outside the stack folder: only files inside it"
                        + " are read (the stack cache and the change detection cover that folder); move the file"
                        + " into the stack folder"));
                return Optional.empty();
            }
            return Optional.of(joined);
        }

        private String display(String rel) {
            String dir = request.displayDir();
            return dir == null || dir.isEmpty() ? rel : dir + "/" + rel;
        }
    }

    private static String relativeTo(String projectDir, String stackRelative) {
        // envFiles are resolved against projectDir later; give the default one relative to it.
        if (projectDir.isEmpty()) {
            return stackRelative;
        }
        return Path.of(projectDir).relativize(Path.of(stackRelative)).toString().replace('\\', '/');
    }

    static String parentOf(String rel) {
        Path parent = Path.of(rel).getParent();
        return parent == null ? "" : parent.toString().replace('\\', '/');
    }
}
