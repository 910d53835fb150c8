package io.truenasgitops.emulator;

import static io.truenasgitops.emulator.Params.arg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The filesystem methods the daemon uses to create data folders, and {@code pool.dataset.create}, over
 * {@link EmulatedFilesystem} and {@link EmulatedStorage}. Each checks its role (the key lacks one when a test took it
 * away: {@code CallError('Not authorized', EACCES)}, main.py):
 * <ul>
 *   <li>{@code filesystem.stat} (plugins/filesystem.py, role FILESYSTEM_ATTRS_READ, not a job): a relative path is
 *       EINVAL "{path}: path must be absolute", a missing one ENOENT "Path {path} not found";</li>
 *   <li>{@code filesystem.mkdir} (plugins/filesystem.py, role FILESYSTEM_DATA_WRITE, not a job; the same checks on
 *       master and 25.04): EINVAL "not an absolute path.", EEXIST "{path}: path already exists.", EPERM "{path}: path
 *       not permitted" outside {@code /mnt/}; no parents are made: a missing parent is ENOENT (master: "{path}:
 *       parent directory does not exist"; 25.04: os.mkdir's FileNotFoundError);</li>
 *   <li>{@code filesystem.chown} (plugins/filesystem_/acl.py, role FILESYSTEM_ATTRS_WRITE, a job locked on
 *       {@code perm_change:<path>}): {@code _common_perm_path_validate} stats the path first (ENOENT when missing)
 *       and refuses paths not beneath {@code /mnt} and pool mountpoints;</li>
 *   <li>{@code pool.dataset.create} (plugins/pool_/dataset.py, CRUD role prefix DATASET: DATASET_WRITE, not a job):
 *       see {@link EmulatedStorage#createDataset}.</li>
 * </ul>
 */
final class FilesystemMethods implements MethodArea {

    private final NasState nas;
    private final JobQueue jobQueue;

    FilesystemMethods(NasState nas, JobQueue jobQueue) {
        this.nas = nas;
        this.jobQueue = jobQueue;
    }

    @Override
    public void register(MethodRegistry.Registration methods) {
        boolean newMkdir = methods.release().atLeast(Release.V26_0);
        methods.def("filesystem.stat", (s, p) -> {
            nas.filesystem.requireRole("FILESYSTEM_ATTRS_READ");
            return stat(Params.textArg(p, 0, "path"));
        });
        methods.def("filesystem.mkdir", (s, p) -> {
            nas.filesystem.requireRole("FILESYSTEM_DATA_WRITE");
            return mkdir(p, newMkdir);
        });
        methods.def("filesystem.chown", (s, p) -> {
            nas.filesystem.requireRole("FILESYSTEM_ATTRS_WRITE");
            String path = pathOf(arg(p, 0), "filesystem.chown");
            return jobQueue.submit(s, "filesystem.chown", p, "perm_change:" + EmulatedFilesystem.normalise(path),
                    ctx -> chown(ctx, path, arg(p, 0)));
        });
        methods.def("pool.dataset.create", (s, p) -> {
            nas.filesystem.requireRole("DATASET_WRITE");
            JsonNode data = arg(p, 0);
            if (data == null || !data.isObject() || !data.path("name").isTextual()) {
                throw MiddlewareError.Validation.of("pool_dataset_create.name", "Field required");
            }
            return Json.valueToTree(nas.storage.createDataset(data.get("name").asText(),
                    path -> nas.filesystem.entry(path).isPresent()));
        });
    }

    private JsonNode stat(String path) {
        if (!path.startsWith("/")) {
            throw new MiddlewareError.Call(Errno.EINVAL, path + ": path must be absolute");
        }
        EmulatedFilesystem.Entry e = nas.filesystem.entry(path)
                .orElseThrow(() -> new MiddlewareError.Call(Errno.ENOENT, "Path " + path + " not found"));
        ObjectNode out = Json.object();
        out.put("realpath", e.path());
        out.put("type", "DIRECTORY");
        out.put("size", 2);
        out.put("mode", 040000 | e.mode());
        out.put("uid", e.uid());
        out.put("gid", e.gid());
        out.put("user", e.uid() == 0 ? "root" : e.uid() == 568 ? "apps" : null);
        out.put("group", e.gid() == 0 ? "root" : e.gid() == 568 ? "apps" : null);
        out.put("acl", false);
        out.put("is_mountpoint", nas.storage.mountpoints().contains(e.path()));
        out.put("is_ctldir", false);
        return out;
    }

    private JsonNode mkdir(ArrayNode p, boolean newMessages) {
        JsonNode data = arg(p, 0);
        String path = pathOf(data, "filesystem.mkdir");
        String modeText = data.path("options").path("mode").asText("755");
        int mode;
        try {
            mode = Integer.parseInt(modeText, 8);
        } catch (NumberFormatException e) {
            throw MiddlewareError.Validation.of("filesystem.mkdir.options.mode", "Invalid mode");
        }
        if (!path.startsWith("/")) {
            throw new MiddlewareError.Call(Errno.EINVAL, path + ": not an absolute path.");
        }
        String p0 = EmulatedFilesystem.normalise(path);
        if (nas.filesystem.entry(p0).isPresent()) {
            throw new MiddlewareError.Call(Errno.EEXIST, path + ": path already exists.");
        }
        int slash = p0.lastIndexOf('/');
        String parent = slash <= 0 ? "/" : p0.substring(0, slash);
        if (!p0.startsWith("/mnt/")) {
            throw new MiddlewareError.Call(Errno.EPERM, path + ": path not permitted");
        }
        if (nas.filesystem.entry(parent).isEmpty()) {
            throw new MiddlewareError.Call(Errno.ENOENT, newMessages ? path + ": parent directory does not exist"
                    : "[Errno 2] No such file or directory: " + Py.repr(path));
        }
        nas.filesystem.mkdir(p0, mode);
        ObjectNode out = Json.object();
        out.put("name", p0.substring(slash + 1));
        out.put("path", p0);
        out.put("realpath", p0);
        out.put("type", "DIRECTORY");
        out.put("size", 2);
        out.put("mode", 040000 | mode);
        out.put("acl", false);
        out.put("uid", 0);
        out.put("gid", 0);
        out.put("is_mountpoint", false);
        out.put("is_ctldir", false);
        return out;
    }

    private JsonNode chown(JobQueue.JobContext ctx, String path, JsonNode data) {
        ctx.progress(0, "Preparing to change owner.");
        String p0 = EmulatedFilesystem.normalise(path);
        if (nas.filesystem.entry(p0).isEmpty()) {
            throw new MiddlewareError.Call(Errno.ENOENT, "Path " + path + " not found");
        }
        if (!p0.startsWith("/mnt/")) {
            throw MiddlewareError.Validation.of("filesystem.chown.path", "Changes to permissions on paths that are"
                    + " not beneath the directory /mnt are not permitted: " + path);
        }
        if (p0.split("/").length == 3) {
            throw MiddlewareError.Validation.of("filesystem.chown.path", "The specified path is a ZFS pool mountpoint"
                    + " \"(" + path + ")\" ");
        }
        int uid = data.path("uid").isInt() ? data.get("uid").asInt() : -1;
        int gid = data.path("gid").isInt() ? data.get("gid").asInt() : -1;
        nas.filesystem.chown(p0, uid, gid);
        ctx.progress(100, "Finished changing owner.");
        return NullNode.instance;
    }

    private static String pathOf(JsonNode data, String schema) {
        if (data == null || !data.isObject()) {
            throw MiddlewareError.Validation.of(schema, "Input should be a valid dictionary");
        }
        if (!data.path("path").isTextual()) {
            throw MiddlewareError.Validation.of(schema + ".path", "Field required");
        }
        return data.get("path").asText();
    }
}
