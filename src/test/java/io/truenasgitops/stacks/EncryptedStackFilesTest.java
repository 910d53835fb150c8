package io.truenasgitops.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.age.X25519Identity;
import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.SecretMasker;
import io.truenasgitops.sops.SopsEncryptor;
import io.truenasgitops.sops.SopsFormat;
import io.truenasgitops.sops.SopsMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stacks whose .env or env_file is SOPS-encrypted for age. */
class EncryptedStackFilesTest {

    static final X25519Identity KEY = X25519Identity.generate();
    static final X25519Identity OTHER = X25519Identity.generate();
    static final String PASSWORD = "pg-p4ssw0rd-from-sops";
    static final String API_TOKEN = "tok-9f8e7d-from-env-file";
    static final String COMPOSE = "services:\n  db:\n    image: postgres:16\n    env_file: [secrets.env]\n"
            + "    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n      DSN: postgres://app:${DB_PASSWORD}@db/app\n";

    @TempDir
    Path repo;

    Path keyFile;

    static String sops(SopsFormat format, String plain) throws Exception {
        return SopsEncryptor.encrypt(format, plain, "test", List.of(KEY.recipient()), SopsMetadata.Rules.defaults(),
                OffsetDateTime.now());
    }

    Path stack() throws Exception {
        Path dir = Files.createDirectories(repo.resolve("stacks/db"));
        Files.writeString(dir.resolve("compose.yaml"), COMPOSE);
        Files.writeString(dir.resolve(".env"), sops(SopsFormat.DOTENV, "DB_PASSWORD=" + PASSWORD + "\n"));
        Files.writeString(dir.resolve("secrets.env"), sops(SopsFormat.DOTENV, "API_TOKEN=" + API_TOKEN + "\n"));
        keyFile = repo.resolveSibling(repo.getFileName() + "-keys.txt");
        Files.writeString(keyFile, "# created: 2026-12-02T03:04:05Z\n# public key: " + KEY.recipient() + "\n"
                + KEY.encode() + "\n");
        return dir;
    }

    LoadedStack load(Decryption decryption, StacksOptions.MissingSecrets missing) throws Exception {
        Path dir = repo.resolve("stacks/db");
        StacksOptions options = new StacksOptions("stacks", null, null, missing, decryption);
        return StackRepository.load(repo, dir, options, Map.of());
    }

