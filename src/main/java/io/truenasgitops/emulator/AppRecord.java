package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One installed app: its stored compose dict (what {@code app.config} returns) and its containers. The app state
 * is derived from the container states the way {@code ix_apps/query.py} does. Guarded by the middleware lock.
 */
final class AppRecord {
    private static final SecureRandom RANDOM = new SecureRandom();

    final String name;
    Map<String, Object> compose;
    final boolean custom;
    final List<ContainerRecord> containers = new ArrayList<>();
    /** Bumped whenever the containers are replaced, so that stale deploy timers do nothing. */
    long generation;
    /**
     * Why the app's metadata is unusable ({@code METADATA_MISSING}, {@code METADATA_UNREADABLE},
     * {@code METADATA_INCOMPLETE}; {@code ix_apps/utils.py AppErrorReason}), or null for a sound app. 27.0 reports
     * such an app as {@code ERROR}, which can only be deleted; older releases as {@code CRASHED}.
     */
    String errorReason;
    String networkId = hex(32);

    AppRecord(String name, Map<String, Object> compose, boolean custom) {
        this.name = name;
        this.compose = compose;
        this.custom = custom;
    }

    /** One container of the app's compose project. */
    static final class ContainerRecord {
        final String id;
        final String service;
        final String image;
        final List<ObjectNode> ports;
        final List<ObjectNode> mounts;
        final long startedAt = System.currentTimeMillis();
        /** running, starting, created, crashed or exited; "removed" once compose down removed it. */
        volatile String state;
        /** The exit code of an exited or crashed container (docker's {@code State.ExitCode}). */
        volatile int exitCode;

        ContainerRecord(String service, String image, List<ObjectNode> ports, List<ObjectNode> mounts, String state) {
            this(hex(32), service, image, ports, mounts, state);
        }

        /** A container that exists elsewhere (a real Docker container), with its own id. */
        ContainerRecord(String id, String service, String image, List<ObjectNode> ports, List<ObjectNode> mounts,
                String state) {
            this.id = id;
            this.service = service;
            this.image = image;
            this.ports = ports;
            this.mounts = mounts;
            this.state = state;
            this.exitCode = state.equals("crashed") ? 1 : 0;
        }

        /**
         * The state {@code ix_apps/query.py translate_resources_to_desired_workflow} reports: before 27.0 an exited
         * container with any non-zero exit code is {@code crashed}; 27.0 counts the codes of
         * {@link #KNOWN_NORMAL_EXIT_CODES} (a stop signal, or 137 for SIGKILL, which is also what the OOM killer
         * sends) as {@code exited}.
         */
        String reported(Release release) {
            if (state.equals("crashed") && release.atLeast(Release.V27_0) && KNOWN_NORMAL_EXIT_CODES.contains(exitCode)) {
                return "exited";
            }
            return state;
        }

        boolean alive() {
            return state.equals("running") || state.equals("starting");
        }
    }

