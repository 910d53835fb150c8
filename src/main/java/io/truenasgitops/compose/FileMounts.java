package io.truenasgitops.compose;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Delivers the files of the stack folder that a compose names to the containers, inside the compose itself:
 * TrueNAS only receives the document, so {@code ./Caddyfile:/etc/caddy/Caddyfile:ro} would bind a path that
 * does not exist on the NAS (Docker makes an empty folder there). Each such file becomes a top-level config with
 * {@code content:} (docker compose 2.23.1+, which copies it into the container when it creates it, mode 0444
 * unless set: pkg/compose/secrets.go of docker/compose) and the service gets a {@code configs:} entry with the
 * bind's target. Handled, all relative to the stack folder:
 * <ul>
 *   <li>bind mounts of a regular file (short and long syntax);</li>
 *   <li>bind mounts of a folder of text files: one config per file, each at its place under the target;</li>
 *   <li>{@code configs.*.file}: the file's content replaces {@code file:};</li>
 *   <li>{@code secrets.*.file}: secrets take no {@code content:} in the Compose Specification, so the secret
 *       becomes a config mounted where compose mounts a secret ({@code /run/secrets/<target or name>}), its
 *       content masked like every secret.</li>
 * </ul>
 * A bind whose source is not in the stack folder (or is a folder holding only {@code .gitkeep}-like
 * placeholders) is a data folder and left for {@link TrueNasValidator}. Pure: the files come from
 * {@link StackFiles}.
 */
public final class FileMounts {

    private FileMounts() {}

    /** The most one file may have to travel in the compose (bytes). */
    public static final int MAX_FILE_BYTES = 32 * 1024;
    /** The most all files of one stack may have together (bytes): the whole app fits in one 64 KiB message. */
    public static final int MAX_STACK_BYTES = 48 * 1024;
    /** The most files one bound folder may hold. */
    public static final int MAX_FOLDER_FILES = 64;
    /** Mode of a delivered file that is executable in the repository ({@code 0555}); others get compose's 0444. */
    public static final int EXECUTABLE_MODE = 0555;
    /** Files that only keep an empty folder in Git: a folder holding nothing else is a data folder. */
    public static final Set<String> PLACEHOLDERS = Set.of(".gitkeep", ".keep", ".gitignore");

    private static final int MAX_DEPTH = 8;

    /**
     * The compose with files delivered, the problems, and the contents that are secrets.
     *
     * @param tree the compose with the delivered files as configs; the bind mounts they replace are still in
     *     place (so that later checks locate problems by index), {@link #strip} removes them
     * @param secretValues contents of secret files (and of SOPS-encrypted ones): to mask
     * @param delivered the paths ({@code services.web.volumes[0]}) of the bind mounts now delivered as configs
     */
    public record Result(Object tree, List<Problem> problems, List<String> secretValues, Set<String> delivered) {
        public Result {
            problems = List.copyOf(problems);
            secretValues = List.copyOf(secretValues);
            delivered = Set.copyOf(delivered);
        }
    }

    /** The compose without the bind mounts at {@code delivered} (indexes as {@link #apply} saw them). */
    public static Map<String, Object> strip(Map<String, Object> compose, Set<String> delivered) {
        if (delivered.isEmpty() || !(compose.get("services") instanceof Map<?, ?> services)) {
            return compose;
        }
        Map<String, Object> out = new LinkedHashMap<>(compose);
        Map<String, Object> newServices = new LinkedHashMap<>();
        services.forEach((k, svc) -> {
            String base = "services." + k + ".volumes";
            if (svc instanceof Map<?, ?> m && m.get("volumes") instanceof List<?> volumes) {
                List<Object> kept = new ArrayList<>();
                for (int i = 0; i < volumes.size(); i++) {
                    if (!delivered.contains(SourceMap.index(base, i))) {
                        kept.add(volumes.get(i));
                    }
                }
                Map<String, Object> s = copy(m);
                if (kept.isEmpty()) {
                    s.remove("volumes");
                } else {
                    s.put("volumes", kept);
                }
                newServices.put(String.valueOf(k), s);
            } else {
                newServices.put(String.valueOf(k), svc);
            }
        });
        out.put("services", newServices);
        return out;
    }

