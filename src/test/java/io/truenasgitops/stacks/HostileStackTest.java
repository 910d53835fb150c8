package io.truenasgitops.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.compose.ExpansionBudget;
import io.truenasgitops.compose.Problem;
import io.truenasgitops.compose.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stacks made to hurt: each bound on input stops its stack alone, with its file, and files outside the repository
 * (or the secrets directory) are never read, whatever links point at them.
 */
class HostileStackTest {

    static final String GOOD = "services:\n  web:\n    image: nginx:1.27\n";
    static final String SHADOW = "root:$6$very-secret-hash:19000:0:99999:7:::\n";

    @TempDir
    Path tmp;

    Path repo;
    Path outside;

    Path stack(String name, String compose) throws IOException {
        Path dir = Files.createDirectories(repo.resolve("stacks").resolve(name));
        Files.writeString(dir.resolve("compose.yaml"), compose);
        return dir;
    }

    RepoScan scan() {
        return StackRepository.scan(repo, StacksOptions.defaults());
    }

    LoadedStack loaded(RepoScan scan, String name) {
        return scan.stacks().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    void setUp() throws IOException {
        repo = Files.createDirectories(tmp.resolve("repo"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("shadow"), SHADOW);
        stack("good", GOOD);
    }

    static String allText(LoadedStack s) {
        StringBuilder b = new StringBuilder();
        s.problems().forEach(p -> b.append(p.format()).append('\n'));
        if (s.rendered() != null) {
            b.append(s.rendered().compose());
        }
        return b.toString();
    }

    @Test
    void defaultsNestedTwoThousandDeepAreAnErrorOfTheirStackAndTheOthersLoad() throws IOException {
        setUp();
        String deep = "${A:-".repeat(2000) + "x" + "}".repeat(2000);
        stack("deep", "services:\n  web:\n    image: nginx:1.27\n    environment:\n      V: \"" + deep + "\"\n");

        RepoScan scan = scan();

        LoadedStack bad = loaded(scan, "deep");
        assertThat(bad.isValid()).isFalse();
        assertThat(bad.problems()).filteredOn(Problem::isError).singleElement()
                .satisfies(p -> {
                    assertThat(p.file()).isEqualTo("stacks/deep/compose.yaml");
                    assertThat(p.line()).isEqualTo(5);
                    assertThat(p.message()).contains("nested more than " + ExpansionBudget.MAX_NESTING + " deep");
                });
        assertThat(loaded(scan, "good").isValid()).isTrue();
    }

    @Test
    void anEnvWhoseLinesDoubleThePreviousOneStopsAtTheStackBudget() throws IOException {
        setUp();
        Path dir = stack("doubling", "services:\n  web:\n    image: nginx:1.27\n    environment:\n      V: ${A39}\n");
        StringBuilder env = new StringBuilder("A0=xxxxxxxxxxxxxxxx\n");
        for (int i = 1; i < 40; i++) {
            env.append("A").append(i).append("=${A").append(i - 1).append("}${A").append(i - 1).append("}\n");
        }
        Files.writeString(dir.resolve(".env"), env);

        LoadedStack bad = loaded(scan(), "doubling");

        assertThat(bad.isValid()).isFalse();
        assertThat(bad.problems()).filteredOn(Problem::isError).first()
                .satisfies(p -> {
                    assertThat(p.file()).isEqualTo("stacks/doubling/.env");
                    assertThat(p.line()).isPositive();
                    assertThat(p.message()).contains("more than");
                });
        assertThat(bad.problems()).hasSizeLessThan(5);
    }

    @Test
    void manyReferencesToALongValueStopAtTheStackBudgetWithOneProblem() throws IOException {
        setUp();
        StringBuilder compose = new StringBuilder("services:\n  web:\n    image: nginx:1.27\n    environment:\n");
        for (int i = 0; i < 200; i++) {
            compose.append("      V").append(i).append(": ${LONG}\n");
        }
        Path dir = stack("fanout", compose.toString());
        Files.writeString(dir.resolve(".env"), "LONG=" + "y".repeat(60_000) + "\n");

        LoadedStack bad = loaded(scan(), "fanout");

        assertThat(bad.problems()).filteredOn(Problem::isError).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("more than " + ExpansionBudget.MAX_STACK_CHARS));
    }

    @Test
    void aComposeFileOverItsBoundIsRefusedBeforeItIsParsed() throws IOException {
        setUp();
        StringBuilder big = new StringBuilder("services:\n  web:\n    image: nginx:1.27\n    labels:\n");
        for (int i = 0; big.length() <= RepoFiles.MAX_COMPOSE_BYTES; i++) {
            big.append("      k").append(i).append(": v\n");
        }
        stack("big", big.toString());

        RepoScan scan = scan();

        assertThat(loaded(scan, "big").problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("stacks/big/compose.yaml");
            assertThat(p.message()).contains("larger than " + RepoFiles.MAX_COMPOSE_BYTES + " bytes");
        });
        assertThat(loaded(scan, "good").isValid()).isTrue();
    }

