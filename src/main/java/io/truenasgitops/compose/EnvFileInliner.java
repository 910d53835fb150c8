package io.truenasgitops.compose;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Replaces each service's {@code env_file} with the variables it names, merged into {@code environment} with
 * compose's precedence: later files override earlier ones, and {@code environment} overrides them all. TrueNAS
 * only receives the compose document, never the files beside it, so a relative {@code env_file} would point at
 * nothing on the NAS.
 *
 * <p>Relative paths are resolved against the stack folder and must stay inside it, and the file read (links
 * resolved) inside the repository (see {@link RepoFiles}). Absolute paths are left in
 * place (they are read on the NAS at deploy time) with a warning. Accepts the string, list and long
 * ({@code {path, required}}) forms.
 */
public final class EnvFileInliner {

    private EnvFileInliner() {}

    /**
     * The tree with env files inlined, and the problems found.
     *
     * @param secretValues values that came from encrypted env files: secrets to mask
     */
    public record Result(Map<String, Object> compose, List<Problem> problems, List<String> secretValues) {
        public Result(Map<String, Object> compose, List<Problem> problems) {
            this(compose, problems, List.of());
        }
    }

    /**
     * Inlines env files.
     *
     * @param compose the interpolated compose (not changed)
     * @param stackDir the stack folder, against which relative paths resolve
     * @param displayDir how to name the stack folder in problems (e.g. {@code stacks/web})
     * @param sourceMap locates problems in the compose file
     * @param lookup values for {@code ${VAR}} inside the env files
     */
    public static Result inline(Map<String, Object> compose, Path stackDir, String displayDir, SourceMap sourceMap,
            Function<String, Optional<String>> lookup) {
        return inline(compose, stackDir, stackDir, displayDir, sourceMap, lookup, ExpansionBudget.perStack());
    }

    /**
     * Inlines env files, reading only files inside {@code root} and charging expansions to the stack's budget.
     *
     * @param root the repository root: an env file whose real path (links resolved) is outside it is refused
     * @param budget the stack's interpolation budget
     */
    public static Result inline(Map<String, Object> compose, Path stackDir, Path root, String displayDir,
            SourceMap sourceMap, Function<String, Optional<String>> lookup, ExpansionBudget budget) {
        return inline(compose, stackDir, root, displayDir, sourceMap, lookup, budget, EnvFileReader.PLAIN);
    }

    /**
     * Inlines env files, each read through {@code reader} (which may decrypt it).
     *
     * @param reader turns an env file's text into its values
     */
    public static Result inline(Map<String, Object> compose, Path stackDir, Path root, String displayDir,
            SourceMap sourceMap, Function<String, Optional<String>> lookup, ExpansionBudget budget,
            EnvFileReader reader) {
        List<Problem> problems = new ArrayList<>();
        List<String> secretValues = new ArrayList<>();
        Map<String, Object> out = new LinkedHashMap<>(compose);
        if (!(compose.get("services") instanceof Map<?, ?> services)) {
            return new Result(out, problems);
        }
        Map<String, Object> newServices = new LinkedHashMap<>();
        services.forEach((name, svc) -> {
            if (svc instanceof Map<?, ?> s && s.containsKey("env_file")) {
                newServices.put(String.valueOf(name), inlineService(String.valueOf(name), s, stackDir, root,
                        displayDir, sourceMap, lookup, budget, problems, reader, secretValues));
            } else {
                newServices.put(String.valueOf(name), svc);
            }
        });
        out.put("services", newServices);
        return new Result(out, List.copyOf(problems), List.copyOf(secretValues));
    }

