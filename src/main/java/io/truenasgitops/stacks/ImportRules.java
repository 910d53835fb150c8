package io.truenasgitops.stacks;

import io.truenasgitops.compose.DotEnv;
import io.truenasgitops.compose.Interpolator;
import io.truenasgitops.compose.YamlLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code import} decides about an existing compose project, without touching a file: which {@code .env}
 * variables are secrets (by name), how the copied {@code .env} refers to them instead of holding them, and which
 * relative bind mounts of the compose files are data folders (to stay on the NAS) rather than files to carry in Git.
 */
public final class ImportRules {

    private ImportRules() {}

    /** Names that hold a secret by convention: a password, a secret, a token or a key. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|KEY).*");
    private static final Pattern ASSIGNMENT = Pattern.compile("^(\\s*(?:export\\s+)?)([A-Za-z_][A-Za-z0-9_]*)(\\s*=).*$");

    /**
     * Whether a variable of {@code .env} is a secret: its name says so and it has a value. A {@code *_FILE}
     * variable names a file, not a secret, and an empty value has nothing to hide.
     */
    public static boolean isSecret(String name, String value) {
        return SECRET_NAME.matcher(name).matches() && !name.toUpperCase(Locale.ROOT).endsWith("_FILE")
                && value != null && !value.isEmpty();
    }

    /**
     * The secrets of a {@code .env}, by name in file order, with their values.
     *
     * @param envText the file's text
     */
    public static Map<String, String> secrets(String envText) {
        DotEnv.Result parsed = DotEnv.parse(envText, ".env", n -> Optional.empty());
        Map<String, String> out = new LinkedHashMap<>();
        parsed.values().forEach((k, v) -> {
            if (isSecret(k, v)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * The {@code .env} with each line assigning one of {@code names} replaced by {@code NAME=${NAME}}: the value then
     * comes from the secrets directory (which the stack's {@code .env} reads first), for interpolation and for an
     * {@code env_file: .env} alike. A value spanning lines (a quoted one) loses its continuation lines.
     */
    public static String withoutValues(String envText, Set<String> names) {
        String src = envText.replace("\r\n", "\n");
        String[] lines = src.split("\n", -1);
        StringBuilder b = new StringBuilder();
        boolean skipping = false;
        char quote = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (skipping) {
                if (line.indexOf(quote) >= 0) {
                    skipping = false;
                }
                continue;
            }
            var m = ASSIGNMENT.matcher(line);
            if (m.matches() && names.contains(m.group(2))) {
                String value = line.substring(m.end(3)).strip();
                if (!value.isEmpty() && (value.charAt(0) == '"' || value.charAt(0) == '\'')
                        && value.indexOf(value.charAt(0), 1) < 0) {
                    skipping = true;
                    quote = value.charAt(0);
                }
                b.append(m.group(1)).append(m.group(2)).append("=${").append(m.group(2)).append('}');
            } else {
                b.append(line);
            }
            if (i < lines.length - 1) {
                b.append('\n');
            }
        }
        return b.toString();
    }

    /**
     * A relative bind mount of a compose file.
     *
     * @param service the service that mounts it
     * @param source the source as written after interpolation ({@code ./data})
     * @param readOnly mounted {@code :ro} (or {@code read_only: true})
     */
    public record RelativeBind(String service, String source, boolean readOnly) {}

    /**
     * The relative bind mounts of a compose file's services, short and long syntax, their sources interpolated with
     * {@code variables} (unset ones empty, as compose does with a warning).
     */
    public static List<RelativeBind> relativeBinds(String composeText, Map<String, String> variables) {
        YamlLoader.Result r = YamlLoader.load(composeText, "compose");
        List<RelativeBind> out = new ArrayList<>();
        if (!(r.root() instanceof Map<?, ?> root) || !(root.get("services") instanceof Map<?, ?> services)) {
            return out;
        }
        services.forEach((name, svc) -> {
            if (!(svc instanceof Map<?, ?> s) || !(s.get("volumes") instanceof List<?> volumes)) {
                return;
            }
            for (Object v : volumes) {
                String source = null;
                boolean ro = false;
                if (v instanceof String spec) {
                    String[] parts = substitute(spec, variables).split(":");
                    if (parts.length >= 2) {
                        source = parts[0];
                        ro = parts.length >= 3 && List.of(parts[2].split(",")).contains("ro");
                    }
                } else if (v instanceof Map<?, ?> m && "bind".equals(String.valueOf(m.get("type")))
                        && m.get("source") != null) {
                    source = substitute(String.valueOf(m.get("source")), variables);
                    ro = Boolean.TRUE.equals(m.get("read_only")) || "true".equals(String.valueOf(m.get("read_only")));
                }
                if (source != null && isRelative(source)) {
                    out.add(new RelativeBind(String.valueOf(name), source, ro));
                }
            }
        });
        return out;
    }

    /** Whether a bind source is relative to the compose file's folder ({@code ./x}, {@code ../x}, {@code .}). */
    static boolean isRelative(String source) {
        return source.equals(".") || source.equals("..") || source.startsWith("./") || source.startsWith("../");
    }

    /** The first path element of a relative source, {@code ./data/db} giving {@code data}; null for the folder itself. */
    public static String topFolder(String source) {
        String s = source;
        while (s.startsWith("./")) {
            s = s.substring(2);
        }
        if (s.isEmpty() || s.equals(".") || s.startsWith("..")) {
            return null;
        }
        int slash = s.indexOf('/');
        return slash < 0 ? s : s.substring(0, slash);
    }

    /** The distinct top folders of {@code binds} (order kept). */
    public static Set<String> topFolders(List<RelativeBind> binds) {
        Set<String> out = new LinkedHashSet<>();
        binds.forEach(b -> {
            String t = topFolder(b.source());
            if (t != null) {
                out.add(t);
            }
        });
        return out;
    }

    private static String substitute(String text, Map<String, String> variables) {
        try {
            return Interpolator.substitute(text, n -> Optional.of(variables.getOrDefault(n, "")));
        } catch (Interpolator.TemplateException e) {
            return text;
        }
    }
}
