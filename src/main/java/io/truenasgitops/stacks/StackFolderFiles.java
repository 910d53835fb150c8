package io.truenasgitops.stacks;

import io.truenasgitops.compose.EnvFileReader;
import io.truenasgitops.compose.StackFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The stack folder on disk, for the compose pipeline's {@link StackFiles}: a path is read only when its real
 * path (links resolved) is inside the repository, like every file of a stack, and a SOPS-encrypted file is
 * decrypted in memory (its content is then a secret). Never quotes a file in a refusal.
 */
final class StackFolderFiles implements StackFiles {

    private final Path dir;
    private final Path repoRoot;
    private final EncryptedFiles encrypted;
    private Path realRoot;

    StackFolderFiles(Path dir, Path repoRoot, EncryptedFiles encrypted) {
        this.dir = dir;
        this.repoRoot = repoRoot;
        this.encrypted = encrypted;
    }

    @Override
    public Entry look(String path, long maxBytes) {
        Path p = path.isEmpty() ? dir : dir.resolve(path);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return new Missing();
        }
        Path real;
        try {
            if (realRoot == null) {
                realRoot = repoRoot.toRealPath();
            }
            real = p.toRealPath();
        } catch (IOException e) {
            return new Refused(Files.isSymbolicLink(p) ? "it is a link to nothing" : "it cannot be read");
        }
        if (!real.startsWith(realRoot)) {
            return new Refused("it is a link to something outside the repository: replace the link by the file");
        }
        if (Files.isDirectory(real)) {
            try (Stream<Path> list = Files.list(real)) {
                return new Folder(list.map(c -> c.getFileName().toString()).sorted().toList());
            } catch (IOException e) {
                return new Refused("the folder cannot be listed");
            }
        }
        if (!Files.isRegularFile(real)) {
            return new Refused("it is not a regular file (a device, socket or pipe)");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(real)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            return new Refused("it cannot be read");
        }
        boolean executable = Files.isExecutable(real);
        if (bytes.length <= maxBytes) {
            String display = path;
            EnvFileReader.Content opened = encrypted.openWhole(bytes, display);
            if (opened instanceof EnvFileReader.Unreadable u) {
                return new Refused(u.reason());
            }
            if (opened instanceof EnvFileReader.DotEnvText t) {
                return new File(t.text().getBytes(StandardCharsets.UTF_8), executable, true);
            }
        }
        return new File(bytes, executable, false);
    }
}
