package io.truenasgitops.compose;

import java.util.List;

/**
 * The files of one stack folder, as the edge read them for the compose pipeline: what a relative bind mount,
 * {@code configs.*.file} or {@code secrets.*.file} points at. The pipeline stays pure: it asks, this answers.
 * Every path is relative to the stack folder, {@code /}-separated and normalised, never leaving it.
 */
@FunctionalInterface
public interface StackFiles {

    /** What is at a path of the stack folder. */
    sealed interface Entry permits Missing, File, Folder, Refused {}

    /** Nothing is there (or the pipeline has no stack folder): the path is a data folder on the NAS. */
    record Missing() implements Entry {}

    /**
     * A regular file (links resolved, inside the repository).
     *
     * @param bytes its content, at most {@code maxBytes + 1} bytes of it (more means too large)
     * @param executable whether Git (the file system) marks it executable
     * @param secret its content is a secret (a SOPS-encrypted file, decrypted in memory): masked wherever shown
     */
    record File(byte[] bytes, boolean executable, boolean secret) implements Entry {}

    /**
     * A folder.
     *
     * @param children the names of its entries, sorted
     */
    record Folder(List<String> children) implements Entry {
        public Folder {
            children = List.copyOf(children);
        }
    }

    /** Something that cannot be used (a link out of the repository, a device, unreadable); never quotes it. */
    record Refused(String reason) implements Entry {}

    /**
     * Looks at one path.
     *
     * @param path relative to the stack folder, normalised, {@code ""} being the folder itself
     * @param maxBytes read at most one byte more than this of a file
     */
    Entry look(String path, long maxBytes);

    /** No stack folder: every path is missing. */
    StackFiles NONE = (path, maxBytes) -> new Missing();
}