    @Test
    void anEnvFileOverItsBoundIsRefusedWithItsName() throws IOException {
        setUp();
        Path dir = stack("bigenv", "services:\n  web:\n    image: nginx:1.27\n    env_file: big.env\n");
        Files.writeString(dir.resolve("big.env"), ("K=" + "v".repeat(98) + "\n").repeat(50_000));

        LoadedStack bad = loaded(scan(), "bigenv");

        assertThat(bad.problems()).filteredOn(Problem::isError).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("stacks/bigenv/compose.yaml");
            assertThat(p.message()).contains("env_file 'big.env'").contains("larger than " + RepoFiles.MAX_ENV_BYTES);
        });
    }

    @Test
    void aComposeFileLinkedOutsideTheRepositoryIsRefusedAndNeverQuoted() throws IOException {
        setUp();
        Path dir = Files.createDirectories(repo.resolve("stacks/linked"));
        Files.createSymbolicLink(dir.resolve("compose.yaml"), outside.resolve("shadow"));

        RepoScan scan = scan();

        LoadedStack bad = loaded(scan, "linked");
        assertThat(bad.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("stacks/linked/compose.yaml");
            assertThat(p.message()).contains("outside the repository");
        });
        assertThat(allText(bad)).doesNotContain("very-secret-hash").doesNotContain("root:");
        assertThat(loaded(scan, "good").isValid()).isTrue();
    }

    @Test
    void aStackYamlLinkedOutsideTheRepositoryIsRefusedAndNeverQuoted() throws IOException {
        setUp();
        Path dir = stack("settings", GOOD);
        Files.createSymbolicLink(dir.resolve("stack.yaml"), outside.resolve("shadow"));

        LoadedStack bad = loaded(scan(), "settings");

        assertThat(bad.isValid()).isFalse();
        assertThat(bad.problems()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo("stacks/settings/stack.yaml");
            assertThat(p.message()).contains("outside the repository");
        });
        assertThat(allText(bad)).doesNotContain("very-secret-hash");
    }

    @Test
    void anEnvFileLinkedToTheProcessEnvironmentIsRefused() throws IOException {
        setUp();
        Path dir = stack("environ", "services:\n  web:\n    image: nginx:1.27\n    env_file: host.env\n");
        Files.createSymbolicLink(dir.resolve("host.env"), Path.of("/proc/self/environ"));

        LoadedStack bad = loaded(scan(), "environ");

        assertThat(bad.isValid()).isFalse();
        assertThat(bad.problems()).filteredOn(Problem::isError).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("env_file 'host.env'").contains("outside the repository"));
        assertThat(allText(bad)).doesNotContain("PATH=").doesNotContain(System.getenv().getOrDefault("HOME", "/root="));
    }

    @Test
    void aDotEnvLinkedOutsideTheRepositoryIsRefused() throws IOException {
        setUp();
        Path dir = stack("dotenv", GOOD);
        Files.writeString(outside.resolve("host.env"), "API_KEY=1-abcdefghijklmnop\n");
        Files.createSymbolicLink(dir.resolve(".env"), outside.resolve("host.env"));

        LoadedStack bad = loaded(scan(), "dotenv");

        assertThat(bad.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("stacks/dotenv/.env");
            assertThat(p.message()).contains("outside the repository");
        });
        assertThat(allText(bad)).doesNotContain("abcdefghijklmnop");
    }

    @Test
    void aStackFolderLinkedOutsideTheRepositoryReadsNothingThere() throws IOException {
        setUp();
        Files.writeString(outside.resolve("compose.yaml"), GOOD);
        Files.createSymbolicLink(repo.resolve("stacks/elsewhere"), outside);

        LoadedStack bad = loaded(scan(), "elsewhere");

        assertThat(bad.isValid()).isFalse();
        assertThat(bad.problems()).extracting(Problem::message).allMatch(m -> m.contains("outside the repository"));
    }

    @Test
    void aLinkThatStaysInsideTheRepositoryIsFollowed() throws IOException {
        setUp();
        Path common = Files.createDirectories(repo.resolve("common"));
        Files.writeString(common.resolve("app.env"), "GREETING=hello\n");
        Path dir = stack("shared", "services:\n  web:\n    image: nginx:1.27\n    env_file: app.env\n");
        Files.createSymbolicLink(dir.resolve("app.env"), Path.of("../../common/app.env"));

        LoadedStack ok = loaded(scan(), "shared");

        assertThat(ok.problems()).filteredOn(Problem::isError).isEmpty();
        assertThat(ok.rendered().compose().toString()).contains("GREETING=hello");
    }

    @Test
    void aFileThatIsNotUtf8SaysSoWithItsName() throws IOException {
        setUp();
        Path dir = Files.createDirectories(repo.resolve("stacks/latin1"));
        Files.write(dir.resolve("compose.yaml"), "services:\n  web:\n    image: caf\u00e9\n"
                .getBytes(StandardCharsets.ISO_8859_1));

        LoadedStack bad = loaded(scan(), "latin1");

        assertThat(bad.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("stacks/latin1/compose.yaml");
            assertThat(p.message()).contains("not UTF-8 text");
        });
    }

    @Test
    void aSecretLinkedOutsideTheSecretsDirectoryIsRefusedButKubernetesStyleLinksAreRead() throws IOException {
        setUp();
        Path secrets = Files.createDirectories(tmp.resolve("secrets"));
        Path data = Files.createDirectories(secrets.resolve("..2026_12_02"));
        Files.writeString(data.resolve("DB_PASSWORD"), "s3cret\n");
        Files.createSymbolicLink(secrets.resolve("..data"), Path.of("..2026_12_02"));
        Files.createSymbolicLink(secrets.resolve("DB_PASSWORD"), Path.of("..data/DB_PASSWORD"));
        Files.createSymbolicLink(secrets.resolve("SHADOW"), outside.resolve("shadow"));

        SecretsDirectory.Result read = SecretsDirectory.read(secrets);

        assertThat(read.values()).isEqualTo(Map.of("DB_PASSWORD", "s3cret"));
        assertThat(read.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).endsWith("SHADOW");
            assertThat(p.message()).contains("outside the secrets directory");
        });
    }
}
