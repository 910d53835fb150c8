package io.truenasgitops.stackcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.age.X25519Identity;
import io.truenasgitops.sops.SopsEncryptor;
import io.truenasgitops.sops.SopsFormat;
import io.truenasgitops.sops.SopsMetadata;
import io.truenasgitops.stacks.Decryption;
import io.truenasgitops.stacks.LoadedStack;
import io.truenasgitops.stacks.StacksOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stack cache keys a stack with an encrypted file on the age key file too, never on a decrypted value. */
class StackCacheAgeKeyTest {

    @TempDir
    Path repo;

    @Test
    void addingTheRightKeyToTheKeyFileReloadsTheStackThoughNoneOfItsFilesChanged() throws Exception {
        X25519Identity key = X25519Identity.generate();
        Path dir = Files.createDirectories(repo.resolve("stacks/db"));
        Files.writeString(dir.resolve("compose.yaml"), "services:\n  db:\n    image: postgres:16\n    environment:\n"
                + "      P: ${P}\n");
        Files.writeString(dir.resolve(".env"), SopsEncryptor.encrypt(SopsFormat.DOTENV, "P=secret-value\n", ".env",
                List.of(key.recipient()), SopsMetadata.Rules.defaults(), OffsetDateTime.now()));
        Path keyFile = repo.resolveSibling(repo.getFileName() + "-keys.txt");
        Files.writeString(keyFile, X25519Identity.generate().encode() + "\n");
        StackCache cache = new StackCache(new StacksOptions("stacks", null, null, StacksOptions.MissingSecrets.ERROR,
                new Decryption(keyFile, false)));

        LoadedStack before = cache.scan(repo).stacks().get(0);
        assertThat(before.isValid()).isFalse();
        assertThat(cache.scan(repo).stacks().get(0).isValid()).as("same inputs, same answer").isFalse();

        Files.writeString(keyFile, key.encode() + "\n", java.nio.file.StandardOpenOption.APPEND);
        LoadedStack after = cache.scan(repo).stacks().get(0);
        assertThat(after.isValid()).as(after.problems().toString()).isTrue();
    }
}
