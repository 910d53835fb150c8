package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.age.X25519Identity;
import io.truenasgitops.sops.SopsFile;
import io.truenasgitops.sops.SopsFormat;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code encrypt}, and {@code validate}/{@code render} of a stack whose .env is SOPS-encrypted, without Quarkus. */
class SopsCommandsTest {

    static final X25519Identity KEY = X25519Identity.generate();
    static final String PASSWORD = "v3ry-s3cret-db-pass";
    static final String COMPOSE = "services:\n  db:\n    image: postgres:16\n    environment:\n"
            + "      POSTGRES_PASSWORD: ${DB_PASSWORD}\n";

    @TempDir
    Path repo;
    Path keyFile;

    record Run(int exitCode, String out, String err) {}

    Run run(String stdin, String... args) {
        EncryptCommand encrypt = new EncryptCommand();
        encrypt.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        CommandLine cli = RootCommand.commandLine(CommandLine.defaultFactory(),
                List.of(new ValidateCommand(), new RenderCommand(), encrypt));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(repo.resolve(".sops.yaml"), "creation_rules:\n  - path_regex: stacks/\n    age: "
                + KEY.recipient() + "\n");
        Files.createDirectories(repo.resolve("stacks/db"));
        Files.writeString(repo.resolve("stacks/db/compose.yaml"), COMPOSE);
        keyFile = repo.resolveSibling(repo.getFileName() + ".keys.txt");
        Files.writeString(keyFile, "# public key: " + KEY.recipient() + "\n" + KEY.encode() + "\n");
    }

    @Test
    void encryptingAValueFromStandardInputCreatesASopsDotenvFileForTheRuleRecipients() throws Exception {
        Path env = repo.resolve("stacks/db/.env");
        Run r = run(PASSWORD + "\n", "encrypt", "--name", "DB_PASSWORD", env.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("encrypted " + env + " for 1 age recipient");
        String text = Files.readString(env);
        assertThat(text).doesNotContain(PASSWORD).contains("sops_age__list_0__map_recipient=" + KEY.recipient());
        assertThat(SopsFile.detect(text, ".env").orElseThrow().decrypt(List.of(KEY)).dotenvText())
                .isEqualTo("DB_PASSWORD=" + PASSWORD + "\n");
        assertThat(run("x", "encrypt", "--name", "DB_PASSWORD", env.toString()).exitCode())
                .as("never overwrites").isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void encryptingAFileInPlaceReplacesItWithItsSopsForm() throws Exception {
        Path yaml = repo.resolve("stacks/db/vars.yaml");
        Files.writeString(yaml, "DB_PASSWORD: " + PASSWORD + "\n");
        Run printed = run("", "encrypt", yaml.toString());
        assertThat(printed.exitCode()).as(printed.err()).isZero();
        assertThat(printed.out()).contains("sops:", "version: " + SopsFormat.SOPS_VERSION).doesNotContain(PASSWORD);
        assertThat(Files.readString(yaml)).contains(PASSWORD);

        Run r = run("", "encrypt", "-i", yaml.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(yaml)).doesNotContain(PASSWORD);
        Run again = run("", "encrypt", "-i", yaml.toString());
        assertThat(again.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(again.err()).contains("file is already SOPS-encrypted");
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedWithItsLineAndByte() throws Exception {
        Path env = repo.resolve("stacks/db/latin1.env");
        Files.write(env, new byte[] {'A', '=', '1', '\n', 'B', '=', (byte) 0xe9, '\n'});
        Run r = run("", "encrypt", env.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(env + ":2: byte 6 (0xe9) is not UTF-8").doesNotContain("Input length");
    }

    @Test
    void aFileNoCreationRuleMatchesIsRefusedWithTheRuleToAdd() throws Exception {
        Path other = repo.resolve("other.env");
        Files.writeString(other, "A=1\n");
        Run r = run("", "encrypt", other.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).contains("no creation rule matches other.env");
    }

    @Test
    void validateWithoutAKeyListsTheEncryptedFileAndRenderWithTheKeyMasksItsValues() throws Exception {
        Path env = repo.resolve("stacks/db/.env");
        assertThat(run(PASSWORD, "encrypt", "--name", "DB_PASSWORD", env.toString()).exitCode()).isZero();

        Run validate = run("", "validate", repo.toString());
        assertThat(validate.exitCode()).as(validate.out()).isZero();
        assertThat(validate.out()).contains("stacks/db/.env: warning: SOPS-encrypted for " + KEY.recipient()
                + "; not decrypted (no age key file given)");

        Run render = run("", "render", "--age-key-file", keyFile.toString(), repo.resolve("stacks/db").toString());
        assertThat(render.exitCode()).as(render.err()).isZero();
        assertThat(render.out()).contains("POSTGRES_PASSWORD: '***'").doesNotContain(PASSWORD);
        assertThat(render.err()).doesNotContain(PASSWORD);

        Run noKey = run("", "render", repo.resolve("stacks/db").toString());
        assertThat(noKey.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(noKey.err()).contains("stacks/db/.env is SOPS-encrypted for " + KEY.recipient()
                + ", but no age key file is set");
    }
}
