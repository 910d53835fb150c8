package io.truenasgitops.stacks;

import io.truenasgitops.age.AgeKeyFile;
import io.truenasgitops.age.X25519Identity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads the age key file of {@link Decryption}; errors name the file and never quote it. */
final class AgeKeys {

    private AgeKeys() {}

    /** A key file is a few lines; anything larger is not one. */
    static final int MAX_BYTES = 64 * 1024;

    /** The identities, or why there are none. */
    sealed interface Result permits Loaded, Failed {}

    record Loaded(List<X25519Identity> identities) implements Result {}

    record Failed(String reason) implements Result {}

    static Result read(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return new Failed("age key file " + file + " does not exist: create it with age-keygen -o " + file
                    + ", or point --age-key-file / SOPS_AGE_KEY_FILE / truenas-gitops.stacks.age-key-file at yours");
        } catch (IOException e) {
            return new Failed("age key file " + file + " cannot be read: " + e.getMessage());
        }
        if (bytes.length > MAX_BYTES) {
            return new Failed("age key file " + file + " is larger than " + MAX_BYTES + " bytes: not an age key file");
        }
        AgeKeyFile.Result r = AgeKeyFile.parse(new String(bytes, StandardCharsets.UTF_8));
        if (r instanceof AgeKeyFile.Invalid invalid) {
            return new Failed("age key file " + file + " cannot be used: " + invalid.reason());
        }
        return new Loaded(((AgeKeyFile.Keys) r).identities());
    }
}
