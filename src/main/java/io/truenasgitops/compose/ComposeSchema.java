package io.truenasgitops.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a compose document against the Compose Specification's JSON schema (vendored, pinned:
 * {@code src/main/resources/compose-spec}), the check {@code docker compose} runs before anything else: an unknown
 * key such as {@code enviroment:} makes it refuse the whole app on the NAS. Each violation becomes an error at the
 * file, line and column of the offending key or value, an unknown key with the closest valid one ("did you mean
 * 'environment'?"). {@code x-} extension keys are allowed where compose allows them.
 *
 * <p>Like compose-go, the document is checked after interpolation, with the strings of the fields compose casts
 * ({@code privileged: "${PRIV}"}, {@code deploy.replicas}, ...) cast to the type the schema wants first.
 */
public final class ComposeSchema {

    private ComposeSchema() {}

    /** Where the vendored schema is on the class path. */
    static final String RESOURCE = "/compose-spec/compose-spec.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Draft 7 plus the compose spec's {@code deprecated} keyword (a Draft 2019-09 annotation the spec uses on
     * Draft 7 properties). Declared as an annotation it validates nothing, as before, and the library no longer
     * warns "Unknown keyword deprecated" on every command that loads a compose file.
     */
    static final Dialect DIALECT = Dialect.builder(Dialects.getDraft7())
            .keyword(new AnnotationKeyword("deprecated"))
            .build();

    private static final JsonNode SCHEMA_NODE = readSchema();
    private static final Schema SCHEMA = compile(SCHEMA_NODE);

    private static JsonNode readSchema() {
        try (InputStream in = ComposeSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the compose schema " + RESOURCE + " is missing from the class path");
            }
            ObjectNode node = (ObjectNode) JSON.readTree(in);
            // The schema names its dialect by an https URL the library would try to fetch: the dialect is given
            // below instead, so that validating never touches the network. Its relative $id is not an IRI the
            // library takes; every $ref in it is local ("#/definitions/..."), so any absolute id will do.
            node.remove("$schema");
            node.put("$id", "urn:truenas-gitops:compose-spec");
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the compose schema " + RESOURCE, e);
        }
    }

    private static Schema compile(JsonNode node) {
        return SchemaRegistry.withDefaultDialect(DIALECT).getSchema(node);
    }

    /**
     * Every schema violation of {@code compose}, located with {@code sm}. Paths in {@code alreadyReported} (found by
     * the TrueNAS checks, which say more) get no second problem.
     */
    public static List<Problem> validate(Map<String, Object> compose, SourceMap sm, Set<String> alreadyReported) {
        List<Problem> problems = new ArrayList<>();
        Map<String, String> castFailures = new LinkedHashMap<>();
        JsonNode document = JSON.valueToTree(CastFields.apply(compose, castFailures));
        castFailures.forEach((path, message) -> {
            if (!alreadyReported.contains(path)) {
                problems.add(sm.error(path, message));
            }
        });
        List<Error> errors = SCHEMA.validate(document);
        List<String> paths = errors.stream().map(ComposeSchema::pathOf).toList();
        // One problem per location, and the deepest one: a value that matches none of a oneOf's forms fails every
        // form, and the library reports each (a mapping "is not a list" beside the unknown key inside it); the
        // error furthest down says what is actually wrong.
        Map<String, Problem> byPath = new LinkedHashMap<>();
        errors.stream().sorted(Comparator.comparingInt(ComposeSchema::rank)).forEach(e -> {
            String path = pathOf(e);
            if (alreadyReported.contains(path) || castFailures.containsKey(path) || byPath.containsKey(path)
                    || coveredByParent(path, byPath) || paths.stream().anyMatch(p -> isBelow(p, path))) {
                return;
            }
            String message = message(e, path);
            if ("type".equals(e.getKeyword())) {
                // Each alternative of a oneOf that wants another type says so: name them all.
                Set<String> types = new TreeSet<>();
                errors.stream().filter(o -> "type".equals(o.getKeyword()) && pathOf(o).equals(path))
                        .forEach(o -> types.addAll(typeNames(o.getSchemaNode())));
                message = "is " + describe(e.getInstanceNode()) + ", but compose expects " + String.join(" or ", types)
                        + " here";
            }
            byPath.put(path, sm.error(path, message));
        });
        problems.addAll(byPath.values());
        problems.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
        return problems;
    }

    /** Whether {@code path} is strictly inside {@code ancestor}. */
    private static boolean isBelow(String path, String ancestor) {
        if (path.equals(ancestor)) {
            return false;
        }
        return ancestor.isEmpty() || path.startsWith(ancestor + ".") || path.startsWith(ancestor + "[");
    }

    /** An unknown key says most, then a wrong type; alternatives' and nested failures come after. */
    private static int rank(Error e) {
        return switch (e.getKeyword()) {
            case "additionalProperties" -> 0;
            case "required" -> 1;
            case "type" -> 2;
            case "enum", "const", "pattern" -> 3;
            case "oneOf", "anyOf" -> 5;
            default -> 4;
        };
    }

    private static boolean coveredByParent(String path, Map<String, Problem> reported) {
        String p = SourceMap.parent(path);
        while (p != null) {
            if (reported.containsKey(p)) {
                return true;
            }
            p = SourceMap.parent(p);
        }
        return false;
    }

    /** Our YAML path ({@code services.web.ports[0]}) of the value the error is about. */
    static String pathOf(Error e) {
        String path = toPath(e.getInstanceLocation());
        if ("additionalProperties".equals(e.getKeyword()) && e.getProperty() != null) {
            path = SourceMap.child(path, e.getProperty());
        }
        return path;
    }

    private static String toPath(NodePath location) {
        String path = "";
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            path = element instanceof Integer index ? SourceMap.index(path, index)
                    : SourceMap.child(path, String.valueOf(element));
        }
        return path;
    }

    private static String message(Error e, String path) {
        return switch (e.getKeyword()) {
            case "additionalProperties" -> unknownKey(e, path);
            case "type" -> "is " + describe(e.getInstanceNode()) + ", but compose expects "
                    + expected(e.getSchemaNode()) + " here";
            case "oneOf", "anyOf" -> "is not in any form compose accepts here (" + forms(e.getSchemaNode()) + ")";
            default -> "not valid compose: " + stripLocation(e.getMessage());
        };
    }

    private static String unknownKey(Error e, String path) {
        String key = e.getProperty();
        List<String> known = knownKeys(e);
        String where = where(SourceMap.parent(path));
        String hint = closest(key, known).map(k -> "; did you mean '" + k + "'?")
                .orElse(known.isEmpty() ? "" : "; compose knows " + String.join(", ", known));
        return "unknown key '" + key + "'" + where + ": docker compose refuses the whole file" + hint
                + (hint.startsWith("; did") ? "" : " (an extension key must start with 'x-')");
    }

    private static String where(String parentPath) {
        if (parentPath == null || parentPath.isEmpty()) {
            return " at the top level";
        }
        String[] parts = parentPath.split("\\.");
        if (parts.length == 2 && parts[0].equals("services")) {
            return " in service '" + parts[1] + "'";
        }
        return " in " + parentPath;
    }

    /** The keys the schema object that refused a key does know, from its {@code properties}. */
    private static List<String> knownKeys(Error e) {
        String location = e.getSchemaLocation() == null ? "" : e.getSchemaLocation().toString();
        int hash = location.indexOf('#');
        String pointer = hash < 0 ? "" : location.substring(hash + 1);
        if (pointer.endsWith("/additionalProperties")) {
            pointer = pointer.substring(0, pointer.length() - "/additionalProperties".length());
        }
        JsonNode schema = SCHEMA_NODE.at(pointer);
        List<String> keys = new ArrayList<>();
        JsonNode properties = schema.get("properties");
        if (properties != null) {
            properties.fieldNames().forEachRemaining(keys::add);
        }
        return keys;
    }

    /**
     * The known key nearest to {@code key}: the same letters in another case or with -/_ swapped, or at most a few
     * edits away.
     */
    static Optional<String> closest(String key, List<String> known) {
        String folded = fold(key);
        for (String k : known) {
            if (fold(k).equals(folded)) {
                return Optional.of(k);
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        int allowed = Math.max(1, Math.min(3, key.length() / 3));
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    private static String fold(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    static int distance(String a, String b) {
        return io.truenasgitops.compose.EditDistance.between(a, b);
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isNull()) {
            return "empty (null)";
        }
        if (node.isTextual()) {
            return "the text '" + node.asText() + "'";
        }
        if (node.isBoolean()) {
            return "the boolean " + node.asText();
        }
        if (node.isNumber()) {
            return "the number " + node.asText();
        }
        if (node.isArray()) {
            return "a list";
        }
        return "a mapping";
    }

    private static String expected(JsonNode typeSchema) {
        return typeSchema == null ? "another type" : String.join(" or ", typeNames(typeSchema));
    }

    private static List<String> typeNames(JsonNode typeSchema) {
        List<String> types = new ArrayList<>();
        if (typeSchema == null) {
            return types;
        }
        if (typeSchema.isArray()) {
            typeSchema.forEach(t -> types.add(typeName(t.asText())));
        } else {
            types.add(typeName(typeSchema.asText()));
        }
        return types;
    }

    private static String typeName(String jsonType) {
        return switch (jsonType) {
            case "object" -> "a mapping";
            case "array" -> "a list";
            case "string" -> "a string";
            case "integer" -> "an integer";
            case "number" -> "a number";
            case "boolean" -> "true or false";
            case "null" -> "nothing";
            default -> jsonType;
        };
    }

    /** The shapes a oneOf/anyOf allows, by their types ("a string or a mapping"). */
    private static String forms(JsonNode alternatives) {
        Set<String> shapes = new TreeSet<>();
        if (alternatives != null && alternatives.isArray()) {
            for (JsonNode alternative : alternatives) {
                JsonNode resolved = alternative.has("$ref")
                        ? SCHEMA_NODE.at(alternative.get("$ref").asText().substring(1)) : alternative;
                JsonNode type = resolved.get("type");
                if (type != null) {
                    shapes.add(expected(type));
                }
            }
        }
        return shapes.isEmpty() ? "see the Compose Specification" : String.join(", or ", shapes);
    }

    private static String stripLocation(String message) {
        // The library starts messages with the JSON path ("$.services.web: ..."); ours come with a YAML path.
        if (message != null && message.startsWith("$")) {
            int colon = message.indexOf(": ");
            if (colon > 0) {
                return message.substring(colon + 2);
            }
        }
        return message;
    }

    /** Casts strings where compose-go casts them after interpolation, before it checks the schema. */
    static final class CastFields {

        private CastFields() {}

        enum Cast { INT, FLOAT, BOOL }

        /** compose-go's interpolation casts ({@code loader/interpolate.go}); {@code *} matches any key or index. */
        private static final Map<List<String>, Cast> CASTS = casts();

        private static Map<List<String>, Cast> casts() {
            Map<List<String>, Cast> m = new LinkedHashMap<>();
            for (String f : List.of("cpu_count", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime",
                    "cpu_shares", "oom_score_adj", "pids_limit", "scale", "deploy.replicas",
                    "deploy.update_config.parallelism", "deploy.rollback_config.parallelism",
                    "deploy.restart_policy.max_attempts", "deploy.placement.max_replicas_per_node",
                    "healthcheck.retries", "ports.*.target", "ulimits.*", "ulimits.*.hard", "ulimits.*.soft")) {
                m.put(service(f), Cast.INT);
            }
            for (String f : List.of("cpu_percent", "cpus", "deploy.update_config.max_failure_ratio",
                    "deploy.rollback_config.max_failure_ratio")) {
                m.put(service(f), Cast.FLOAT);
            }
            for (String f : List.of("init", "depends_on.*.required", "depends_on.*.restart", "healthcheck.disable",
                    "oom_kill_disable", "privileged", "read_only", "stdin_open", "tty", "volumes.*.read_only",
                    "volumes.*.volume.nocopy")) {
                m.put(service(f), Cast.BOOL);
            }
            for (String f : List.of("networks.*.external", "networks.*.internal", "networks.*.attachable",
                    "networks.*.enable_ipv4", "networks.*.enable_ipv6", "volumes.*.external", "secrets.*.external",
                    "configs.*.external")) {
                m.put(List.of(f.split("\\.")), Cast.BOOL);
            }
            return m;
        }

        private static List<String> service(String field) {
            List<String> p = new ArrayList<>(List.of("services", "*"));
            p.addAll(List.of(field.split("\\.")));
            return p;
        }

        /** A copy of {@code tree} with those strings cast; strings compose could not cast go to {@code failures}. */
        static Object apply(Object tree, Map<String, String> failures) {
            return walk(tree, new ArrayList<>(), "", failures);
        }

        private static Object walk(Object v, List<String> path, String yamlPath, Map<String, String> failures) {
            if (v instanceof Map<?, ?> map) {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, x) -> {
                    path.add(String.valueOf(k));
                    out.put(String.valueOf(k), walk(x, path, SourceMap.child(yamlPath, String.valueOf(k)), failures));
                    path.remove(path.size() - 1);
                });
                return out;
            }
            if (v instanceof List<?> list) {
                List<Object> out = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    path.add(String.valueOf(i));
                    out.add(walk(list.get(i), path, SourceMap.index(yamlPath, i), failures));
                    path.remove(path.size() - 1);
                }
                return out;
            }
            if (v instanceof String s) {
                for (Map.Entry<List<String>, Cast> c : CASTS.entrySet()) {
                    if (matches(c.getKey(), path)) {
                        Object cast = cast(s, c.getValue());
                        if (cast == null) {
                            failures.put(yamlPath, "'" + s + "' is not " + switch (c.getValue()) {
                                case INT -> "an integer";
                                case FLOAT -> "a number";
                                case BOOL -> "true or false";
                            } + ": docker compose cannot read it here");
                            return s;
                        }
                        return cast;
                    }
                }
            }
            return v;
        }

        private static boolean matches(List<String> pattern, List<String> path) {
            if (pattern.size() != path.size()) {
                return false;
            }
            for (int i = 0; i < pattern.size(); i++) {
                if (!pattern.get(i).equals("*") && !pattern.get(i).equals(path.get(i))) {
                    return false;
                }
            }
            return true;
        }

        /** The cast value, or null when compose-go's cast fails (it refuses the file then). */
        private static Object cast(String s, Cast cast) {
            try {
                return switch (cast) {
                    case INT -> Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
                    case FLOAT -> Double.parseDouble(s);
                    case BOOL -> switch (s.toLowerCase(Locale.ROOT)) {
                        case "true", "y", "yes", "on" -> true;
                        case "false", "n", "no", "off" -> false;
                        default -> null;
                    };
                };
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