    /**
     * Delivers the files a compose names.
     *
     * @param tree the interpolated compose
     * @param files the stack folder
     * @param displayDir the stack folder as shown in problems ({@code stacks/web})
     */
    public static Result apply(Object tree, SourceMap sm, StackFiles files, String displayDir) {
        if (!(tree instanceof Map<?, ?> rootMap) || files == null || files == StackFiles.NONE) {
            return new Result(tree, List.of(), List.of(), Set.of());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> root = new LinkedHashMap<>((Map<String, Object>) rootMap);
        Run run = new Run(sm, files, displayDir == null || displayDir.isEmpty() ? "the stack folder" : displayDir);
        run.root = root;
        run.topLevelConfigs();
        run.topLevelSecrets();
        if (root.get("services") instanceof Map<?, ?> services) {
            Map<String, Object> out = new LinkedHashMap<>();
            services.forEach((name, svc) -> out.put(String.valueOf(name), run.service(String.valueOf(name), svc)));
            root.put("services", out);
        }
        if (!run.newConfigs.isEmpty()) {
            Map<String, Object> configs = root.get("configs") instanceof Map<?, ?> c
                    ? copy(c) : new LinkedHashMap<>();
            configs.putAll(run.newConfigs);
            root.put("configs", configs);
        }
        return new Result(root, run.problems, run.secrets, run.consumed);
    }

    /** One file found good: its text and whether it is a secret. */
    private record Text(String text, boolean executable) {}

    private static final class Run {
        final SourceMap sm;
        final StackFiles files;
        final String displayDir;
        Map<String, Object> root;
        final List<Problem> problems = new ArrayList<>();
        final List<String> secrets = new ArrayList<>();
        final Map<String, Object> newConfigs = new LinkedHashMap<>();
        /** Config name per delivered file (relative path), so a file bound twice is one config. */
        final Map<String, String> configOf = new LinkedHashMap<>();
        /** Config names of converted secrets, by secret name. */
        final Map<String, String> secretConfig = new LinkedHashMap<>();
        final Set<String> counted = new LinkedHashSet<>();
        final Set<String> consumed = new LinkedHashSet<>();
        long total;

        Run(SourceMap sm, StackFiles files, String displayDir) {
            this.sm = sm;
            this.files = files;
            this.displayDir = displayDir;
        }

        void topLevelConfigs() {
            if (!(root.get("configs") instanceof Map<?, ?> defs)) {
                return;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            defs.forEach((k, def) -> {
                String name = String.valueOf(k);
                if (def instanceof Map<?, ?> d && d.get("file") instanceof String file && isRelativeFile(file)) {
                    Map<String, Object> copy = copy(d);
                    copy.remove("file");
                    Text text = readOne(file, "configs." + name + ".file", false);
                    copy.put("content", text == null ? "" : text.text());
                    out.put(name, copy);
                } else {
                    out.put(name, def);
                }
            });
            root.put("configs", out);
        }

        void topLevelSecrets() {
            if (!(root.get("secrets") instanceof Map<?, ?> defs)) {
                return;
            }
            Map<String, Object> kept = new LinkedHashMap<>();
            Set<String> configNames = root.get("configs") instanceof Map<?, ?> c ? keys(c) : new LinkedHashSet<>();
            configNames.addAll(newConfigs.keySet());
            defs.forEach((k, def) -> {
                String name = String.valueOf(k);
                if (def instanceof Map<?, ?> d && d.get("file") instanceof String file && isRelativeFile(file)) {
                    Text text = readOne(file, "secrets." + name + ".file", true);
                    String configName = unique(name, configNames);
                    Map<String, Object> config = new LinkedHashMap<>();
                    config.put("content", text == null ? "" : text.text());
                    newConfigs.put(configName, config);
                    configNames.add(configName);
                    secretConfig.put(name, configName);
                } else {
                    kept.put(name, def);
                }
            });
            if (kept.isEmpty()) {
                root.remove("secrets");
            } else {
                root.put("secrets", kept);
            }
        }

        Object service(String name, Object svc) {
            if (!(svc instanceof Map<?, ?> map)) {
                return svc;
            }
            Map<String, Object> s = copy(map);
            String base = "services." + name;
            boolean readOnly = Boolean.TRUE.equals(s.get("read_only")) || "true".equals(s.get("read_only"));
            List<Object> refs = new ArrayList<>();
            if (s.get("volumes") instanceof List<?> volumes) {
                List<Object> kept = new ArrayList<>();
                for (int i = 0; i < volumes.size(); i++) {
                    Object item = volumes.get(i);
                    String path = SourceMap.index(base + ".volumes", i);
                    Bind bind = Bind.of(item, path);
                    if (bind == null) {
                        kept.add(item);
                        continue;
                    }
                    List<Object> delivered = bind(bind, readOnly, name);
                    kept.add(item);
                    if (delivered != null) {
                        refs.addAll(delivered);
                        consumed.add(path); // dropped by strip, after the checks that locate by index
                    }
                }
                s.put("volumes", kept);
            }
            if (!secretConfig.isEmpty() && s.get("secrets") instanceof List<?> secretRefs) {
                List<Object> kept = new ArrayList<>();
                for (Object ref : secretRefs) {
                    Object source = ref instanceof Map<?, ?> m ? m.get("source") : ref;
                    String configName = source instanceof String src ? secretConfig.get(src) : null;
                    if (configName == null) {
                        kept.add(ref);
                        continue;
                    }
                    if (readOnly) {
                        problems.add(sm.error(base + ".secrets", readOnlyMessage(name, "secret '" + source + "'")));
                    }
                    refs.add(secretRef(String.valueOf(source), configName, ref));
                }
                if (kept.isEmpty()) {
                    s.remove("secrets");
                } else {
                    s.put("secrets", kept);
                }
            }
            if (!refs.isEmpty()) {
                List<Object> configs = s.get("configs") instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>();
                configs.addAll(refs);
                s.put("configs", configs);
            }
            return s;
        }

        /** A secret reference as a config reference at the place compose mounts secrets. */
        private Map<String, Object> secretRef(String secret, String configName, Object ref) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("source", configName);
            String target = secret;
            if (ref instanceof Map<?, ?> m) {
                if (m.get("target") instanceof String t && !t.isBlank()) {
                    target = t;
                }
                for (String key : List.of("uid", "gid", "mode")) {
                    if (m.get(key) != null) {
                        out.put(key, m.get(key));
                    }
                }
            }
            out.put("target", target.startsWith("/") ? target : "/run/secrets/" + target);
            return out;
        }

        /** The config references delivering a bind's source, or null when it is a data folder (left as it is). */
        private List<Object> bind(Bind bind, boolean readOnly, String service) {
            String rel = normalise(bind.source());
            if (rel == null) {
                problems.add(sm.error(bind.path(), "bind mount source '" + bind.source() + "' is outside the stack"
                        + " folder " + displayDir + ": only files inside it reach the NAS; move it into " + displayDir
                        + ", or bind an absolute dataset path such as /mnt/<pool>/<dataset>"));
                return List.of();
            }
            StackFiles.Entry entry = files.look(rel, MAX_FILE_BYTES);
            if (entry instanceof StackFiles.Missing) {
                String last = rel.substring(rel.lastIndexOf('/') + 1);
                if (last.indexOf('.') > 0) {
                    problems.add(sm.warning(bind.path(), "bind mount source '" + bind.source() + "' is not in "
                            + displayDir + ", so it is a data folder on the NAS (Docker creates an empty folder"
                            + " there); if it is a file, add it to the repository to have it sent with the app"));
                }
                return null;
            }
            if (entry instanceof StackFiles.Refused r) {
                problems.add(sm.error(bind.path(), "bind mount source '" + bind.source() + "' cannot be sent: "
                        + r.reason()));
                return List.of();
            }
            if (bind.target() == null || bind.target().isBlank()) {
                return null; // the schema and the TrueNAS checks name the missing target
            }
            List<String[]> found = new ArrayList<>(); // {relative path, target}
            if (entry instanceof StackFiles.Folder folder) {
                List<String> all = new ArrayList<>();
                if (!walk(rel, folder, bind, all, 0)) {
                    return List.of();
                }
                if (all.stream().allMatch(f -> PLACEHOLDERS.contains(f.substring(f.lastIndexOf('/') + 1)))) {
                    return null; // a data folder kept in Git by a placeholder
                }
                if (all.size() > MAX_FOLDER_FILES) {
                    problems.add(sm.error(bind.path(), "folder '" + bind.source() + "' holds " + all.size()
                            + " files, more than the " + MAX_FOLDER_FILES + " a bound folder may send in the compose:"
                            + " put them on a dataset and bind its absolute path /mnt/<pool>/<dataset>"));
                    return List.of();
                }
                String prefix = rel.isEmpty() ? "" : rel + "/";
                String target = bind.target().endsWith("/") ? bind.target() : bind.target() + "/";
                for (String f : all) {
                    found.add(new String[] {f, target + f.substring(prefix.length())});
                }
            } else {
                found.add(new String[] {rel, bind.target()});
            }
            if (readOnly) {
                problems.add(sm.error(bind.path(), readOnlyMessage(service, "'" + bind.source() + "'")));
                return List.of();
            }
            List<Object> refs = new ArrayList<>();
            for (String[] f : found) {
                String display = show(f[0]);
                StackFiles.Entry e = f[0].equals(rel) ? entry : files.look(f[0], MAX_FILE_BYTES);
                Text text = check(e, display, bind.path());
                if (text == null) {
                    continue;
                }
                String name = configFor(f[0], text.text());
                Map<String, Object> ref = new LinkedHashMap<>();
                ref.put("source", name);
                ref.put("target", f[1]);
                if (text.executable()) {
                    ref.put("mode", EXECUTABLE_MODE);
                }
                refs.add(ref);
            }
            return refs;
        }

        /** Collects the files under a folder; false (after an error) when it holds something else. */
        private boolean walk(String rel, StackFiles.Folder folder, Bind bind, List<String> out, int depth) {
            if (depth > MAX_DEPTH) {
                problems.add(sm.error(bind.path(), "folder '" + bind.source() + "' is nested more than " + MAX_DEPTH
                        + " deep: put it on a dataset and bind its absolute path /mnt/<pool>/<dataset>"));
                return false;
            }
            for (String child : folder.children()) {
                String path = rel.isEmpty() ? child : rel + "/" + child;
                StackFiles.Entry e = files.look(path, MAX_FILE_BYTES);
                if (e instanceof StackFiles.Folder sub) {
                    if (!walk(path, sub, bind, out, depth + 1)) {
                        return false;
                    }
                } else if (e instanceof StackFiles.File) {
                    out.add(path);
                } else if (e instanceof StackFiles.Refused r) {
                    problems.add(sm.error(bind.path(), "folder '" + bind.source() + "' holds " + show(path)
                            + ", which cannot be sent: " + r.reason()));
                    return false;
                }
                if (out.size() > MAX_FOLDER_FILES) {
                    break;
                }
            }
            return true;
        }

        /** The config name for a file, added once. */
        private String configFor(String rel, String text) {
            String name = configOf.get(rel);
            if (name != null) {
                return name;
            }
            Set<String> taken = new LinkedHashSet<>(newConfigs.keySet());
            if (root.get("configs") instanceof Map<?, ?> c) {
                taken.addAll(keys(c));
            }
            name = unique("file-" + rel.replace('/', '_').replaceAll("[^a-zA-Z0-9._-]", "-"), taken);
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("content", text);
            newConfigs.put(name, config);
            configOf.put(rel, name);
            return name;
        }

        /** Reads the file of a {@code configs}/{@code secrets} entry; null after an error. */
        private Text readOne(String file, String path, boolean secret) {
            String rel = normalise(file);
            if (rel == null) {
                problems.add(sm.error(path, "file '" + file + "' is outside the stack folder " + displayDir
                        + ": only files inside it reach the NAS; move it into " + displayDir + ", or use an absolute"
                        + " dataset path such as /mnt/<pool>/<dataset>/" + file.replaceAll(".*/", "")));
                return null;
            }
            StackFiles.Entry e = files.look(rel, MAX_FILE_BYTES);
            if (e instanceof StackFiles.Missing) {
                problems.add(sm.error(path, "file '" + file + "' does not exist in " + displayDir + ": add it to the"
                        + " repository, or use an absolute dataset path such as /mnt/<pool>/<dataset>/"
                        + file.replaceAll(".*/", "")));
                return null;
            }
            if (e instanceof StackFiles.Folder) {
                problems.add(sm.error(path, show(rel) + " is a folder: a config or secret is one file; name a file"));
                return null;
            }
            Text text = check(e, show(rel), path);
            if (text != null && secret) {
                secrets.add(text.text());
            }
            return text;
        }

        /** The file's text when it may travel in the compose; null after an error naming it and the bound. */
        private Text check(StackFiles.Entry e, String display, String path) {
            if (e instanceof StackFiles.Refused r) {
                problems.add(sm.error(path, display + " cannot be sent: " + r.reason()));
                return null;
            }
            if (!(e instanceof StackFiles.File f)) {
                problems.add(sm.error(path, display + " is not a regular file: only files travel in the compose"));
                return null;
            }
            String ways = ": put it on a dataset and bind it by its absolute path /mnt/<pool>/<dataset>/...";
            if (f.bytes().length > MAX_FILE_BYTES) {
                problems.add(sm.error(path, display + " is larger than " + MAX_FILE_BYTES + " bytes, the most a"
                        + " file may have to travel in the compose (TrueNAS takes a whole app in one 64 KiB message)"
                        + ways + ", or make it smaller"));
                return null;
            }
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(f.bytes())).toString();
            } catch (CharacterCodingException ex) {
                text = null;
            }
            if (text == null || text.indexOf('\0') >= 0) {
                problems.add(sm.error(path, display + " is not a text file (not UTF-8, or it holds NUL bytes): only"
                        + " text files up to " + MAX_FILE_BYTES + " bytes travel in the compose" + ways));
                return null;
            }
            if (text.isEmpty()) {
                problems.add(sm.error(path, display + " is empty, and docker compose creates no file for empty"
                        + " content: put a comment or a newline in it, or bind it by an absolute dataset path"));
                return null;
            }
            if (f.secret()) {
                secrets.add(text);
            }
            if (counted.add(display)) {
                total += f.bytes().length;
                if (total > MAX_STACK_BYTES) {
                    problems.add(sm.error(path, display + " brings the files this stack sends in the compose to "
                            + total + " bytes, more than the " + MAX_STACK_BYTES + " one stack may send (TrueNAS takes"
                            + " a whole app in one 64 KiB message)" + ways + ", or split the stack"));
                    return null;
                }
            }
            return new Text(text, f.executable());
        }

