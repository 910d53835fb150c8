package io.truenasgitops.reconcile;

import io.truenasgitops.compose.DataFolder;
import io.truenasgitops.stacks.StackSettings;
import io.truenasgitops.stacks.StackSettings.DesiredState;
import io.truenasgitops.truenas.AlreadyExistsException;
import io.truenasgitops.truenas.FilesystemApi;
import io.truenasgitops.truenas.TrueNasException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates the missing data folders of a stack ({@link DataFolder}: its relative binds under the host base path) on
 * the NAS before the executor creates or updates its app, owned by the user its service runs as; Docker would
 * otherwise create them owned by root. Only what is missing is created, one level at a time from the host base path
 * down ({@code filesystem.mkdir} makes no parents), and only the folder itself is given to its owner
 * ({@code filesystem.chown}). A folder that exists is never created, chowned or changed: its data and its owner are
 * the user's. Never above the host base path, never outside {@code /mnt}. With {@code dataFolders: dataset}
 * the folder is a dataset directly under an existing dataset. A failure holds that stack's change back (Stalled,
 * {@code DataFolderFailed}); the other stacks go on.
 */
final class DataFolderGuard implements ApplyExecutor.BeforeChange {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(DataFolderGuard.class);
    /** What a new level is made with: the owner reads and writes, the app's other users may enter. */
    static final String MODE = "755";

    private final Map<String, TargetStorage> storage;

    DataFolderGuard(Map<String, TargetStorage> storage) {
        this.storage = Map.copyOf(storage);
    }

    /** Why a data folder cannot be made; the message is the reason's cause. */
    static final class FolderRefused extends Exception {
        FolderRefused(String message) {
            super(message);
        }
    }

    @Override
    public Optional<Outcome> beforeChange(Action a, DesiredStack d, LiveApp live, ApplyExecutor.Context ctx) {
        if (a.type() != ActionType.CREATE && a.type() != ActionType.UPDATE || d == null || !d.isValid()) {
            return Optional.empty();
        }
        List<DataFolder> folders = d.rendered().dataFolders();
        TargetStorage st = storage.get(a.target());
        if (folders.isEmpty() || st == null || st.filesystem() == null) {
            return Optional.empty();
        }
        for (DataFolder f : folders) {
            try {
                ensure(f, d.settings().dataFolders(), st, a.stack());
            } catch (FolderRefused e) {
                return Optional.of(failed(a, live, f, e.getMessage()));
            } catch (TrueNasException e) {
                if (e.isRetryable()) {
                    throw e; // the executor's mapper makes it a transient outcome, tried again soon
                }
                return Optional.of(failed(a, live, f, e.getMessage()));
            }
        }
        return Optional.empty();
    }

    private static void ensure(DataFolder f, StackSettings.DataFolders kind, TargetStorage st, String app)
            throws FolderRefused {
        FilesystemApi fs = st.filesystem();
        String path = f.hostPath();
        String base = f.basePath();
        if (!base.startsWith("/mnt/") || !path.startsWith(base + "/")) {
            throw new FolderRefused(path + " is not below a host base path under /mnt: the daemon creates data"
                    + " folders only on the NAS's pools; set the host base path to a dataset such as /mnt/tank/apps");
        }
        if (fs.stat(path).isPresent()) {
            return; // there already: never touched
        }
        if (fs.stat(base).isEmpty()) {
            String above = base.substring(0, base.lastIndexOf('/'));
            if (kind == StackSettings.DataFolders.DATASET || fs.stat(above).isEmpty()) {
                throw new FolderRefused("the host base path " + base + " does not exist on the NAS" + (kind
                        == StackSettings.DataFolders.DATASET ? "" : ", nor " + above + " above it") + ": create it (a"
                        + " dataset, in Datasets) first; the daemon never creates anything above it");
            }
            mkdir(fs, base); // root's, as a dataset's root is; only what is below it is given to the apps
        }
        String parent = path.substring(0, path.lastIndexOf('/'));
        if (kind == StackSettings.DataFolders.DATASET) {
            String name = parent.substring("/mnt/".length());
            boolean isDataset = st.pools() != null && st.pools().dataset(name)
                    .filter(ds -> parent.equals(ds.mountpoint())).isPresent();
            if (!isDataset) {
                throw new FolderRefused("dataFolders: dataset needs " + parent + " to be a dataset (the new dataset"
                        + " goes directly under it): create " + name + " as a dataset, or set dataFolders: directory");
            }
            fs.createDataset(name + path.substring(parent.length()));
        } else {
            String[] levels = path.substring(base.length() + 1).split("/");
            StringBuilder cur = new StringBuilder(base);
            for (int i = 0; i < levels.length - 1; i++) {
                cur.append('/').append(levels[i]);
                if (fs.stat(cur.toString()).isEmpty()) {
                    mkdir(fs, cur.toString());
                }
            }
            if (!mkdir(fs, path)) {
                return; // made by someone else meanwhile: theirs, not chowned
            }
        }
        fs.chown(path, f.uid(), f.gid());
        LOG.infof("app '%s': created data folder %s owned by %s", app, path, f.owner());
    }

    /** Makes one level; false when it appeared meanwhile. */
    private static boolean mkdir(FilesystemApi fs, String path) {
        try {
            fs.mkdir(path, MODE);
            return true;
        } catch (AlreadyExistsException e) {
            return false;
        }
    }

    private static Outcome failed(Action a, LiveApp live, DataFolder f, String cause) {
        String verb = a.type() == ActionType.CREATE ? "created" : "updated";
        return new Outcome.Stalled(Reason.of(Reasons.DATA_FOLDER_FAILED, "data folder " + f.hostPath() + " of app '"
                + a.stack() + "' could not be created, so the app was not " + verb + ": " + cause),
                HealthStatus.assess(live == null ? null : live.state(),
                        a.wantState() == null ? DesiredState.RUNNING : a.wantState()),
                live == null ? null : live.state(), a.fingerprint(), Outcome.StallRetry.SLOWLY);
    }
}
