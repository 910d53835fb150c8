package io.truenasgitops.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.age.X25519Identity;
import io.truenasgitops.compose.ComposeYaml;
import io.truenasgitops.compose.Problem;
import io.truenasgitops.sops.SopsEncryptor;
import io.truenasgitops.sops.SopsFormat;
import io.truenasgitops.sops.SopsMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files beside the compose are read from the stack folder on disk, within the repository, and delivered. */
class StackFolderFilesTest {

    static final X25519Identity KEY = X25519Identity.generate();

    @TempDir
    Path repo;

    @TempDir
    Path outside;

    Path dir;

    LoadedStack load(String compose, Decryption decryption) throws Exception {
        Files.writeString(dir.resolve("compose.yaml"), compose);
        return StackRepository.load(repo, dir, new StacksOptions("stacks", null, null,
                StacksOptions.MissingSecrets.ERROR, decryption), Map.of());
    }

    LoadedStack load(String compose) throws Exception {
        return load(compose, Decryption.none());
    }

    void setUp() throws Exception {
        dir = Files.createDirectories(repo.resolve("stacks/proxy"));
    }

    static String errors(LoadedStack s) {
        return s.problems().stream().filter(Problem::isError).map(Problem::format).toList().toString();
    }

    @Test
    void aCaddyfileBesideTheComposeIsSentInTheComposeAndAnExecutableScriptKeepsItsExecuteBit() throws Exception {
        setUp();
        Files.writeString(dir.resolve("Caddyfile"), ":80 {\n  respond \"hello\"\n}\n");
        Path script = Files.writeString(dir.resolve("entry.sh"), "#!/bin/sh\nexec caddy run\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        LoadedStack s = load("services:\n  caddy:\n    image: caddy:2\n    volumes:\n"
                + "      - ./Caddyfile:/etc/caddy/Caddyfile:ro\n      - ./entry.sh:/entry.sh:ro\n");

        assertThat(s.isValid()).as(errors(s)).isTrue();
        String yaml = ComposeYaml.dump(s.rendered().compose());
        assertThat(yaml).contains("respond \"hello\"", "target: /etc/caddy/Caddyfile", "mode: 365")
                .doesNotContain("./Caddyfile");
    }

    @Test
    void aLinkToAFileOutsideTheRepositoryIsRefusedWithoutQuotingIt() throws Exception {
        setUp();
        Path secret = Files.writeString(outside.resolve("shadow"), "root:secret-hash\n");
        Files.createSymbolicLink(dir.resolve("conf"), secret);

        LoadedStack s = load("services:\n  web:\n    image: a\n    volumes:\n      - ./conf:/etc/conf:ro\n");

        assertThat(s.isValid()).isFalse();
        assertThat(errors(s)).contains("'./conf' cannot be sent", "outside the repository")
                .doesNotContain("secret-hash");
    }

    @Test
    void aSopsEncryptedFileIsDecryptedInMemoryAndMaskedInEverythingShown() throws Exception {
        setUp();
        Files.writeString(dir.resolve("app.env"), SopsEncryptor.encrypt(SopsFormat.DOTENV,
                "TOKEN=tok-from-sops-123\n", "test", List.of(KEY.recipient()), SopsMetadata.Rules.defaults(),
                OffsetDateTime.now()));
        Path keyFile = outside.resolve("keys.txt");
        Files.writeString(keyFile, KEY.encode() + "\n");

        LoadedStack s = load("services:\n  web:\n    image: a\n    volumes:\n      - ./app.env:/app/.env:ro\n",
                new Decryption(keyFile, false));

        assertThat(s.isValid()).as(errors(s)).isTrue();
        assertThat(ComposeYaml.dump(s.rendered().compose())).contains("TOKEN=tok-from-sops-123");
        assertThat(ComposeYaml.dump(s.rendered().masker().maskTree(s.rendered().compose())))
                .doesNotContain("tok-from-sops-123");
    }

    @Test
    void aSopsFileWithoutAKeyIsAnErrorSayingWhereToGiveOne() throws Exception {
        setUp();
        Files.writeString(dir.resolve("app.env"), SopsEncryptor.encrypt(SopsFormat.DOTENV, "TOKEN=x\n", "test",
                List.of(KEY.recipient()), SopsMetadata.Rules.defaults(), OffsetDateTime.now()));

        LoadedStack s = load("services:\n  web:\n    image: a\n    volumes:\n      - ./app.env:/app/.env:ro\n");

        assertThat(errors(s)).contains("SOPS-encrypted", "--age-key-file");
    }
}
