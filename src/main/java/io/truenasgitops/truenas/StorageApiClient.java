package io.truenasgitops.truenas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link PoolsApi}, {@link SnapshotsApi} and {@link FilesystemApi} over a middleware connection. The snapshot namespace is
 * {@code pool.snapshot} from 25.10 and {@code zfs.snapshot} before; the first call that meets "no such method"
 * switches to the other and remembers it.
 */
public final class StorageApiClient implements PoolsApi, SnapshotsApi, FilesystemApi {

    private final Supplier<TrueNasClient> client;
    private volatile String namespace = "pool.snapshot";

    /** @param client the connection, looked up on every call (a lazily connecting target passes its getter) */
    public StorageApiClient(Supplier<TrueNasClient> client) {
        this.client = client;
    }

    @Override
    public List<Dataset> datasets() {
        JsonNode rows = call("failed to list the datasets", "pool.dataset.query", Json.MAPPER.createArrayNode(),
                flat());
        List<Dataset> out = new ArrayList<>();
        for (JsonNode r : rows) {
            out.add(dataset(r));
        }
        return out;
    }

    @Override
    public Optional<Dataset> dataset(String name) {
        ArrayNode filters = Json.MAPPER.createArrayNode();
        filters.addArray().add("id").add("=").add(name);
        JsonNode rows = call("failed to look up dataset '" + name + "'", "pool.dataset.query", filters, flat());
        return rows == null || rows.isEmpty() ? Optional.empty() : Optional.of(dataset(rows.get(0)));
    }

    private static ObjectNode flat() {
        ObjectNode options = Json.MAPPER.createObjectNode();
        // children are listed as rows of their own; the nested copies are not needed
        options.putObject("extra").put("flat", true).put("retrieve_children", false);
        return options;
    }

    private static Dataset dataset(JsonNode r) {
        JsonNode mp = r.get("mountpoint");
        String mountpoint = mp == null || mp.isNull() ? null : mp.isObject() ? Json.text(mp, "value") : mp.asText();
        return new Dataset(Json.text(r, "id"), Json.text(r, "pool"), mountpoint);
    }

    @Override
    public List<DatasetSnapshot> list(String dataset) {
        ArrayNode filters = Json.MAPPER.createArrayNode();
        filters.addArray().add("dataset").add("=").add(dataset);
        JsonNode rows = snapshotCall("failed to list the snapshots of dataset '" + dataset + "'", "query", filters,
                Json.MAPPER.createObjectNode());
        List<DatasetSnapshot> out = new ArrayList<>();
        for (JsonNode r : rows) {
            out.add(snapshot(r));
        }
        out.sort(Comparator.comparingLong(DatasetSnapshot::createTxg));
        return out;
    }

    private static DatasetSnapshot snapshot(JsonNode r) {
        String id = Json.text(r, "id");
        String txg = r.hasNonNull("createtxg") ? r.get("createtxg").asText()
                : r.path("properties").path("createtxg").path("value").asText("0");
        JsonNode creation = r.path("properties").path("creation").path("parsed");
        Instant created = creation.has("$date") ? Instant.ofEpochMilli(creation.get("$date").asLong()) : null;
        String dataset = r.hasNonNull("dataset") ? r.get("dataset").asText() : id.substring(0, id.indexOf('@'));
        String name = r.hasNonNull("snapshot_name") ? r.get("snapshot_name").asText()
                : id.substring(id.indexOf('@') + 1);
        long createTxg;
        try {
            createTxg = Long.parseLong(txg);
        } catch (NumberFormatException e) {
            createTxg = 0;
        }
        return new DatasetSnapshot(id, dataset, name, createTxg, created);
    }

