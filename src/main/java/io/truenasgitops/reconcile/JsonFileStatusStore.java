package io.truenasgitops.reconcile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@link StatusStore} as one JSON file ({@code reconcile-state.json}) in the state directory, written to a temp
 * file and moved into place so a crash never leaves a torn file.
 */
public final class JsonFileStatusStore implements StatusStore {

    /** The file name inside the state directory. */
    public static final String FILE_NAME = "reconcile-state.json";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(JsonFileStatusStore.class);

    private final Path file;

    public JsonFileStatusStore(Path stateDir) {
        this.file = stateDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /**
     * Reads the state. A file that is not valid state (torn by a disk error, {@code null}, edited by hand) is kept
     * aside as {@code reconcile-state.json.corrupt-<time>} and the daemon starts from an empty state, rebuilt
     * from the stamps on the NAS as after a deleted state file: a restart loop over one bad file helps no one. A
     * file from a newer truenas-gitops is refused instead (its data is fine, this version cannot read it).
     */
    @Override
    public synchronized PersistedState load() {
        if (!Files.exists(file)) {
            return PersistedState.empty();
        }
        PersistedState s;
        try {
            s = MAPPER.readValue(file.toFile(), PersistedState.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return setAside(e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read reconcile state " + file
                    + "; fix or delete the file (the stamps on the NAS let a new state be rebuilt): " + e.getMessage(), e);
        }
        if (s == null) {
            return setAside("the file holds null");
        }
        if (s.version() > PersistedState.CURRENT_VERSION) {
            throw new IllegalStateException("state file " + file + " has format version " + s.version()
                    + ", newer than this truenas-gitops understands (" + PersistedState.CURRENT_VERSION
                    + "); upgrade truenas-gitops or move the file away");
        }
        return s;
    }

    private PersistedState setAside(String why) {
        Path aside = file.resolveSibling(FILE_NAME + ".corrupt-"
                + java.time.Instant.now().toString().replace(":", ""));
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("the reconcile state " + file + " is not valid (" + why + ") and cannot"
                    + " be moved aside: " + e.getMessage() + "; move or delete it by hand", e);
        }
        LOG.warnf("the reconcile state %s was not valid (%s): kept as %s; starting from the stamps on the NAS"
                + " (statuses and events start over, nothing is redeployed)", file, firstLine(why), aside);
        return PersistedState.empty();
    }

    private static String firstLine(String s) {
        return s == null ? "unreadable" : s.lines().findFirst().orElse("");
    }

    @Override
    public synchronized void save(PersistedState state) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
            try {
                MAPPER.writeValue(tmp.toFile(), state);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to write reconcile state " + file + ": " + e.getMessage(), e);
        }
    }
}
