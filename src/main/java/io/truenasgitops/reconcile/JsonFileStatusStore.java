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

    private final Path file;

    public JsonFileStatusStore(Path stateDir) {
        this.file = stateDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized PersistedState load() {
        if (!Files.exists(file)) {
            return PersistedState.empty();
        }
        try {
            PersistedState s = MAPPER.readValue(file.toFile(), PersistedState.class);
            if (s.version() > PersistedState.CURRENT_VERSION) {
                throw new IllegalStateException("state file " + file + " has format version " + s.version()
                        + ", newer than this truenas-gitops understands (" + PersistedState.CURRENT_VERSION
                        + "); upgrade truenas-gitops or move the file away");
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read reconcile state " + file
                    + "; fix or delete the file (the stamps on the NAS let a new state be rebuilt): " + e.getMessage(), e);
        }
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