    @Test
    void encryptedDotEnvAndEnvFileAreDecryptedInMemoryAndMaskedAsSecrets() throws Exception {
        stack();
        LoadedStack s = load(new Decryption(keyFile, false), StacksOptions.MissingSecrets.ERROR);

        assertThat(s.problems()).isEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) s.rendered()
                .compose().get("services")).get("db")).get("environment");
        assertThat(env).containsEntry("POSTGRES_PASSWORD", PASSWORD).containsEntry("API_TOKEN", API_TOKEN)
                .containsEntry("DSN", "postgres://app:" + PASSWORD + "@db/app");
        SecretMasker masker = s.rendered().masker();
        assertThat(masker.mask(env.toString())).doesNotContain(PASSWORD).doesNotContain(API_TOKEN)
                .contains(SecretMasker.MASK);
        assertThat(Files.readString(repo.resolve("stacks/db/.env"))).doesNotContain(PASSWORD);
    }

    @Test
    void withoutAKeyValidateListsEncryptedFilesWithRecipientsAndChecksTheRest() throws Exception {
        stack();
        LoadedStack s = load(new Decryption(null, true), StacksOptions.MissingSecrets.PLACEHOLDER);

        assertThat(s.isValid()).as(s.problems().toString()).isTrue();
        assertThat(s.problems()).extracting(Problem::severity).containsOnly(Problem.Severity.WARNING);
        assertThat(s.problems()).extracting(Problem::format).anySatisfy(m -> assertThat(m)
                .startsWith("stacks/db/.env: warning: SOPS-encrypted for " + KEY.recipient()))
                .anySatisfy(m -> assertThat(m).startsWith("stacks/db/compose.yaml")
                        .contains("env_file 'secrets.env': SOPS-encrypted for " + KEY.recipient()));
    }

    @Test
    void withoutAKeyRenderingFailsTheStackNamingTheFileAndHowToGiveAKey() throws Exception {
        stack();
        LoadedStack s = load(Decryption.none(), StacksOptions.MissingSecrets.ERROR);

        assertThat(s.isValid()).isFalse();
        assertThat(s.problems()).extracting(Problem::message).anySatisfy(m -> assertThat(m).isEqualTo(
                "stacks/db/.env is SOPS-encrypted for " + KEY.recipient() + ", but no age key file is set: give one"
                + " with --age-key-file, SOPS_AGE_KEY_FILE or truenas-gitops.stacks.age-key-file"));
    }

    @Test
    void aTamperedEnvFileOrAWrongKeyFailsOnlyThatStackWithoutPrintingPlaintext() throws Exception {
        stack();
        Path env = repo.resolve("stacks/db/secrets.env");
        String text = Files.readString(env);
        Files.writeString(env, text.replaceFirst("sops_lastmodified=(\\S+)Z", "sops_lastmodified=2020-01-01T00:00:00Z"));
        LoadedStack tampered = load(new Decryption(keyFile, false), StacksOptions.MissingSecrets.ERROR);
        assertThat(tampered.isValid()).isFalse();
        assertThat(tampered.problems()).extracting(Problem::format).anySatisfy(m -> assertThat(m)
                .contains("env_file 'secrets.env' cannot be used: stacks/db/secrets.env: SOPS file refused"));

        Files.writeString(keyFile, OTHER.encode() + "\n");
        LoadedStack wrongKey = load(new Decryption(keyFile, false), StacksOptions.MissingSecrets.ERROR);
        assertThat(wrongKey.problems()).extracting(Problem::message).anySatisfy(m -> assertThat(m)
                .startsWith("stacks/db/.env: SOPS file is encrypted for " + KEY.recipient()));
        for (LoadedStack s : List.of(tampered, wrongKey)) {
            assertThat(s.problems().toString()).doesNotContain(PASSWORD).doesNotContain(API_TOKEN);
        }
    }

    @Test
    void aKeyFileThatIsNotOneIsReportedByLineWithoutQuotingIt() throws Exception {
        stack();
        Files.writeString(keyFile, "# comment\nAGE-SECRET-KEY-1NOTAKEY\n");
        LoadedStack s = load(new Decryption(keyFile, false), StacksOptions.MissingSecrets.ERROR);
        assertThat(s.problems()).extracting(Problem::message).anySatisfy(m -> assertThat(m)
                .contains("age key file " + keyFile + " cannot be used: line 2 is not an age secret key")
                .doesNotContain("NOTAKEY"));
    }

    @Test
    void stackYamlVariablesFromAnEncryptedYamlFileAreSecretVariables() throws Exception {
        stack();
        Path dir = repo.resolve("stacks/db");
        Files.delete(dir.resolve(".env"));
        Files.writeString(dir.resolve("vars.sops.yaml"), sops(SopsFormat.YAML, "DB_PASSWORD: " + PASSWORD + "\n"));
        Files.writeString(dir.resolve("stack.yaml"), "variablesFrom: vars.sops.yaml\n");

        LoadedStack s = load(new Decryption(keyFile, false), StacksOptions.MissingSecrets.ERROR);
        assertThat(s.problems()).isEmpty();
        assertThat(s.rendered().compose().toString()).contains(PASSWORD);
        assertThat(s.rendered().masker().mask(s.rendered().compose().toString())).doesNotContain(PASSWORD);

        LoadedStack ci = load(new Decryption(null, true), StacksOptions.MissingSecrets.PLACEHOLDER);
        assertThat(ci.isValid()).as(ci.problems().toString()).isTrue();
        assertThat(ci.problems()).extracting(Problem::format).anySatisfy(m -> assertThat(m)
                .startsWith("stacks/db/vars.sops.yaml: warning: SOPS-encrypted for " + KEY.recipient()));
    }

    @Test
    void yamlEnvFileGivesItsTopLevelValues() throws Exception {
        stack();
        Files.writeString(repo.resolve("stacks/db/secrets.env"), sops(SopsFormat.YAML, "API_TOKEN: " + API_TOKEN
                + "\nPORT: 5432\n"));
        LoadedStack s = load(new Decryption(keyFile, false), StacksOptions.MissingSecrets.ERROR);
        assertThat(s.problems()).isEmpty();
        assertThat(s.rendered().masker().mask("x " + API_TOKEN)).isEqualTo("x ***");
    }

}