        private String show(String rel) {
            return displayDir.equals("the stack folder") ? rel : displayDir + "/" + rel;
        }

        private String readOnlyMessage(String service, String what) {
            return "service '" + service + "' has read_only: true, and docker compose cannot copy " + what
                    + " into a read-only container: drop read_only, or bind the file by an absolute dataset path"
                    + " /mnt/<pool>/<dataset>/...";
        }
    }

    /** A bind mount with a path relative to the stack folder. */
    private record Bind(String source, String target, String path) {

        /** The relative bind of a volume entry, or null when it is none (named volume, absolute or home path). */
        static Bind of(Object item, String path) {
            if (item instanceof String spec) {
                int colon = spec.indexOf(':');
                if (colon <= 0 || !relative(spec.substring(0, colon))) {
                    return null;
                }
                String rest = spec.substring(colon + 1);
                int next = rest.indexOf(':');
                return new Bind(spec.substring(0, colon), next < 0 ? rest : rest.substring(0, next), path);
            }
            if (item instanceof Map<?, ?> m && "bind".equals(m.get("type")) && m.get("source") instanceof String src
                    && relative(src)) {
                return new Bind(src, m.get("target") instanceof String t ? t : null, path + ".source");
            }
            return null;
        }

        private static boolean relative(String source) {
            return source.startsWith(".");
        }
    }

    /** A relative file path, as compose reads one: not absolute, not from a home folder. */
    private static boolean isRelativeFile(String file) {
        return !file.isEmpty() && !file.startsWith("/") && !file.startsWith("~");
    }

    /** The path normalised and relative to the stack folder, or null when it leaves it. */
    static String normalise(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.replace('\\', '/').split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }

    private static String unique(String name, Set<String> taken) {
        String candidate = name;
        for (int i = 2; taken.contains(candidate); i++) {
            candidate = name + "-" + i;
        }
        return candidate;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<?, ?> m) {
        return new LinkedHashMap<>((Map<String, Object>) m);
    }

    private static Set<String> keys(Map<?, ?> m) {
        Set<String> out = new LinkedHashSet<>();
        m.keySet().forEach(k -> out.add(String.valueOf(k)));
        return out;
    }
}
