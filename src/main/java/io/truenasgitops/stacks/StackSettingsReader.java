package io.truenasgitops.stacks;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.SourceMap;
import io.truenasgitops.compose.Units;
import io.truenasgitops.compose.YamlLoader;
import io.truenasgitops.images.ImagePolicyReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Reads a {@code stack.yaml} into {@link StackSettings}. Every key is optional; unknown keys and wrong types are
 * errors with file and line (a typo such as {@code selfheal} must not silently keep the default).
 */
public final class StackSettingsReader {

    private StackSettingsReader() {}

    /** Settings read (defaults for anything missing or wrong), the problems found and where each setting is. */
    public record Result(StackSettings settings, List<Problem> problems, SourceMap sourceMap) {}

    /** The keys a stack.yaml may have. */
    public static final List<String> KEYS = List.of("suspend", "state", "prune", "selfHeal", "adopt", "dependsOn",
            "healthTimeout", "target", "variables", "secrets", "variablesFrom", "snapshot", "onFailure", "imagePolicy",
            "dataFolders", "composeFiles");

    /** What TrueNAS accepts as an app name (and so as a stack folder's name). */
    public static final Pattern APP_NAME = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Whether {@code name} can be a variable: letters, digits and '_', not starting with a digit. */
    static boolean isVariableName(String name) {
        return VARIABLE.matcher(name).matches();
    }

