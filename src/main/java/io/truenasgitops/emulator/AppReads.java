package io.truenasgitops.emulator;

import static io.truenasgitops.emulator.Params.arg;
import static io.truenasgitops.emulator.Params.textArg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The app and Docker reads: {@code app.query}, {@code app.get_instance}, {@code app.config}, container ids,
 * used ports, {@code docker.status} and {@code docker.config}.
 */
final class AppReads implements MethodArea {
    private final NasState nas;

    AppReads(NasState nas) {
        this.nas = nas;
    }

    @Override
    public void register(MethodRegistry.Registration methods) {
        methods.def("app.query", (s, p) -> appQuery(arg(p, 0), arg(p, 1)));
        methods.def("app.get_instance", (s, p) -> appGetInstance(p));
        methods.def("app.config", (s, p) -> appConfig(p));
        methods.def("app.container_ids", (s, p) -> containerIds(p));
        methods.def("app.used_ports", (s, p) -> usedPorts());
        methods.def("app.available_space", (s, p) -> {
            requireDocker();
            return LongNode.valueOf(1_000_000_000_000L);
        });
        methods.def("docker.status", (s, p) -> dockerStatus());
        methods.def("docker.config", (s, p) -> dockerConfig());
    }

    /** {@code docker.state.validate()}: a pool must be chosen and Docker started. */
    void requireDocker() {
        if (!nas.faults.dockerState().poolConfigured()) {
            throw new MiddlewareError.Call(Errno.EFAULT, "No pool configured for Docker");
        }
        if (!nas.faults.dockerRunning()) {
            throw new MiddlewareError.Call(Errno.EFAULT, "Docker service is not running");
        }
    }

    private JsonNode appQuery(JsonNode filters, JsonNode queryOptions) {
        if (filters != null && !filters.isNull() && !filters.isArray()) {
            throw MiddlewareError.Validation.of("filters", "Input should be a valid list");
        }
        if (queryOptions != null && !queryOptions.isNull() && !queryOptions.isObject()) {
            throw MiddlewareError.Validation.of("options", "Input should be a valid dictionary");
        }
        boolean retrieveConfig = queryOptions != null && queryOptions.path("extra").path("retrieve_config").asBoolean(false);
        List<ObjectNode> rows = new ArrayList<>();
        if (nas.faults.dockerRunning()) {
            synchronized (nas.lock) {
                nas.apps.values().forEach(a -> rows.add(a.entry(retrieveConfig, nas.release())));
            }
        }
        return Query.apply(rows, filters, queryOptions);
    }

    AppRecord instance(String name) {
        AppRecord app = nas.faults.dockerRunning() ? nas.apps.get(name) : null;
        if (app == null) {
            throw MiddlewareError.Validation.instanceNotFound("App " + name + " does not exist");
        }
        return app;
    }

    /**
     * {@code crud.py get_usable_instance} (27.0): the app, refused when its metadata is unusable
     * ({@code utils.py assert_app_usable}); every app method but {@code app.delete} takes the app this way.
     */
    AppRecord usableInstance(String name) {
        AppRecord app = instance(name);
        if (app.errorReason != null && nas.release().atLeast(Release.V27_0)) {
            throw new MiddlewareError.Call(Errno.EFAULT, Py.repr(name) + " app cannot be managed because its metadata"
                    + " is unusable (" + app.errorReason + "). The app can only be deleted.");
        }
        return app;
    }

    private JsonNode appGetInstance(ArrayNode p) {
        String name = textArg(p, 0, "id");
        JsonNode opts = arg(p, 1);
        boolean retrieveConfig = opts != null && opts.path("extra").path("retrieve_config").asBoolean(false);
        synchronized (nas.lock) {
            return instance(name).entry(retrieveConfig, nas.release());
        }
    }

    private JsonNode appConfig(ArrayNode p) {
        String name = textArg(p, 0, "app_name");
        synchronized (nas.lock) {
            return Json.valueToTree(AppRecord.jsonSafe(usableInstance(name).compose));
        }
    }

    private JsonNode containerIds(ArrayNode p) {
        String name = textArg(p, 0, "app_name");
        JsonNode opts = arg(p, 1);
        boolean aliveOnly = opts == null || opts.path("alive_only").asBoolean(true);
        ObjectNode out = Json.object();
        synchronized (nas.lock) {
            for (AppRecord.ContainerRecord c : instance(name).containers) {
                if (aliveOnly && !c.state.equals("running")) {
                    continue;
                }
                ObjectNode d = out.putObject(c.id);
                d.put("id", c.id);
                d.put("service_name", c.service);
                d.put("image", c.image);
                d.put("state", c.reported(nas.release()));
            }
        }
        return out;
    }

    private JsonNode usedPorts() {
        Set<Integer> ports = new TreeSet<>();
        synchronized (nas.lock) {
            for (AppRecord app : nas.apps.values()) {
                for (AppRecord.ContainerRecord c : app.containers) {
                    c.ports.forEach(pc -> pc.path("host_ports").forEach(h -> ports.add(h.path("host_port").asInt())));
                }
            }
        }
        ArrayNode out = Json.array();
        ports.forEach(out::add);
        return out;
    }

    private JsonNode dockerStatus() {
        ObjectNode out = Json.object();
        out.put("status", nas.faults.dockerState().name());
        out.put("description", nas.faults.dockerDescription());
        return out;
    }

    private JsonNode dockerConfig() {
        ObjectNode out = Json.object();
        out.put("id", 1);
        out.put("enable_image_updates", true);
        if (nas.faults.dockerState().poolConfigured()) {
            out.put("dataset", "tank/ix-apps");
            out.put("pool", "tank");
        } else {
            out.putNull("dataset");
            out.putNull("pool");
        }
        out.put("nvidia", false);
        ObjectNode pool = out.putArray("address_pools").addObject();
        pool.put("base", "172.17.0.0/12");
        pool.put("size", 24);
        out.put("cidr_v6", "fdd0::/64");
        return out;
    }
}