    private static Map<String, Object> inlineService(String name, Map<?, ?> svc, Path stackDir, Path root,
            String displayDir, SourceMap sourceMap, Function<String, Optional<String>> lookup, ExpansionBudget budget,
            List<Problem> problems, EnvFileReader reader, List<String> secretValues) {
        String base = "services." + name + ".env_file";
        Object spec = svc.get("env_file");
        List<Object> entries = spec instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>(List.of(spec));
        Map<String, String> fromFiles = new LinkedHashMap<>();
        List<Object> kept = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Object entry = entries.get(i);
            String path = spec instanceof List<?> ? SourceMap.index(base, i) : base;
            String file;
            boolean required = true;
            if (entry instanceof String s) {
                file = s;
            } else if (entry instanceof Map<?, ?> m && m.get("path") instanceof String s) {
                file = s;
                Object req = m.get("required");
                required = !(Boolean.FALSE.equals(req) || "false".equals(req));
            } else {
                problems.add(sourceMap.error(path, "env_file entries are a path or {path, required}"));
                continue;
            }
            if (file.startsWith("/")) {
                kept.add(entry);
                problems.add(sourceMap.warning(path, "env_file '" + file + "' is an absolute path: it is read on the"
                        + " NAS at deploy time, so truenas-gitops cannot see or diff its content"));
                continue;
            }
            Path resolved = stackDir.resolve(file).normalize();
            if (!resolved.startsWith(stackDir.normalize())) {
                problems.add(sourceMap.error(path, "env_file '" + file + "' points outside the stack folder "
                        + displayDir + ": only files inside it can be inlined; move the file into " + displayDir));
                continue;
            }
            if (!Files.exists(resolved)) {
                if (required) {
                    problems.add(sourceMap.error(path, "env_file '" + file + "' does not exist in " + displayDir
                            + ": add it, or mark it optional with {path: " + file + ", required: false}"));
                }
                continue;
            }
            RepoFiles.Read read = RepoFiles.read(resolved, root, "the repository", RepoFiles.MAX_ENV_BYTES);
            if (read instanceof RepoFiles.Refused r) {
                problems.add(sourceMap.error(path, "cannot read env_file '" + file + "': " + r.reason()));
                continue;
            }
            String text = ((RepoFiles.Text) read).text();
            String display = displayDir.isEmpty() ? file : displayDir + "/" + stackDir.relativize(resolved);
            EnvFileReader.Content content = reader.read(text, display);
            if (content instanceof EnvFileReader.Unreadable u) {
                problems.add(sourceMap.error(path, "env_file '" + file + "' cannot be used: " + u.reason()));
                continue;
            }
            Map<String, String> values;
            boolean secret;
            List<String> notes;
            if (content instanceof EnvFileReader.Values v) {
                values = v.values();
                secret = v.secret();
                notes = v.notes();
            } else {
                EnvFileReader.DotEnvText t = (EnvFileReader.DotEnvText) content;
                DotEnv.Result parsed = DotEnv.parse(t.text(), display, lookup, budget);
                problems.addAll(parsed.problems());
                values = parsed.values();
                secret = t.secret();
                notes = t.notes();
            }
            notes.forEach(n -> problems.add(sourceMap.warning(path, "env_file '" + file + "': " + n)));
            if (secret) {
                secretValues.addAll(values.values());
            }
            fromFiles.putAll(values);
        }
        Map<String, Object> env = new LinkedHashMap<>(fromFiles);
        Object explicit = svc.get("environment");
        if (explicit instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                // A name without a value means "from the shell" in compose; the env file is the better source here.
                if (v != null || !env.containsKey(String.valueOf(k))) {
                    env.put(String.valueOf(k), v);
                }
            });
        } else if (explicit instanceof List<?> l) {
            for (Object item : l) {
                String s = ComposeNormalizer.str(item);
                if (s == null) {
                    continue;
                }
                int eq = s.indexOf('=');
                if (eq >= 0) {
                    env.put(s.substring(0, eq), s.substring(eq + 1));
                } else if (!env.containsKey(s)) {
                    env.put(s, null);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        svc.forEach((k, v) -> {
            String key = String.valueOf(k);
            if ("env_file".equals(key)) {
                if (!kept.isEmpty()) {
                    out.put(key, kept);
                }
            } else if (!"environment".equals(key)) {
                out.put(key, v);
            }
        });
        if (!env.isEmpty()) {
            out.put("environment", env);
        }
        return out;
    }
}
