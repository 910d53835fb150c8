package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.truenasgitops.age.X25519Identity;
import io.truenasgitops.sops.SopsFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code import DIR}: an existing compose project becomes a stack, its secrets out of Git, DIR untouched. */
class ImportCommandIT {

    static final String PASSWORD = "hunter2-db-pass";
    static final String COMPOSE = "services:\n  app:\n    image: nginx:1.27\n    volumes:\n"
            + "      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n      - ${DATA_DIR}:/var/lib/app\n"
            + "    env_file: .env\n  db:\n    image: postgres:16\n    environment:\n"
            + "      POSTGRES_PASSWORD: ${DB_PASSWORD}\n    volumes:\n      - ./db:/var/lib/postgresql/data\n";
    static final String ENV = "# app settings\nDATA_DIR=./data\nDB_PASSWORD=" + PASSWORD + "\nAPI_TOKEN_FILE=/run/x\n";

    @TempDir
    Path tmp;
    Path project;
    Path repo;
    Path secrets;
    Terminal previous;

    record Run(int exitCode, String out, String err) {}

    @BeforeEach
    void setUp() throws Exception {
        project = tmp.resolve("My Project");
        Files.createDirectories(project.resolve("db"));
        Files.createDirectories(project.resolve("data"));
        Files.writeString(project.resolve("db/PG_VERSION"), "16\n");
        Files.writeString(project.resolve("compose.yaml"), COMPOSE);
        Files.writeString(project.resolve(".env"), ENV);
        Files.writeString(project.resolve("nginx.conf"), "events {}\n");
        repo = tmp.resolve("repo");
        Files.createDirectories(repo);
        secrets = tmp.resolve("secrets");
        previous = Terminal.current();
        terminal(false);
    }

    @AfterEach
    void tearDown() {
        Terminal.use(previous);
    }

    static void terminal(boolean colours) {
        Terminal.use(new Terminal() {
            public boolean interactive() {
                return colours;
            }

            public boolean colours() {
                return colours;
            }

            public String ask(PrintWriter err, String question) {
                return null;
            }
        });
    }

    Run run(String... args) {
        CommandLine cli = RootCommand.commandLine(CommandLine.defaultFactory(), List.of(new ImportCommand()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    static Map<String, String> tree(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.readString(p));
            }
        }
        return out;
    }