    public static Result read(String text, String file) {
        StackSettings d = StackSettings.defaults();
        YamlLoader.Result loaded = YamlLoader.load(text, file);
        List<Problem> problems = new ArrayList<>(loaded.problems());
        if (!loaded.ok()) {
            return new Result(d, problems, loaded.sourceMap());
        }
        SourceMap sm = loaded.sourceMap();
        if (loaded.root() == null) {
            return new Result(d, problems, loaded.sourceMap());
        }
        if (!(loaded.root() instanceof Map<?, ?> root)) {
            problems.add(sm.error("", "stack.yaml must be a mapping of settings (" + String.join(", ", KEYS) + ")"));
            return new Result(d, problems, loaded.sourceMap());
        }
        for (Object k : root.keySet()) {
            if (!KEYS.contains(String.valueOf(k))) {
                problems.add(sm.error(String.valueOf(k), "unknown setting '" + k + "': stack.yaml knows "
                        + String.join(", ", KEYS) + didYouMean(String.valueOf(k))));
            }
        }
        boolean suspend = bool(root, "suspend", d.suspend(), sm, problems);
        boolean prune = bool(root, "prune", d.prune(), sm, problems);
        boolean selfHeal = bool(root, "selfHeal", d.selfHeal(), sm, problems);
        boolean adopt = bool(root, "adopt", d.adopt(), sm, problems);
        StackSettings.DesiredState state = d.state();
        if (root.containsKey("state")) {
            Object v = root.get("state");
            if (v instanceof String s && (s.equalsIgnoreCase("running") || s.equalsIgnoreCase("stopped"))) {
                state = StackSettings.DesiredState.valueOf(s.toUpperCase(Locale.ROOT));
            } else {
                problems.add(sm.error("state", "'state' is 'running' or 'stopped', not '" + v + "'"));
            }
        }
        StackSettings.OnFailure onFailure = d.onFailure();
        if (root.containsKey("onFailure")) {
            Object v = root.get("onFailure");
            if (v instanceof String s && (s.equalsIgnoreCase("stay") || s.equalsIgnoreCase("rollback"))) {
                onFailure = StackSettings.OnFailure.valueOf(s.toUpperCase(Locale.ROOT));
            } else {
                problems.add(sm.error("onFailure", "'onFailure' is 'stay' or 'rollback', not '" + v + "'"));
            }
        }
        StackSettings.DataFolders dataFolders = d.dataFolders();
        if (root.containsKey("dataFolders")) {
            Object v = root.get("dataFolders");
            if (v instanceof String s && (s.equalsIgnoreCase("directory") || s.equalsIgnoreCase("dataset"))) {
                dataFolders = StackSettings.DataFolders.valueOf(s.toUpperCase(Locale.ROOT));
            } else {
                problems.add(sm.error("dataFolders", "'dataFolders' is 'directory' or 'dataset' (what a missing data"
                        + " folder under the host base path is created as), not '" + v + "'"));
            }
        }
        List<String> dependsOn = new ArrayList<>();
        if (root.containsKey("dependsOn")) {
            Object v = root.get("dependsOn");
            List<?> items = v instanceof List<?> l ? l : v == null ? List.of() : List.of(v);
            for (int i = 0; i < items.size(); i++) {
                Object item = items.get(i);
                if (item instanceof String s && APP_NAME.matcher(s).matches()) {
                    dependsOn.add(s);
                } else {
                    problems.add(sm.error(v instanceof List<?> ? SourceMap.index("dependsOn", i) : "dependsOn",
                            "'dependsOn' lists other stacks by folder name (lowercase letters, digits, '-'), not '"
                            + item + "'"));
                }
            }
        }
        Duration healthTimeout = d.healthTimeout();
        if (root.containsKey("healthTimeout")) {
            Object v = root.get("healthTimeout");
            OptionalLong nanos = Units.parseDurationNanos(v);
            if (nanos.isPresent() && nanos.getAsLong() > 0) {
                healthTimeout = Duration.ofNanos(nanos.getAsLong());
            } else {
                problems.add(sm.error("healthTimeout", "'healthTimeout' is a positive duration such as 5m, 90s or"
                        + " 1h30m, not '" + v + "'"));
            }
        }
        String target = d.target();
        if (root.containsKey("target")) {
            Object v = root.get("target");
            if (v instanceof String s && !s.isBlank()) {
                target = s;
            } else {
                problems.add(sm.error("target", "'target' is the name of a configured NAS, not '" + v + "'"));
            }
        }
        Map<String, String> variables = new LinkedHashMap<>();
        if (root.containsKey("variables")) {
            Object v = root.get("variables");
            if (v instanceof Map<?, ?> vars) {
                vars.forEach((name, value) -> {
                    String p = SourceMap.child("variables", String.valueOf(name));
                    if (!VARIABLE.matcher(String.valueOf(name)).matches()) {
                        problems.add(sm.error(p, "variable name '" + name + "' must be letters, digits and '_'"));
                    } else if (value instanceof Map<?, ?> || value instanceof List<?>) {
                        problems.add(sm.error(p, "variable " + name + " must be a plain value, not a list or mapping"));
                    } else {
                        // A number keeps the text it was written as (0755 stays 0755): a variable is text, like .env.
                        String written = sm.numberText(p);
                        variables.put(String.valueOf(name), value == null ? "" : written != null ? written : scalar(value));
                    }
                });
            } else if (v != null) {
                problems.add(sm.error("variables", "'variables' is a mapping of NAME: value"));
            }
        }
        String variablesFrom = null;
        if (root.containsKey("variablesFrom")) {
            Object v = root.get("variablesFrom");
            if (v instanceof String f && !f.isBlank() && !f.startsWith("/") && !f.contains("..")) {
                variablesFrom = f;
            } else {
                problems.add(sm.error("variablesFrom", "'variablesFrom' is the name of a file in the stack folder"
                        + " (dotenv, YAML or JSON, plain or SOPS-encrypted), such as vars.sops.yaml"));
            }
        }
        List<String> secrets = new ArrayList<>();
        if (root.containsKey("secrets")) {
            Object v = root.get("secrets");
            List<?> items = v instanceof List<?> l ? l : v == null ? List.of() : List.of(v);
            for (int i = 0; i < items.size(); i++) {
                Object item = items.get(i);
                String p = v instanceof List<?> ? SourceMap.index("secrets", i) : "secrets";
                if (!(item instanceof String s) || !VARIABLE.matcher(s).matches()) {
                    problems.add(sm.error(p, "'secrets' lists variable names (letters, digits, '_'), one file each in"
                            + " the secrets directory, not '" + item + "'"));
                } else if (secrets.contains(s)) {
                    problems.add(sm.error(p, "secret " + s + " is listed twice: remove one"));
                } else {
                    if (variables.containsKey(s)) {
                        problems.add(sm.error(p, "secret " + s + " also has a value under 'variables': a secret comes"
                                + " from the secrets directory only; remove one of the two"));
                    }
                    secrets.add(s);
                }
            }
        }
        SnapshotPolicy snapshot = SnapshotPolicyReader.read(root.get("snapshot"), sm, problems);
        // Only the image updater uses the policies; the stack checks them so that validate reports their mistakes.
        ImagePolicyReader.read(root.get("imagePolicy"), sm, problems);
        List<String> composeFiles = new ArrayList<>();
        if (root.containsKey("composeFiles")) {
            Object v = root.get("composeFiles");
            List<?> items = v instanceof List<?> l ? l : List.of();
            if (items.isEmpty()) {
                problems.add(sm.error("composeFiles", "'composeFiles' lists the stack's compose files in merge order,"
                        + " main file first, such as [compose.yaml, compose.prod.yaml]"));
            }
            for (int i = 0; i < items.size(); i++) {
                Object item = items.get(i);
                String p = SourceMap.index("composeFiles", i);
                if (!(item instanceof String f) || f.isBlank() || f.startsWith("/") || f.startsWith("~")
                        || java.nio.file.Path.of(f).normalize().startsWith("..")) {
                    problems.add(sm.error(p, "'composeFiles' entries are files inside the stack folder, named"
                            + " relative to it, not '" + item + "'"));
                } else if (i == 0 && (f.contains("/") || f.contains("\\"))) {
                    problems.add(sm.error(p, "the first of 'composeFiles' is the main compose file and must be in"
                            + " the stack folder itself (its folder is the project directory), not '" + f + "'"));
                } else if (composeFiles.contains(f)) {
                    problems.add(sm.error(p, "compose file " + f + " is listed twice: remove one"));
                } else {
                    composeFiles.add(java.nio.file.Path.of(f).normalize().toString().replace('\\', '/'));
                }
            }
        }
        return new Result(new StackSettings(suspend, state, prune, selfHeal, adopt, List.copyOf(dependsOn),
                healthTimeout, target, Map.copyOf(variables), List.copyOf(secrets), variablesFrom, snapshot, onFailure,
                dataFolders, composeFiles), problems, sm);
    }

    private static String scalar(Object v) {
        if (v instanceof Double dbl && dbl == Math.rint(dbl) && !dbl.isInfinite()) {
            return new java.math.BigDecimal(dbl).toPlainString();
        }
        return String.valueOf(v);
    }

    private static boolean bool(Map<?, ?> root, String key, boolean dflt, SourceMap sm, List<Problem> problems) {
        if (!root.containsKey(key)) {
            return dflt;
        }
        Object v = root.get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        problems.add(sm.error(key, "'" + key + "' is true or false, not '" + v + "'"));
        return dflt;
    }

    private static String didYouMean(String key) {
        for (String k : KEYS) {
            if (k.equalsIgnoreCase(key) || k.equalsIgnoreCase(key.replace("_", "").replace("-", ""))) {
                return "; did you mean '" + k + "'?";
            }
        }
        return "";
    }
}