    @Override
    public DatasetSnapshot create(String dataset, String name, boolean recursive) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("dataset", dataset);
        data.put("name", name);
        data.put("recursive", recursive);
        String what = "failed to snapshot dataset '" + dataset + "' as '" + name + "'";
        try {
            return snapshot(snapshotCall(what, "create", data));
        } catch (TrueNasException e) {
            if (e.getMessage() != null && e.getMessage().contains("dataset does not exist")) {
                throw new NotFoundException(what + ": the dataset does not exist on the NAS", 2, "ENOENT",
                        e.fieldErrors(), null, e);
            }
            throw e;
        }
    }

    @Override
    public void delete(String id) {
        snapshotCall("failed to delete snapshot '" + id + "'", "delete", id);
    }

    @Override
    public void rollback(String id, boolean destroyNewer) {
        ObjectNode options = Json.MAPPER.createObjectNode();
        options.put("recursive", destroyNewer);
        String what = "failed to roll back to snapshot '" + id + "'";
        try {
            snapshotCall(what, "rollback", id, options);
        } catch (TrueNasException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("more recent snapshots or bookmarks exist")) {
                List<String> newer = new ArrayList<>();
                String[] lines = m.split("\n");
                for (int i = 1; i < lines.length; i++) {
                    if (lines[i].contains("@")) {
                        newer.add(lines[i].strip());
                    }
                }
                throw new NewerSnapshotsExistException(what + ": newer snapshots exist (" + String.join(", ", newer)
                        + "); a rollback destroys them only when told to", newer, e);
            }
            // 25.x: "cannot unmount '...': pool or dataset is busy"; 26.0 (libzfs_core): "[Errno 16] Device or
            // resource busy"
            if (m.contains("dataset is busy") || m.contains("Device or resource busy")) {
                throw new DatasetBusyException(what + ": the dataset is busy (in use); stop the app that mounts it"
                        + " first", e);
            }
            if (m.contains("dataset does not exist")) {
                throw new NotFoundException(what + ": the snapshot does not exist on the NAS", 2, "ENOENT",
                        e.fieldErrors(), null, e);
            }
            throw e;
        }
    }

    @Override
    public Optional<PathStat> stat(String path) {
        try {
            JsonNode r = folderCall("failed to look at " + path + " on the NAS", "FILESYSTEM_ATTRS_READ",
                    () -> client.get().call("filesystem.stat", path));
            return Optional.of(new PathStat(r.hasNonNull("realpath") ? r.get("realpath").asText() : path,
                    Json.text(r, "type"), r.path("uid").asInt(-1), r.path("gid").asInt(-1),
                    r.path("is_mountpoint").asBoolean(false)));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public void mkdir(String path, String mode) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("path", path);
        data.putObject("options").put("mode", mode);
        folderCall("failed to create folder " + path, "FILESYSTEM_DATA_WRITE",
                () -> client.get().call("filesystem.mkdir", data));
    }

    @Override
    public void chown(String path, int uid, int gid) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("path", path);
        data.put("uid", uid);
        data.put("gid", gid);
        data.putObject("options").put("recursive", false);
        folderCall("failed to give folder " + path + " to " + uid + ":" + gid, "FILESYSTEM_ATTRS_WRITE", () -> {
            client.get().callJob("filesystem.chown", JobListener.NONE, data);
            return null;
        });
    }

    @Override
    public void createDataset(String name) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("name", name);
        data.put("type", "FILESYSTEM");
        folderCall("failed to create dataset " + name, "DATASET_WRITE",
                () -> client.get().call("pool.dataset.create", data));
    }

    /**
     * A call for a data folder, its error given this call's context; a refusal for want of a role names the role
     * ({@code CallError('Not authorized', EACCES)}).
     */
    private JsonNode folderCall(String what, String role, Supplier<JsonNode> call) {
        try {
            return call.get();
        } catch (NotAuthorizedException e) {
            throw new NotAuthorizedException(what + ": the API key's user lacks the role " + role + ": add it to the"
                    + " user's privilege (Credentials, Groups, Privileges) or set up the folder by hand",
                    e.errno(), e.errname(), e.fieldErrors(), null, e);
        } catch (TrueNasException e) {
            String cause = e.getMessage() == null ? "" : e.getMessage().replaceFirst("^calling [a-z_.]+: ", "");
            throw rewrap(what + ": " + cause, e);
        }
    }

    private JsonNode snapshotCall(String what, String method, Object... params) {
        String ns = namespace;
        try {
            return call(what, ns + "." + method, params);
        } catch (MethodNotFoundException e) {
            String other = ns.equals("pool.snapshot") ? "zfs.snapshot" : "pool.snapshot";
            JsonNode result = call(what, other + "." + method, params);
            namespace = other;
            return result;
        }
    }

    private JsonNode call(String what, String method, Object... params) {
        try {
            return client.get().call(method, params);
        } catch (MethodNotFoundException e) {
            throw e;
        } catch (TrueNasException e) {
            String cause = e.getMessage() == null ? "" : e.getMessage().replaceFirst("^calling [a-z_.]+: ", "");
            throw rewrap(what + ": " + cause, e);
        }
    }

    /** The same kind of error with this call's context instead of the raw "calling method" one. */
    private static TrueNasException rewrap(String message, TrueNasException e) {
        if (e.isRetryable() || e.isConnectionOrAuthProblem()) {
            return e; // the transport's own types decide retry and exit codes: keep them
        }
        if (e instanceof NotFoundException) {
            return new NotFoundException(message, e.errno(), e.errname(), e.fieldErrors(), null, e);
        }
        if (e instanceof AlreadyExistsException) {
            return new AlreadyExistsException(message, e.errno(), e.errname(), e.fieldErrors(), null, e);
        }
        if (e instanceof ValidationException) {
            return new ValidationException(message, e.errno(), e.errname(), e.fieldErrors(), null, e);
        }
        if (e instanceof NotAuthorizedException) {
            return new NotAuthorizedException(message.replace("APPS_READ / APPS_WRITE",
                    "SNAPSHOT_READ / SNAPSHOT_WRITE / SNAPSHOT_DELETE / DATASET_READ"), e.errno(), e.errname(),
                    e.fieldErrors(), null, e);
        }
        return new TrueNasException(message, e.errno(), e.errname(), e.fieldErrors(), null, e);
    }
}