    @Test
    void aProjectBecomesAStackWithItsSecretInTheSecretsDirectoryAndItsDataFoldersLeftOnTheNas() throws Exception {
        Map<String, String> before = tree(project);
        Run r = run("import", project.toString(), "--name", "shop", "--repo", repo.toString(), "--secrets-dir",
                secrets.toString(), "--host-base-path", "/mnt/tank/apps");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(tree(project)).as("DIR is never changed").isEqualTo(before);
        Path stack = repo.resolve("stacks/shop");
        assertThat(stack.resolve("compose.yaml")).hasContent(COMPOSE);
        assertThat(stack.resolve("nginx.conf")).exists();
        assertThat(stack.resolve("db")).as("a data folder stays out of Git").doesNotExist();
        assertThat(stack.resolve("data")).doesNotExist();
        assertThat(Files.readString(stack.resolve(".env"))).doesNotContain(PASSWORD)
                .contains("DB_PASSWORD=${DB_PASSWORD}\n", "DATA_DIR=./data\n", "API_TOKEN_FILE=/run/x");
        assertThat(secrets.resolve("DB_PASSWORD")).hasContent(PASSWORD);
        assertThat(Files.getPosixFilePermissions(secrets.resolve("DB_PASSWORD")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(stack.resolve("stack.yaml"))).contains("secrets:\n  - DB_PASSWORD\n",
                "#   ./data (service app)", "#   ./db (service db)");
        assertThat(r.out()).doesNotContain(PASSWORD).contains("imported " + project + " into stacks/shop",
                "+ stacks/shop/.env: DB_PASSWORD moved to the secrets directory",
                "! stacks/shop/: ./db (service db) is a data folder: not copied into Git; on the NAS it is"
                        + " /mnt/tank/apps/shop/db",
                "validate: ok: 1 stack checked, 1 valid, 0 invalid");
        assertThat(r.out()).doesNotContain("\u001b[");
    }

    @Test
    void withoutAHostBasePathTheDataFoldersAreWhatStillNeedsAPersonAndValidateSaysWhy() {
        Run r = run("import", project.toString(), "--repo", repo.toString(), "--secrets-dir", secrets.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(repo.resolve("stacks/my-project/compose.yaml")).as("the name comes from DIR").exists();
        assertThat(r.out()).contains("give the host base path (--host-base-path",
                "error stacks/my-project/compose.yaml:", "relative bind mount './db'", "validate: failed: 1 stack");
    }

    @Test
    void anExistingStackFolderIsNeverOverwritten() throws Exception {
        Files.createDirectories(repo.resolve("stacks/shop"));
        Files.writeString(repo.resolve("stacks/shop/compose.yaml"), "services: {}\n");

        Run r = run("import", project.toString(), "--name", "shop", "--repo", repo.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(repo.resolve("stacks/shop") + ": the stack 'shop' exists already in " + repo,
                "nothing was imported");
        assertThat(repo.resolve("stacks/shop/compose.yaml")).hasContent("services: {}\n");
        assertThat(secrets).doesNotExist();
    }

    @Test
    void aFolderWithoutAComposeFileIsAUsageError() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run r = run("import", empty.toString(), "--repo", repo.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(empty + " has no compose file (compose.yaml");
        assertThat(repo.resolve("stacks")).doesNotExist();
    }

    @Test
    void withASopsConfigInTheRepositoryTheEnvIsEncryptedForItsRecipientsInstead() throws Exception {
        X25519Identity key = X25519Identity.generate();
        Files.writeString(repo.resolve(".sops.yaml"), "creation_rules:\n  - path_regex: stacks/.*\\.env$\n    age: "
                + key.recipient() + "\n");
        Path keyFile = tmp.resolve("age.txt");
        Files.writeString(keyFile, key.encode() + "\n");

        Run r = run("import", project.toString(), "--name", "shop", "--repo", repo.toString(), "--secrets-dir",
                secrets.toString(), "--host-base-path", "/mnt/tank/apps", "--age-key-file", keyFile.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        String env = Files.readString(repo.resolve("stacks/shop/.env"));
        assertThat(env).doesNotContain(PASSWORD);
        assertThat(SopsFile.detect(env, ".env").orElseThrow().decrypt(List.of(key)).dotenvText())
                .as("sops keeps the values, not the comments").isEqualTo(ENV.replace("# app settings\n", ""));
        assertThat(secrets).as("no secrets directory needed").doesNotExist();
        assertThat(Files.readString(repo.resolve("stacks/shop/stack.yaml"))).doesNotContain("secrets:\n")
                .contains("SOPS-encrypted");
        assertThat(r.out()).contains("+ stacks/shop/.env: encrypted with SOPS for 1 age recipient of .sops.yaml:"
                + " it holds DB_PASSWORD", "needs an age key");
    }

    @Test
    void jsonListsWhatChangedAndWhatNeedsAPerson() throws Exception {
        Run r = run("import", project.toString(), "--name", "shop", "--repo", repo.toString(), "--secrets-dir",
                secrets.toString(), "--host-base-path", "/mnt/tank/apps", "-o", "json");

        assertThat(r.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("stack").asText()).isEqualTo("shop");
        assertThat(json.get("valid").asBoolean()).isTrue();
        assertThat(json.get("changed").findValuesAsText("file")).contains("stacks/shop/compose.yaml",
                "stacks/shop/stack.yaml");
        assertThat(json.get("needsPerson")).hasSize(2);
    }

    @Test
    void onATerminalWhatChangedIsGreenAndWhatNeedsAPersonYellow() {
        terminal(true);
        Run r = run("import", project.toString(), "--name", "shop", "--repo", repo.toString(), "--secrets-dir",
                secrets.toString(), "--host-base-path", "/mnt/tank/apps");
        assertThat(r.out()).contains("\u001b[32m+\u001b[0m", "\u001b[33m!\u001b[0m");
    }

    @Test
    void aSecretAlreadyInTheSecretsDirectoryWithAnotherValueIsKeptAndReported() throws Exception {
        Files.createDirectories(secrets);
        Files.writeString(secrets.resolve("DB_PASSWORD"), "0ld-value\n");

        Run r = run("import", project.toString(), "--name", "shop", "--repo", repo.toString(), "--secrets-dir",
                secrets.toString(), "--host-base-path", "/mnt/tank/apps");

        assertThat(secrets.resolve("DB_PASSWORD")).hasContent("0ld-value\n");
        assertThat(r.out()).contains("the secrets directory has DB_PASSWORD already, with another value: kept it")
                .doesNotContain(PASSWORD).doesNotContain("0ld-value");
    }
}
