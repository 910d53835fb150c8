package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The storage methods of the emulated middleware, per release: {@code pool.dataset.query} on all; snapshots as
 * {@code zfs.snapshot.*} on 24.10 and 25.04, as {@code pool.snapshot.*} from 25.10 (where {@code zfs.snapshot} went
 * private). None of them is a job. Their roles are not enforced (the emulator's key is a full admin); those of
 * {@link FilesystemMethods} are.
 */
final class StorageMethods {

    private StorageMethods() {}

    static void register(Release release, EmulatedStorage storage, BiConsumer<String, MethodRegistry.Handler> def) {
        storage.release(release);
        def.accept("pool.dataset.query", (s, p) -> query(visible(storage.datasetRows(), p), p));
        String ns = release.atLeast(Release.V25_10) ? "pool.snapshot" : "zfs.snapshot";
        def.accept(ns + ".query", (s, p) -> query(release.atLeast(Release.V26_0)
                ? onlyAskedProperties(storage.snapshotRows(), p) : storage.snapshotRows(), p));
        def.accept(ns + ".create", (s, p) -> create(storage, p));
        def.accept(ns + ".delete", (s, p) -> {
            ObjectNode o = options(p, 1);
            storage.delete(id(p), o.path("recursive").asBoolean(false));
            return BooleanNode.TRUE;
        });
        def.accept(ns + ".rollback", (s, p) -> {
            ObjectNode o = options(p, 1);
            storage.rollback(id(p), o.path("recursive").asBoolean(false) || o.path("recursive_clones").asBoolean(false),
                    o.path("recursive_rollback").asBoolean(false));
            return NullNode.instance;
        });
    }

    /**
     * What {@code pool.dataset.query} never shows: the middleware adds its internal-dataset filters to every query
     * (plugins/pool_/dataset.py, {@code internal_datasets_filters}, the same in 24.10, 25.04 and 25.10: the boot
     * pool, ids containing {@code /.system}, {@code /ix-applications/}, {@code /ix-apps}, and from 25.10
     * {@code /.ix-virt}; on 26.0 plugins/zfs/utils.py {@code has_internal_path}, the second component in
     * {@code ix-apps}, {@code ix-applications}, {@code .system}, {@code .truenas_containers}, unless
     * {@code extra.exclude_internal_datasets} is false). So ix-volumes are never found through it on a real NAS.
     */
    private static List<Map<String, Object>> visible(List<Map<String, Object>> rows, ArrayNode p) {
        JsonNode options = p.size() > 1 ? p.get(1) : null;
        if (options != null && options.path("extra").path("exclude_internal_datasets").isBoolean()
                && !options.path("extra").path("exclude_internal_datasets").asBoolean()) {
            return rows;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            if (internal(String.valueOf(r.get("id")))) {
                continue;
            }
            Map<String, Object> copy = new java.util.LinkedHashMap<>(r);
            if (r.get("children") instanceof List<?> children) {
                List<Map<String, Object>> kept = new ArrayList<>();
                for (Object c : children) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> child = (Map<String, Object>) c;
                    kept.add(child);
                }
                copy.put("children", visible(kept, p));
            }
            out.add(copy);
        }
        return out;
    }

    /**
     * 26.0 {@code plugins/pool_/snapshot.py query}: {@code properties} holds only what
     * {@code options.extra.properties} lists (the top-level {@code createtxg} is always there); none asked, none
     * given.
     */
    private static List<Map<String, Object>> onlyAskedProperties(List<Map<String, Object>> rows, ArrayNode p) {
        JsonNode asked = p.size() > 1 ? p.get(1).path("extra").path("properties") : null;
        java.util.Set<String> names = new java.util.HashSet<>();
        if (asked != null && asked.isArray()) {
            asked.forEach(n -> names.add(n.asText()));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Map<String, Object> copy = new java.util.LinkedHashMap<>(row);
            Map<String, Object> props = new java.util.LinkedHashMap<>();
            if (row.get("properties") instanceof Map<?, ?> all) {
                all.forEach((k, v) -> {
                    if (names.contains(String.valueOf(k))) {
                        props.put(String.valueOf(k), v);
                    }
                });
            }
            copy.put("properties", props);
            out.add(copy);
        }
        return out;
    }

    static boolean internal(String id) {
        String[] parts = id.split("/");
        if (parts[0].equals("boot-pool") || parts[0].equals("freenas-boot")) {
            return true;
        }
        return id.contains("/.system") || id.contains("/ix-applications/") || id.contains("/ix-apps")
                || id.contains("/.ix-virt") || (parts.length > 1 && (parts[1].equals("ix-applications")
                        || parts[1].equals(".truenas_containers")));
    }

    private static JsonNode query(List<Map<String, Object>> rows, ArrayNode p) {
        JsonNode filters = p.size() > 0 ? p.get(0) : null;
        JsonNode options = p.size() > 1 ? p.get(1) : null;
        if (filters != null && !filters.isNull() && !filters.isArray()) {
            throw MiddlewareError.Validation.of("filters", "Input should be a valid list");
        }
        List<ObjectNode> nodes = new ArrayList<>();
        rows.forEach(r -> nodes.add((ObjectNode) Json.valueToTree(r)));
        return Query.apply(nodes, filters, options);
    }

    private static String id(ArrayNode p) {
        JsonNode v = p.size() > 0 ? p.get(0) : null;
        if (v == null || !v.isTextual()) {
            throw MiddlewareError.Validation.of("id", v == null ? "Field required" : "Input should be a valid string");
        }
        return v.asText();
    }

    private static ObjectNode options(ArrayNode p, int i) {
        JsonNode v = p.size() > i ? p.get(i) : null;
        if (v == null || v.isNull()) {
            return Json.object();
        }
        if (!v.isObject()) {
            throw MiddlewareError.Validation.of("options", "Input should be a valid dictionary");
        }
        return (ObjectNode) v;
    }

    private static JsonNode create(EmulatedStorage storage, ArrayNode p) {
        JsonNode data = p.size() > 0 ? p.get(0) : null;
        if (data == null || !data.isObject()) {
            throw MiddlewareError.Validation.of("snapshot_create", "Input should be a valid dictionary");
        }
        String dataset = data.path("dataset").asText("");
        List<MiddlewareError.Validation.Problem> problems = new ArrayList<>();
        if (dataset.isEmpty()) {
            problems.add(new MiddlewareError.Validation.Problem("snapshot_create.dataset", "Field required",
                    Errno.EINVAL));
        }
        boolean hasName = data.hasNonNull("name");
        boolean hasSchema = data.hasNonNull("naming_schema");
        String name = null;
        if (hasName && hasSchema) {
            problems.add(new MiddlewareError.Validation.Problem("snapshot_create.naming_schema",
                    "You can't specify name and naming schema at the same time", Errno.EINVAL));
        } else if (hasName) {
            name = data.get("name").asText();
        } else if (hasSchema) {
            // replication.new_snapshot_name: strftime of the schema in the NAS's time zone (UTC here)
            name = strftime(data.get("naming_schema").asText(), ZonedDateTime.now(ZoneOffset.UTC));
        } else {
            problems.add(new MiddlewareError.Validation.Problem("snapshot_create.naming_schema",
                    "You must specify either name or naming schema", Errno.EINVAL));
        }
        if (name != null && !EmulatedStorage.SNAPSHOT_NAME.matcher(name).matches()) {
            problems.add(new MiddlewareError.Validation.Problem("snapshot_create.name", "Invalid snapshot name",
                    Errno.EINVAL));
        }
        if (!problems.isEmpty()) {
            throw MiddlewareError.Validation.of(problems);
        }
        return Json.valueToTree(storage.create(dataset, name, data.path("recursive").asBoolean(false)));
    }

    private static String strftime(String schema, ZonedDateTime t) {
        return schema.replace("%Y", DateTimeFormatter.ofPattern("yyyy").format(t))
                .replace("%m", DateTimeFormatter.ofPattern("MM").format(t))
                .replace("%d", DateTimeFormatter.ofPattern("dd").format(t))
                .replace("%H", DateTimeFormatter.ofPattern("HH").format(t))
                .replace("%M", DateTimeFormatter.ofPattern("mm").format(t))
                .replace("%S", DateTimeFormatter.ofPattern("ss").format(t));
    }
}