    /** {@code ix_apps/query.py KNOWN_NORMAL_EXIT_CODES} (27.0): 0, SIGHUP, SIGINT, SIGKILL, SIGTERM. */
    static final Set<Integer> KNOWN_NORMAL_EXIT_CODES = Set.of(0, 129, 130, 137, 143);

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * {@code ix_apps/query.py list_apps}: ERROR (27.0; CRASHED before) for unusable metadata; CRASHED if any
     * container crashed; DEPLOYING if any is created/starting; RUNNING if any runs (the others exited); else
     * STOPPED. Which containers count as crashed depends on the release ({@link ContainerRecord#reported}).
     */
    String state(Release release) {
        if (errorReason != null) {
            return release.atLeast(Release.V27_0) ? "ERROR" : "CRASHED";
        }
        if (containers.isEmpty()) {
            return "STOPPED";
        }
        if (containers.stream().anyMatch(c -> c.reported(release).equals("crashed"))) {
            return "CRASHED";
        }
        if (containers.stream().anyMatch(c -> c.state.equals("created") || c.state.equals("starting"))) {
            return "DEPLOYING";
        }
        if (containers.stream().anyMatch(c -> c.state.equals("running"))) {
            return "RUNNING";
        }
        return "STOPPED";
    }

    /** {@code compose up}: new containers for every service, all in {@code state}. */
    void createContainers(String state) {
        removeContainers();
        generation++;
        networkId = hex(32);
        for (Map.Entry<String, Map<String, Object>> service : services().entrySet()) {
            Map<String, Object> def = service.getValue();
            String image = def.get("image") == null ? "" : String.valueOf(def.get("image"));
            containers.add(new ContainerRecord(service.getKey(), image, ports(def.get("ports")),
                    mounts(def.get("volumes")), state));
        }
    }

    /** {@code compose down}: the containers are gone (their logs too). */
    List<ContainerRecord> removeContainers() {
        List<ContainerRecord> gone = new ArrayList<>(containers);
        gone.forEach(c -> c.state = "removed");
        containers.clear();
        generation++;
        return gone;
    }

    /** Whether the compose can be deployed at all (a mapping with at least one service). */
    boolean deployable() {
        return compose != null && !services().isEmpty();
    }

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> services() {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        if (compose == null || !(compose.get("services") instanceof Map<?, ?> services)) {
            return out;
        }
        services.forEach((k, v) -> out.put(String.valueOf(k), v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of()));
        return out;
    }

    /**
     * The {@code app.query} entry (AppEntry of 25.04; without {@code networks} for 24.10; with
     * {@code used_host_ips} from 25.10). A STOPPED app has empty workloads, as {@code ix_apps/query.py} gives it.
     */
    ObjectNode entry(boolean retrieveConfig, Release release) {
        String state = state(release);
        return entry(state, retrieveConfig, release, state.equals("STOPPED"));
    }

    ObjectNode entry(String state, boolean retrieveConfig, Release release, boolean emptyWorkloads) {
        if (state.equals("ERROR")) {
            return errorEntry(retrieveConfig, release);
        }
        ObjectNode e = Json.object();
        e.put("name", name);
        e.put("id", name);
        e.put("state", state);
        e.put("upgrade_available", false);
        e.put("latest_version", "1.0.0");
        e.put("image_updates_available", false);
        e.put("custom_app", custom);
        e.put("migrated", false);
        e.put("human_version", custom ? "1.0.0_custom" : "1.0.0");
        e.put("version", "1.0.0");
        e.set("metadata", metadata());
        e.set("active_workloads", emptyWorkloads ? emptyWorkloads(release) : workloads(release));
        e.putNull("notes");
        e.putObject("portals");
        if (release.atLeast(Release.V27_0)) {
            e.putNull("error_reason");
        }
        if (retrieveConfig) {
            e.set("config", Json.valueToTree(jsonSafe(compose)));
        }
        return e;
    }

    /**
     * {@code ix_apps/query.py error_app_data} (27.0): what is known of an app whose metadata cannot be read, the
     * rest unknown: no version, no metadata, not a custom app; its real workloads stay visible.
     */
    private ObjectNode errorEntry(boolean retrieveConfig, Release release) {
        ObjectNode e = Json.object();
        e.put("name", name);
        e.put("id", name);
        e.set("active_workloads", containers.isEmpty() ? emptyWorkloads(release) : workloads(release));
        e.put("state", "ERROR");
        e.put("error_reason", errorReason);
        e.put("upgrade_available", false);
        e.putNull("latest_version");
        e.putNull("latest_app_version");
        e.put("image_updates_available", false);
        e.put("action_required", false);
        e.put("custom_app", false);
        e.put("migrated", false);
        e.putNull("human_version");
        e.putNull("version");
        e.putObject("metadata");
        e.putObject("portals");
        e.putNull("notes");
        e.putNull("version_details");
        if (retrieveConfig) {
            e.putObject("config");
        } else {
            e.putNull("config");
        }
        return e;
    }

    static ObjectNode emptyWorkloads(Release release) {
        boolean withNetworks = release != Release.V24_10;
        ObjectNode w = Json.object();
        w.put("containers", 0);
        w.putArray("used_ports");
        if (release.atLeast(Release.V25_10)) {
            w.putArray("used_host_ips");
        }
        w.putArray("container_details");
        w.putArray("volumes");
        w.putArray("images");
        if (withNetworks) {
            w.putArray("networks");
        }
        return w;
    }

    private ObjectNode metadata() {
        ObjectNode m = Json.object();
        m.put("app_version", "custom");
        m.putArray("capabilities");
        m.put("description", "This is a custom app where user can use his/her own docker compose file for deploying services");
        m.put("home", "");
        m.putArray("host_mounts");
        m.putArray("maintainers");
        m.put("name", "custom-app");
        m.putArray("run_as_context");
        m.putArray("sources");
        m.put("title", "Custom App");
        m.put("train", "stable");
        m.put("version", "1.0.0");
        return m;
    }

    private ObjectNode workloads(Release release) {
        boolean withNetworks = release != Release.V24_10;
        ObjectNode w = Json.object();
        w.put("containers", containers.size());
        ArrayNode usedPorts = w.putArray("used_ports");
        ArrayNode usedHostIps = release.atLeast(Release.V25_10) ? w.putArray("used_host_ips") : null;
        Set<String> hostIps = new LinkedHashSet<>();
        Set<JsonNode> seenPorts = new LinkedHashSet<>();
        ArrayNode details = w.putArray("container_details");
        Set<JsonNode> volumes = new LinkedHashSet<>();
        Set<String> images = new LinkedHashSet<>();
        for (ContainerRecord c : containers) {
            ObjectNode d = details.addObject();
            d.put("id", c.id);
            d.put("service_name", c.service);
            d.put("image", c.image);
            ArrayNode pc = d.putArray("port_config");
            c.ports.forEach(p -> {
                pc.add(p);
                if (seenPorts.add(p)) {
                    usedPorts.add(p);
                }
                p.path("host_ports").forEach(h -> {
                    if (!h.path("host_ip").asText("").isEmpty()) {
                        hostIps.add(h.path("host_ip").asText());
                    }
                });
            });
            d.put("state", c.reported(release));
            ArrayNode vm = d.putArray("volume_mounts");
            c.mounts.forEach(vm::add);
            volumes.addAll(c.mounts);
            images.add(c.image);
        }
        ArrayNode vols = w.putArray("volumes");
        volumes.forEach(vols::add);
        ArrayNode imgs = w.putArray("images");
        images.forEach(imgs::add);
        if (usedHostIps != null) {
            hostIps.forEach(usedHostIps::add);
        }
        if (withNetworks) {
            ArrayNode networks = w.putArray("networks");
            if (!containers.isEmpty()) {
                for (String net : networkNames()) {
                    ObjectNode n = networks.addObject();
                    n.put("Name", "ix-" + name + "_" + net);
                    n.put("Id", networkId.substring(0, 48) + AppRecord.hex(8));
                    ObjectNode labels = n.putObject("Labels");
                    labels.put("com.docker.compose.network", net);
                    labels.put("com.docker.compose.project", "ix-" + name);
                    labels.put("com.docker.compose.version", "2.27.0");
                    n.put("Created", "2025-01-01T00:00:00.000000000Z");
                    n.put("Scope", "local");
                    n.put("Driver", "bridge");
                    n.put("EnableIPv6", false);
                    n.put("Internal", false);
                    n.put("Attachable", false);
                }
            }
        }
        return w;
    }

    private List<String> networkNames() {
        List<String> names = new ArrayList<>();
        if (compose != null && compose.get("networks") instanceof Map<?, ?> nets) {
            nets.keySet().forEach(k -> names.add(String.valueOf(k)));
        }
        boolean usesDefault = services().values().stream().anyMatch(s -> !s.containsKey("networks"));
        if (usesDefault && !names.contains("default")) {
            names.add(0, "default");
        }
        return names;
    }

    /** {@code ports:} of one service as port_config entries (published ports only). */
    static List<ObjectNode> ports(Object spec) {
        List<ObjectNode> out = new ArrayList<>();
        if (!(spec instanceof List<?> list)) {
            return out;
        }
        for (Object item : list) {
            String hostIp = "0.0.0.0";
            String protocol = "tcp";
            String published = null;
            String target;
            if (item instanceof Map<?, ?> m) {
                target = String.valueOf(m.get("target"));
                published = m.get("published") == null ? null : String.valueOf(m.get("published"));
                protocol = m.get("protocol") == null ? "tcp" : String.valueOf(m.get("protocol"));
                hostIp = m.get("host_ip") == null ? "0.0.0.0" : String.valueOf(m.get("host_ip"));
            } else {
                String s = String.valueOf(item);
                int slash = s.lastIndexOf('/');
                if (slash > 0) {
                    protocol = s.substring(slash + 1);
                    s = s.substring(0, slash);
                }
                int last = s.lastIndexOf(':');
                if (last < 0) {
                    target = s;
                } else {
                    target = s.substring(last + 1);
                    String rest = s.substring(0, last);
                    int ipSep = rest.lastIndexOf(':');
                    if (ipSep >= 0) {
                        hostIp = rest.substring(0, ipSep).replace("[", "").replace("]", "");
                        published = rest.substring(ipSep + 1);
                    } else {
                        published = rest;
                    }
                }
            }
            if (published == null || published.isEmpty()) {
                continue;
            }
            List<int[]> pairs = expand(published, target);
            for (int[] pair : pairs) {
                ObjectNode p = Json.object();
                p.put("container_port", pair[1]);
                p.put("protocol", protocol);
                ObjectNode host = p.putArray("host_ports").addObject();
                host.put("host_port", pair[0]);
                host.put("host_ip", hostIp);
                out.add(p);
            }
        }
        return out;
    }

    private static List<int[]> expand(String published, String target) {
        List<int[]> out = new ArrayList<>();
        try {
            int[] h = range(published);
            int[] t = range(target);
            int count = Math.min(h[1] - h[0], t[1] - t[0]) + 1;
            if (h[0] == h[1]) {
                out.add(new int[] {h[0], t[0]});
            } else {
                for (int i = 0; i < count; i++) {
                    out.add(new int[] {h[0] + i, t[0] + i});
                }
            }
        } catch (NumberFormatException e) {
            // Not a port number (e.g. an unresolved variable): docker would refuse it; nothing is published.
        }
        return out;
    }

    private static int[] range(String s) {
        int dash = s.indexOf('-');
        if (dash > 0) {
            return new int[] {Integer.parseInt(s.substring(0, dash).trim()), Integer.parseInt(s.substring(dash + 1).trim())};
        }
        int v = Integer.parseInt(s.trim());
        return new int[] {v, v};
    }

    /** {@code volumes:} of one service as volume_mounts entries. */
    List<ObjectNode> mounts(Object spec) {
        List<ObjectNode> out = new ArrayList<>();
        if (!(spec instanceof List<?> list)) {
            return out;
        }
        for (Object item : list) {
            String source;
            String target;
            String mode = "rw";
            String type;
            if (item instanceof Map<?, ?> m) {
                type = m.get("type") == null ? "volume" : String.valueOf(m.get("type"));
                source = m.get("source") == null ? null : String.valueOf(m.get("source"));
                target = String.valueOf(m.get("target"));
                if (Boolean.TRUE.equals(m.get("read_only"))) {
                    mode = "ro";
                }
            } else {
                String[] parts = String.valueOf(item).split(":");
                if (parts.length == 1) {
                    source = null;
                    target = parts[0];
                } else {
                    source = parts[0];
                    target = parts[1];
                    if (parts.length > 2) {
                        mode = parts[2];
                    }
                }
                type = source != null && (source.startsWith("/") || source.startsWith(".") || source.startsWith("~"))
                        ? "bind" : "volume";
            }
            if (type.equals("volume")) {
                String volume = source == null ? AppRecord.hex(32) : "ix-" + name + "_" + source;
                source = "/mnt/.ix-apps/docker/volumes/" + volume + "/_data";
            } else if (source != null && source.startsWith(".")) {
                source = "/mnt/.ix-apps/app_configs/" + name + "/versions/1.0.0/templates/rendered/" + source.substring(1).replaceFirst("^/", "");
            }
            ObjectNode v = Json.object();
            v.put("source", source);
            v.put("destination", target);
            v.put("mode", mode);
            v.put("type", type);
            out.add(v);
        }
        return out;
    }

    /**
     * What PyYAML's {@code safe_dump(sort_keys=True)} then {@code safe_load} makes of a compose document:
     * key-sorted mappings, every value kept ({@code x-} keys too).
     */
    static Object normalize(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), normalize(v)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(normalize(v)));
            return out;
        }
        if (value instanceof Set<?> set) {
            Map<String, Object> asMap = new TreeMap<>();
            set.forEach(v -> asMap.put(String.valueOf(v), null));
            return asMap;
        }
        return value;
    }

    /** Converts YAML-only values (timestamps, binary) to the EJSON the middleware would send. */
    static Object jsonSafe(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), jsonSafe(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(jsonSafe(v)));
            return out;
        }
        if (value instanceof Date date) {
            long ms = date.getTime();
            if (ms % 86_400_000L == 0) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("$type", "date");
                d.put("$value", new java.text.SimpleDateFormat("yyyy-MM-dd") {{
                        setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
                    }}.format(date));
                return d;
            }
            return Map.of("$date", ms);
        }
        if (value instanceof byte[] bytes) {
            return java.util.Base64.getEncoder().encodeToString(bytes);
        }
        return value;
    }
}
