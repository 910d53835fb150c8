package io.truenasgitops.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docs/configuration.md is complete and has no stale keys, by construction. Enumerated:
 * <ul>
 *   <li>every key of every {@code @ConfigMapping} interface under {@code src/main/java}, walked reflectively
 *       (methods in kebab case or their {@code @WithName}, nested groups, maps as {@code <name>} segments,
 *       {@code @WithParentName}), with its default: the value {@code application.yaml} sets, else its
 *       {@code @WithDefault}, else none;</li>
 *   <li>every {@code @ConfigProperty(name = "truenas-gitops.…")} injection point and its {@code defaultValue};</li>
 *   <li>every {@code truenas-gitops.*} key of {@code application.yaml} (such as {@code state-dir}), and the
 *       environment variables it feeds the {@code default} target from ({@code ${TRUENAS_URL:}});</li>
 *   <li>the Quarkus keys a user needs ({@link #QUARKUS_KEYS}).</li>
 * </ul>
 * Each must be a row {@code | `key` | env | default | meaning |} whose env cell names the variable SmallRye derives
 * from the key and whose default cell shows the default in backticks (or {@code —} when there is none). Every
 * {@code truenas-gitops.*} key the document lists must be one of the enumerated keys.
 */
class ConfigurationDocTest {

    /** Quarkus keys users set on this daemon, with the default the doc must show. */
    static final Map<String, String> QUARKUS_KEYS = Map.of(
            "quarkus.http.port", "8080",
            "quarkus.http.host", "0.0.0.0",
            "quarkus.log.level", "INFO",
            "quarkus.log.console.json.enabled", "true");

    static final Path SOURCES = Path.of("src/main/java");
    static final Path DOC = Path.of("docs/configuration.md");
    static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z][^`]*)`\\s*\\|([^|]*)\\|([^|]*)\\|.*$");
    static final Pattern CONFIG_PROPERTY = Pattern.compile(
            "@ConfigProperty\\(name = \"(truenas-gitops\\.[^\"]+)\"(?:, defaultValue = \"([^\"]*)\")?\\)");
    static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):[^}]*}");

    record Key(String name, Optional<String> defaultValue, List<String> extraEnv) {}

    record Row(String key, String env, String defaultValue) {}

    static Map<String, Key> keys;
    static Map<String, Row> rows;

    @BeforeAll
    static void enumerate() throws Exception {
        Map<String, Object> yaml = flatten("", new Yaml().load(Files.readString(Path.of("src/main/resources/application.yaml"))));
        keys = new TreeMap<>();
        for (Class<?> mapping : configMappings()) {
            String prefix = mapping.getAnnotation(ConfigMapping.class).prefix();
            walk(prefix, mapping, keys);
        }
        for (Path source : javaSources()) {
            Matcher m = CONFIG_PROPERTY.matcher(Files.readString(source));
            while (m.find()) {
                keys.putIfAbsent(m.group(1), new Key(m.group(1), Optional.ofNullable(m.group(2)), List.of()));
            }
        }
        // application.yaml: its values are the effective defaults; the default target's ${ENV:} references are
        // the documented short variables (TRUENAS_URL, ...).
        yaml.forEach((key, value) -> {
            if (!key.startsWith("truenas-gitops.")) {
                return;
            }
            String generic = key.replaceFirst("^truenas-gitops\\.targets\\.default\\.", "truenas-gitops.targets.<name>.");
            Matcher env = ENV_REFERENCE.matcher(String.valueOf(value));
            if (!generic.equals(key)) {
                Key k = keys.get(generic);
                assertThat(k).as("application.yaml sets %s, which no @ConfigMapping declares", key).isNotNull();
                List<String> extra = new ArrayList<>(k.extraEnv());
                while (env.find()) {
                    extra.add(env.group(1));
                }
                keys.put(generic, new Key(generic, k.defaultValue(), extra));
            } else {
                keys.put(key, new Key(key, Optional.of(String.valueOf(value)), List.of()));
            }
        });
        rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DOC)) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                Row previous = rows.put(m.group(1), new Row(m.group(1), m.group(2).strip(), m.group(3).strip()));
                assertThat(previous).as("%s is documented twice", m.group(1)).isNull();
            }
        }
    }

    @Test
    void theWalkFindsTheKeysOfEveryCapability() {
        assertThat(keys).containsKeys("truenas-gitops.state-dir", "truenas-gitops.targets.<name>.url",
                "truenas-gitops.targets.<name>.insecure", "truenas-gitops.git.timeout",
                "truenas-gitops.reconcile.self-app-name", "truenas-gitops.stacks.secrets-dir",
                "truenas-gitops.api.token-file", "truenas-gitops.webhook.max-payload",
                "truenas-gitops.health.max-pass-duration");
        assertThat(keys.get("truenas-gitops.targets.<name>.url").extraEnv()).containsExactly("TRUENAS_URL");
        assertThat(keys.get("truenas-gitops.git.timeout").defaultValue()).contains("60s");
        assertThat(keys.get("truenas-gitops.git.state-dir").defaultValue()).contains("${truenas-gitops.state-dir}/git");
    }

    @Test
    void everyKeyIsDocumentedWithItsEnvironmentVariableAndDefault() {
        List<String> problems = new ArrayList<>();
        keys.values().forEach(k -> {
            Row row = rows.get(k.name());
            if (row == null) {
                problems.add(k.name() + ": not documented");
                return;
            }
            String env = envVar(k.name());
            if (!row.env().contains("`" + env + "`")) {
                problems.add(k.name() + ": the env column must name `" + env + "`, has: " + row.env());
            }
            k.extraEnv().forEach(e -> {
                if (!row.env().contains("`" + e + "`")) {
                    problems.add(k.name() + ": the env column must name `" + e + "` (application.yaml), has: " + row.env());
                }
            });
            checkDefault(k.name(), k.defaultValue(), row, problems);
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void theQuarkusKeysUsersNeedAreDocumented() {
        List<String> problems = new ArrayList<>();
        QUARKUS_KEYS.forEach((key, value) -> {
            Row row = rows.get(key);
            if (row == null) {
                problems.add(key + ": not documented");
                return;
            }
            if (!row.env().contains("`" + envVar(key) + "`")) {
                problems.add(key + ": the env column must name `" + envVar(key) + "`");
            }
            checkDefault(key, Optional.of(value), row, problems);
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void everyDocumentedKeyExists() {
        assertThat(rows.keySet()).allSatisfy(key -> assertThat(keys.containsKey(key) || QUARKUS_KEYS.containsKey(key))
                .as("docs/configuration.md lists %s, which is not a configuration key of this tool", key).isTrue());
    }

    private static void checkDefault(String key, Optional<String> defaultValue, Row row, List<String> problems) {
        if (defaultValue.isPresent() && !defaultValue.get().isEmpty()) {
            if (!row.defaultValue().contains("`" + defaultValue.get() + "`")) {
                problems.add(key + ": the default column must show `" + defaultValue.get() + "`, has: " + row.defaultValue());
            }
        } else if (!row.defaultValue().startsWith("—")) {
            problems.add(key + ": has no default; the default column must start with —, has: " + row.defaultValue());
        }
    }

    /** SmallRye's rule: every character that is not a letter or digit becomes {@code _}, then upper case. */
    static String envVar(String key) {
        String placeholder = key.replace("<name>", "\u0000");
        return placeholder.replaceAll("[^A-Za-z0-9\u0000]", "_").toUpperCase(Locale.ROOT).replace("\u0000", "<NAME>");
    }

    private static void walk(String prefix, Class<?> type, Map<String, Key> out) {
        for (Method m : type.getMethods()) {
            if (m.isDefault() || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0) {
                continue;
            }
            String segment = m.isAnnotationPresent(WithName.class) ? m.getAnnotation(WithName.class).value() : kebab(m.getName());
            String name = m.isAnnotationPresent(WithParentName.class) ? prefix : prefix + "." + segment;
            Optional<String> def = Optional.ofNullable(m.getAnnotation(WithDefault.class)).map(WithDefault::value);
            Class<?> raw = m.getReturnType();
            Type generic = m.getGenericReturnType();
            if (Map.class.isAssignableFrom(raw)) {
                Class<?> value = rawType(((ParameterizedType) generic).getActualTypeArguments()[1]);
                if (isGroup(value)) {
                    walk(name + ".<name>", value, out);
                } else {
                    out.put(name + ".<name>", new Key(name + ".<name>", def, List.of()));
                }
            } else if (Optional.class.equals(raw) && isGroup(rawType(((ParameterizedType) generic).getActualTypeArguments()[0]))) {
                walk(name, rawType(((ParameterizedType) generic).getActualTypeArguments()[0]), out);
            } else if (isGroup(raw)) {
                walk(name, raw, out);
            } else {
                out.put(name, new Key(name, def, List.of()));
            }
        }
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && !type.getName().startsWith("java.");
    }

    private static Class<?> rawType(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static List<Path> javaSources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static List<Class<?>> configMappings() throws Exception {
        List<Class<?>> out = new ArrayList<>();
        for (Path source : javaSources()) {
            if (Files.readString(source).contains("@ConfigMapping(")) {
                String name = SOURCES.relativize(source).toString().replace(".java", "").replace('/', '.');
                out.add(Class.forName(name));
            }
        }
        assertThat(out).as("@ConfigMapping interfaces under %s", SOURCES).hasSizeGreaterThanOrEqualTo(6);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> flatten(String prefix, Object node) {
        Map<String, Object> out = new TreeMap<>();
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                String key = String.valueOf(k);
                if (key.startsWith("%")) {
                    return; // profiles (%dev, %test) are not what users run
                }
                out.putAll(flatten(prefix.isEmpty() ? key : prefix + "." + key, v));
            });
        } else {
            out.put(prefix, node);
        }
        return out;
    }
}
