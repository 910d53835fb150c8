package io.truenasgitops.compose;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the files a stack is made of, and only those: a file is read when its real path (every link resolved)
 * lies inside the root it belongs to (the repository, or the secrets directory), it is a regular file, it is
 * not larger than the bound for its kind, and it is UTF-8 text. A link to {@code /etc/shadow} or
 * {@code /proc/self/environ} is refused before a byte of it is read, and no refusal ever quotes the file.
 */
public final class RepoFiles {

    private RepoFiles() {}

    /** Largest compose file read: eight times the largest app TrueNAS takes (64 KiB), comments included. */
    public static final long MAX_COMPOSE_BYTES = 512 * 1024;
    /** Largest {@code stack.yaml}. */
    public static final long MAX_SETTINGS_BYTES = 64 * 1024;
    /** Largest {@code .env} or {@code env_file}. */
    public static final long MAX_ENV_BYTES = 256 * 1024;

    /** What reading gave: the text, or why the file was not read. */
    public sealed interface Read permits Text, Refused {}

    /** The file's content. */
    public record Text(String text) implements Read {}

    /** The file was not read; {@code reason} says why and what to do, never what the file holds. */
    public record Refused(String reason) implements Read {}

    /**
     * Reads one file of a stack.
     *
     * @param file the file
     * @param root what the file must stay inside, links resolved
     * @param rootName how to name the root in a refusal ("the repository", "the secrets directory")
     * @param maxBytes the bound for this kind of file
     */
    public static Read read(Path file, Path root, String rootName, long maxBytes) {
        Path real;
        Path realRoot;
        try {
            realRoot = root.toRealPath();
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            return new Refused("the file does not exist" + (Files.isSymbolicLink(file) ? " (a link to nothing)" : ""));
        } catch (IOException e) {
            return new Refused("cannot read the file: " + e.getMessage());
        }
        if (!real.startsWith(realRoot)) {
            return new Refused("the file is a link to a file outside " + rootName + ": refused, only files inside "
                    + rootName + " are read; replace the link by the file itself");
        }
        if (!Files.isRegularFile(real)) {
            return new Refused("not a regular file: refused");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(real)) {
            // Read one byte past the bound instead of trusting the size the file system reports.
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            return new Refused("cannot read the file: " + e.getMessage());
        }
        if (bytes.length > maxBytes) {
            return new Refused("the file is larger than " + maxBytes + " bytes, the limit for this kind of file:"
                    + " nothing of it is read; make it smaller");
        }
        try {
            return new Text(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return new Refused("the file is not UTF-8 text: save it as UTF-8");
        }
    }
}
