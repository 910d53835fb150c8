package io.truenasgitops.compose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compose profiles as {@code docker compose up} without {@code --profile} applies them: a service that lists
 * {@code profiles:} is not part of the app, so it is dropped from the rendered compose with a warning naming it and
 * its profiles. A service left in that {@code depends_on} a dropped one is an error, as docker compose gives it
 * (unless the dependency says {@code required: false}, which compose then ignores). Pure.
 */
public final class Profiles {

    private Profiles() {}

    /** The tree with disabled services removed, and what was dropped or broken. */
    public record Result(Object tree, List<Problem> problems) {}

    /**
     * Drops every service none of whose profiles is in {@code enabled}.
     *
     * @param tree the interpolated compose document
     * @param enabled the active profiles (empty: only services without {@code profiles:} run)
     * @param sm where values came from
     */
    public static Result apply(Object tree, Set<String> enabled, SourceMap sm) {
        List<Problem> problems = new ArrayList<>();
        if (!(tree instanceof Map<?, ?> root) || !(root.get("services") instanceof Map<?, ?> services)) {
            return new Result(tree, List.of());
        }
        Map<String, Object> kept = new LinkedHashMap<>();
        Map<String, List<String>> dropped = new LinkedHashMap<>();
        services.forEach((k, v) -> {
            String name = String.valueOf(k);
            List<String> profiles = profilesOf(v);
            if (profiles == null || enabled.contains("*")
                    || profiles.stream().anyMatch(enabled::contains)) {
                kept.put(name, v);
            } else {
                dropped.put(name, profiles);
            }
        });
        if (dropped.isEmpty()) {
            return new Result(tree, List.of());
        }
        dropped.forEach((name, profiles) -> problems.add(sm.warning("services." + name + ".profiles",
                "service '" + name + "' is left out of the app: it is only started with profile "
                + String.join(" or ", profiles.stream().map(p -> "'" + p + "'").toList())
                + ", as 'docker compose up' without '--profile' does; remove 'profiles:' to deploy it")));
        kept.replaceAll((name, service) -> withoutDroppedDependencies(name, service, dropped, sm, problems));
        Map<String, Object> out = new LinkedHashMap<>();
        root.forEach((k, v) -> out.put(String.valueOf(k), v));
        out.put("services", kept);
        return new Result(out, List.copyOf(problems));
    }

    /** A service's profiles, or null when it has none (an empty list counts as none, as in compose). */
    private static List<String> profilesOf(Object service) {
        if (service instanceof Map<?, ?> s && s.get("profiles") instanceof List<?> list && !list.isEmpty()) {
            return list.stream().map(String::valueOf).toList();
        }
        return null;
    }

    private static Object withoutDroppedDependencies(String name, Object service, Map<String, List<String>> dropped,
            SourceMap sm, List<Problem> problems) {
        if (!(service instanceof Map<?, ?> s) || s.get("depends_on") == null) {
            return service;
        }
        Object deps = s.get("depends_on");
        String base = "services." + name + ".depends_on";
        Object kept;
        if (deps instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String dep = String.valueOf(list.get(i));
                if (dropped.containsKey(dep)) {
                    problems.add(dependencyError(name, dep, SourceMap.index(base, i), sm));
                } else {
                    out.add(list.get(i));
                }
            }
            kept = out;
        } else if (deps instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                String dep = String.valueOf(k);
                if (!dropped.containsKey(dep)) {
                    out.put(dep, v);
                } else if (!(v instanceof Map<?, ?> opts && Boolean.FALSE.equals(opts.get("required")))) {
                    problems.add(dependencyError(name, dep, SourceMap.child(base, dep), sm));
                }
            });
            kept = out;
        } else {
            return service;
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        s.forEach((k, v) -> copy.put(String.valueOf(k), v));
        copy.put("depends_on", kept);
        return copy;
    }

    private static Problem dependencyError(String service, String dep, String path, SourceMap sm) {
        return sm.error(path, "service '" + dep + "' is needed by service '" + service + "' but is not enabled:"
                + " it has 'profiles:' and no profile is active, which docker compose refuses too; remove"
                + " 'profiles:' from '" + dep + "', give '" + service + "' the same profiles, or drop the dependency");
    }
}
