package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The pydantic-like argument checks of the app methods: field types, app names, extra keys, the compose
 * payload, reported in the model's order with the middleware's messages.
 */
final class AppArguments {
    private AppArguments() {}

    static final Pattern APP_NAME = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");

    static final String APP_NAME_PATTERN_MSG = "String should match pattern '^[a-z]([-a-z0-9]*[a-z0-9])?$'";

    static final class Problems {
        final List<MiddlewareError.Validation.Problem> list = new ArrayList<>();

        void add(String attr, String msg) {
            list.add(new MiddlewareError.Validation.Problem(attr, msg, Errno.EINVAL));
        }

        void check() {
            if (!list.isEmpty()) {
                throw MiddlewareError.Validation.of(list);
            }
        }
    }

    /**
     * Checks an object against {@code field -> type} (bool, dict, str, str?, nonempty, appname, any) in the model's
     * field order, then reports unknown keys (pydantic's order: declared fields first, extras last).
     */
    static void checkFields(JsonNode obj, String prefix, Map<String, String> schema, Problems problems) {
        for (Map.Entry<String, String> field : schema.entrySet()) {
            String attr = prefix + "." + field.getKey();
            JsonNode v = obj.get(field.getKey());
            String type = field.getValue();
            if (type.equals("appname")) {
                appName(v, attr, problems);
                continue;
            }
            if (v == null) {
                continue;
            }
            switch (type) {
                case "bool" -> {
                    if (!v.isBoolean()) {
                        problems.add(attr, "Input should be a valid boolean");
                    }
                }
                case "dict" -> {
                    if (!v.isObject()) {
                        problems.add(attr, "Input should be a valid dictionary");
                    }
                }
                case "str", "str?", "nonempty" -> {
                    if (v.isNull() && type.equals("str?")) {
                        break;
                    }
                    if (!v.isTextual()) {
                        problems.add(attr, "Input should be a valid string");
                    } else if (type.equals("nonempty") && v.asText().isEmpty()) {
                        problems.add(attr, "String should have at least 1 character");
                    }
                }
                case "any" -> {
                    // checked by the caller; listed so that it is not an extra input
                }
                default -> throw new IllegalStateException("unknown schema type " + type);
            }
        }
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!schema.containsKey(key)) {
                problems.add(prefix + "." + key, "Extra inputs are not permitted");
            }
        }
    }

    static String appName(JsonNode v, String attr, Problems problems) {
        String name = requiredText(v, attr, problems);
        if (name == null) {
            return null;
        }
        if (name.isEmpty()) {
            problems.add(attr, "String should have at least 1 character");
        } else if (name.length() > 40) {
            problems.add(attr, "String should have at most 40 characters");
        } else if (!APP_NAME.matcher(name).matches()) {
            problems.add(attr, APP_NAME_PATTERN_MSG);
        }
        return name;
    }

    static String nonEmptyName(JsonNode v, String attr, Problems problems) {
        String name = requiredText(v, attr, problems);
        if (name != null && name.isEmpty()) {
            problems.add(attr, "String should have at least 1 character");
        }
        return name;
    }

    /** A required string field: its text, or null with the problem reported. */
    private static String requiredText(JsonNode v, String attr, Problems problems) {
        if (v == null) {
            problems.add(attr, "Field required");
            return null;
        }
        if (!v.isTextual()) {
            problems.add(attr, "Input should be a valid string");
            return null;
        }
        return v.asText();
    }

    /**
     * An optional object argument of model {@code model} at {@code attr}: absent is an empty object; another
     * type is reported; an object is checked against {@code schema}.
     */
    static JsonNode optionalObject(JsonNode v, String attr, String model, Map<String, String> schema,
            Problems problems) {
        if (v == null) {
            return Json.object();
        }
        if (!v.isObject()) {
            problems.add(attr, "Input should be a valid dictionary or instance of " + model);
        } else {
            checkFields(v, attr, schema, problems);
        }
        return v;
    }

    static void tooMany(ArrayNode p, int max, Problems problems) {
        if (p.size() > max) {
            problems.add(null, "Too many arguments (expected " + max + ", found " + p.size() + ")");
        }
    }

    /** {@code custom_app_utils.validate_payload}: exactly one compose field, YAML parsed with YAML 1.1 rules. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> validatePayload(JsonNode data, String schema) {
        JsonNode dict = data.get("custom_compose_config");
        JsonNode string = data.get("custom_compose_config_string");
        boolean hasDict = dict != null && dict.isObject() && !dict.isEmpty();
        boolean hasString = string != null && string.isTextual() && !string.asText().isEmpty();
        Problems problems = new Problems();
        if (!hasDict && !hasString) {
            problems.add(schema + ".custom_compose_config", "This field is required");
        } else if (hasDict && hasString) {
            problems.add(schema + ".custom_compose_config_string", "Only one of these fields should be provided");
        }
        Object compose = hasDict ? Json.MAPPER.convertValue(dict, Map.class) : null;
        if (hasString) {
            try {
                compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(string.asText());
            } catch (RuntimeException e) {
                problems.add(schema + ".custom_compose_config_string", "Invalid YAML provided");
            }
        }
        problems.check();
        Object normalized = AppRecord.normalize(compose);
        return normalized instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    static final Map<String, String> CREATE_SCHEMA = ordered(
            "custom_app", "bool", "values", "dict", "custom_compose_config", "dict",
            "custom_compose_config_string", "str", "catalog_app", "str?", "app_name", "appname",
            "train", "nonempty", "version", "nonempty");

    static final Map<String, String> UPDATE_SCHEMA = ordered(
            "values", "dict", "custom_compose_config", "dict", "custom_compose_config_string", "str");

    static final Map<String, String> DELETE_SCHEMA = ordered(
            "remove_images", "bool", "remove_ix_volumes", "bool", "force_remove_ix_volumes", "bool",
            "force_remove_custom_app", "bool");

    static Map<String, String> ordered(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }
}
