package io.truenasgitops.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.compose.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StackRepositoryTest {

    static final Path BROKEN = Path.of("src/test/resources/repos/broken");

    @TempDir
    Path repo;

    Path stack(String name, String compose) throws IOException {
        Path dir = Files.createDirectories(repo.resolve("stacks").resolve(name));
        Files.writeString(dir.resolve("compose.yaml"), compose);
        return dir;
    }

    @Test
    void aBrokenRepositoryListsEachProblemOnceWithItsLocation() {
        RepoScan scan = StackRepository.scan(BROKEN, StacksOptions.defaults());
        assertThat(scan.stacks()).extracting(LoadedStack::name).containsExactly("Bad_Name", "bad-settings", "builds",
                "dup-keys", "good", "missing-var", "syntax", "two-files");
        assertThat(scan.stacks()).filteredOn(LoadedStack::isValid).extracting(LoadedStack::name).containsExactly("good");
        List<Problem> all = scan.allProblems();
        assertThat(all).doesNotHaveDuplicates();
        assertThat(all).filteredOn(Problem::isError).hasSize(16);
        assertThat(all).filteredOn(p -> !p.isError()).hasSize(2);
        // Every problem inside a file has a line.
        assertThat(all).filteredOn(p -> p.file().endsWith(".yaml")).allSatisfy(p -> assertThat(p.line()).isPositive());
        assertThat(scan.problems()).singleElement()
                .satisfies(p -> assertThat(p.format()).startsWith("stacks/no-compose: warning: folder has no compose"));
    }

    @Test
    void theFolderIsTheAppNameAndTheDirectoryIsRelativeToTheRepository() throws IOException {
        stack("web", "services:\n  web:\n    image: nginx\n");
        LoadedStack web = StackRepository.scan(repo, StacksOptions.defaults()).stacks().get(0);
        assertThat(web.name()).isEqualTo("web");
        assertThat(web.relativeDir()).isEqualTo("stacks/web");
        assertThat(web.composeFile()).isEqualTo(repo.resolve("stacks/web/compose.yaml"));
        assertThat(web.settings()).isEqualTo(StackSettings.defaults());
        assertThat(web.isValid()).isTrue();
        assertThat(web.rendered().hash()).hasSize(64);
    }

    static Stream<Arguments> names() {
        return Stream.of(Arguments.of("a", true), Arguments.of("web-1", true), Arguments.of("x".repeat(40), true),
                Arguments.of("x".repeat(41), false), Arguments.of("1web", false), Arguments.of("web-", false),
                Arguments.of("Web", false), Arguments.of("we_b", false), Arguments.of("we.b", false));
    }

    @ParameterizedTest(name = "{0} valid={1}")
    @MethodSource("names")
    void folderNamesFollowTrueNasAppNameRules(String name, boolean valid) throws IOException {
        stack(name, "services:\n  web:\n    image: nginx\n");
        LoadedStack s = StackRepository.scan(repo, StacksOptions.defaults()).stacks().get(0);
        assertThat(s.isValid()).isEqualTo(valid);
    }

    @Test
    void everyComposeFileNameIsFoundAndTwoAreAnError() throws IOException {
        for (String file : StackRepository.COMPOSE_FILE_NAMES) {
            Path dir = Files.createDirectories(repo.resolve("stacks/s-" + file.replace('.', '-')));
            Files.writeString(dir.resolve(file), "services:\n  web:\n    image: nginx\n");
        }
        RepoScan scan = StackRepository.scan(repo, StacksOptions.defaults());
        assertThat(scan.stacks()).hasSize(4).allSatisfy(s -> assertThat(s.isValid()).isTrue());
    }

    @Test
    void theStacksFolderIsConfigurableAndAMissingOneIsARepositoryProblem() throws IOException {
        Files.createDirectories(repo.resolve("apps/web"));
        Files.writeString(repo.resolve("apps/web/compose.yml"), "services:\n  web:\n    image: nginx\n");
        assertThat(StackRepository.scan(repo, new StacksOptions("apps", null, null)).stacks()).hasSize(1);
        RepoScan missing = StackRepository.scan(repo, StacksOptions.defaults());
        assertThat(missing.stacks()).isEmpty();
        assertThat(missing.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("not found"));
    }

    @Test
    void interpolationUsesSecretsThenDotEnvThenStackVariables() throws IOException {
        Path dir = stack("app", "services:\n  web:\n    image: nginx:${TAG}\n    environment:\n"
                + "      A: ${A}\n      B: ${B}\n      C: ${C}\n");
        Files.writeString(dir.resolve(".env"), "A=env\nB=env\nTAG=1.27\n");
        Files.writeString(dir.resolve("stack.yaml"), "variables:\n  A: stack\n  B: stack\n  C: stack\n");
        Path secrets = Files.createDirectories(repo.resolve("secrets"));
        Files.writeString(secrets.resolve("A"), "secret-a\n");
        Files.writeString(secrets.resolve(".gitkeep"), "");
        LoadedStack s = StackRepository.scan(repo, new StacksOptions("stacks", secrets, null)).stacks().get(0);
        assertThat(s.problems()).isEmpty();
        Map<?, ?> web = (Map<?, ?>) ((Map<?, ?>) s.rendered().compose().get("services")).get("web");
        assertThat(web.get("environment")).isEqualTo(Map.of("A", "secret-a", "B", "env", "C", "stack"));
        assertThat(web.get("image")).isEqualTo("nginx:1.27");
        assertThat(s.rendered().masker().mask("x secret-a y")).isEqualTo("x *** y");
    }

    @Test
    void composeProjectNameInDotEnvIsIgnoredWithAWarning() throws IOException {
        Path dir = stack("app", "services:\n  web:\n    image: nginx\n");
        Files.writeString(dir.resolve(".env"), "COMPOSE_PROJECT_NAME=mine\n");
        LoadedStack s = StackRepository.scan(repo, new StacksOptions("stacks", null, null)).stacks().get(0);
        assertThat(s.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
            assertThat(p.message()).contains("COMPOSE_PROJECT_NAME is ignored");
        });
        assertThat(s.rendered()).isNotNull();
    }

    @Test
    void aSecretNeverAppearsInAnyProblem() throws IOException {
        Path dir = stack("app", "services:\n  web:\n    image: nginx\n    volumes: ['./${PW}:/x']\n");
        Files.writeString(dir.resolve("stack.yaml"), "dependsOn: [other]\n");
        Path secrets = Files.createDirectories(repo.resolve("secrets"));
        Files.writeString(secrets.resolve("PW"), "correct-horse\n");
        RepoScan scan = StackRepository.scan(repo, new StacksOptions("stacks", secrets, null));
        assertThat(scan.allProblems()).hasSize(2).allSatisfy(p -> assertThat(p.format()).doesNotContain("correct-horse"));
    }

    @Test
    void relativeBindMountsAreRewrittenWithAHostBasePath() throws IOException {
        stack("media", "services:\n  web:\n    image: nginx\n    volumes: ['./config:/config']\n");
        LoadedStack s = StackRepository.scan(repo, new StacksOptions("stacks", null, Path.of("/mnt/tank/apps")))
                .stacks().get(0);
        assertThat(s.isValid()).isTrue();
        Map<?, ?> web = (Map<?, ?>) ((Map<?, ?>) s.rendered().compose().get("services")).get("web");
        assertThat(web.get("volumes")).isEqualTo(List.of(Map.of("type", "bind", "source", "/mnt/tank/apps/media/config",
                "target", "/config")));
    }

    @Test
    void dependencyCyclesAreErrorsOfEveryStackInThem() throws IOException {
        Path a = stack("a", "services:\n  web:\n    image: nginx\n");
        Path b = stack("b", "services:\n  web:\n    image: nginx\n");
        stack("c", "services:\n  web:\n    image: nginx\n");
        Files.writeString(a.resolve("stack.yaml"), "dependsOn: [b]\n");
        Files.writeString(b.resolve("stack.yaml"), "dependsOn: [a]\n");
        RepoScan scan = StackRepository.scan(repo, StacksOptions.defaults());
        assertThat(scan.stack("a").orElseThrow().isValid()).isFalse();
        assertThat(scan.stack("b").orElseThrow().problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("b -> a -> b"));
        assertThat(scan.stack("c").orElseThrow().isValid()).isTrue();
    }

    @Test
    void stackSettingsAreReadWithTheirDefaults() {
        StackSettingsReader.Result r = StackSettingsReader.read("""
                suspend: true
                state: stopped
                prune: true
                selfHeal: true
                adopt: true
                dependsOn: [db, proxy]
                healthTimeout: 90s
                target: backup-nas
                variables:
                  TAG: "1.27"
                  PORT: 8080
                  UMASK: 022
                secrets: [DB_PASSWORD, API_TOKEN]
                """, "stack.yaml");
        assertThat(r.problems()).isEmpty();
        assertThat(r.settings()).isEqualTo(new StackSettings(true, StackSettings.DesiredState.STOPPED, true, true, true,
                List.of("db", "proxy"), Duration.ofSeconds(90), "backup-nas",
                Map.of("TAG", "1.27", "PORT", "8080", "UMASK", "022"), List.of("DB_PASSWORD", "API_TOKEN")));
        assertThat(StackSettingsReader.read("", "stack.yaml").settings()).isEqualTo(StackSettings.defaults());
        assertThat(StackSettingsReader.read("onFailure: rollback\n", "stack.yaml").settings().onFailure())
                .isEqualTo(StackSettings.OnFailure.ROLLBACK);
        assertThat(StackSettingsReader.read("", "stack.yaml").settings().onFailure()).as("the daemon's default")
                .isNull();
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(Arguments.of("prune: yes\n", "prune", 1, "true or false"),
                Arguments.of("state: paused\n", "state", 1, "'running' or 'stopped'"),
                Arguments.of("onFailure: revert\n", "onFailure", 1, "'onFailure' is 'stay' or 'rollback', not 'revert'"),
                Arguments.of("healthTimeout: 0s\n", "healthTimeout", 1, "positive duration"),
                Arguments.of("x: 1\nselfheal: true\n", "selfheal", 2, "did you mean 'selfHeal'"),
                Arguments.of("dependsOn: [ok, Bad_Name]\n", "dependsOn[1]", 1, "folder name"),
                Arguments.of("variables: [a]\n", "variables", 1, "mapping"),
                Arguments.of("variables:\n  A: [1]\n", "variables.A", 2, "plain value"),
                Arguments.of("target: ''\n", "target", 1, "configured NAS"),
                Arguments.of("secrets: [OK, not-a-name]\n", "secrets[1]", 1, "variable names"),
                Arguments.of("secrets:\n  - PW\n  - PW\n", "secrets[1]", 3, "listed twice"),
                Arguments.of("variables:\n  PW: x\nsecrets: [PW]\n", "secrets[0]", 3, "secrets directory only"),
                Arguments.of("snapshot: often\n", "snapshot", 1, "true, false or a mapping"),
                Arguments.of("snapshot:\n  keeplast: 3\n", "snapshot.keeplast", 2, "snapshot knows enabled"),
                Arguments.of("snapshot:\n  keepLast: -1\n", "snapshot.keepLast", 2, "a whole number from 0"),
                Arguments.of("snapshot:\n  keepLast: 2.5\n", "snapshot.keepLast", 2, "a whole number from 0"),
                Arguments.of("snapshot:\n  maxAge: forever\n", "snapshot.maxAge", 2, "positive duration"),
                Arguments.of("snapshot:\n  maxAge: 99999999999999999999d\n", "snapshot.maxAge", 2, "positive duration"),
                Arguments.of("snapshot:\n  maxAge: 999999999999999999w\n", "snapshot.maxAge", 2, "positive duration"),
                Arguments.of("healthTimeout: 99999999999999999999h\n", "healthTimeout", 1, "positive duration"),
                Arguments.of("healthTimeout: 9223372036854775807\n", "healthTimeout", 1, "positive duration"),
                Arguments.of("healthTimeout: .inf\n", "healthTimeout", 1, "positive duration"),
                Arguments.of("healthTimeout: .nan\n", "healthTimeout", 1, "positive duration"),
                Arguments.of("healthTimeout: 1e400\n", "healthTimeout", 1, "positive duration"),
                Arguments.of("snapshot:\n  maxAge: .inf\n", "snapshot.maxAge", 2, "positive duration"),
                Arguments.of("snapshot:\n  recursive: yes\n", "snapshot.recursive", 2, "true or false"));
    }

    @Test
    void theSnapshotPolicyIsOffByDefaultAndReadWithItsRetention() {
        assertThat(StackSettings.defaults().snapshot()).isEqualTo(SnapshotPolicy.OFF);
        assertThat(SnapshotPolicy.OFF.enabled()).isFalse();
        StackSettingsReader.Result r = StackSettingsReader.read("""
                snapshot:
                  recursive: true
                  keepLast: 5
                  maxAge: 30d
                """, "stack.yaml");
        assertThat(r.problems()).isEmpty();
        assertThat(r.settings().snapshot()).isEqualTo(new SnapshotPolicy(true, true, 5, Duration.ofDays(30)));
        assertThat(StackSettingsReader.read("snapshot: true\n", "stack.yaml").settings().snapshot())
                .isEqualTo(new SnapshotPolicy(true, false, SnapshotPolicy.DEFAULT_KEEP_LAST, null));
        assertThat(StackSettingsReader.read("snapshot:\n  enabled: false\n  maxAge: 12h\n", "stack.yaml")
                .settings().snapshot()).isEqualTo(new SnapshotPolicy(false, false, 10, Duration.ofHours(12)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void badSettingsAreErrorsWithFileAndLine(String yaml, String path, int line, String fragment) {
        StackSettingsReader.Result r = StackSettingsReader.read(yaml, "stacks/x/stack.yaml");
        assertThat(r.problems()).filteredOn(p -> p.path().equals(path)).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.message()).contains(fragment);
        });
    }

    @Test
    void secretFilesLoseOneTrailingNewlineAndHiddenFilesAreSkipped() throws IOException {
        Path dir = Files.createDirectories(repo.resolve("secrets"));
        Files.writeString(dir.resolve("A"), "value\n");
        Files.writeString(dir.resolve("B"), "two lines\n\n");
        Files.writeString(dir.resolve("C"), "crlf\r\n");
        Files.writeString(dir.resolve(".hidden"), "x");
        Files.writeString(dir.resolve("not-a-name"), "x");
        SecretsDirectory.Result r = SecretsDirectory.read(dir);
        assertThat(r.values()).isEqualTo(Map.of("A", "value", "B", "two lines\n", "C", "crlf"));
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.isError()).isFalse());
    }

    static final String USES_SECRET = "services:\n  db:\n    image: postgres\n    environment:\n"
            + "      POSTGRES_PASSWORD: ${DB_PASSWORD}\n";

    @Test
    void withoutASecretsDirectoryDeclaredSecretsAreCheckedAsMaskedPlaceholders() throws IOException {
        Path dir = stack("db", USES_SECRET);
        Files.writeString(dir.resolve("stack.yaml"), "secrets: [DB_PASSWORD]\n");
        StacksOptions ci = new StacksOptions("stacks", null, null, StacksOptions.MissingSecrets.PLACEHOLDER);
        LoadedStack db = StackRepository.scan(repo, ci).stack("db").orElseThrow();
        assertThat(db.problems()).isEmpty();
        assertThat(db.isValid()).isTrue();
        assertThat(db.rendered().masker().maskTree(db.rendered().compose()).toString()).contains("POSTGRES_PASSWORD=***")
                .doesNotContain(StackRepository.placeholder("DB_PASSWORD"));
    }

    @Test
    void withoutASecretsDirectoryAnUndeclaredUnsetVariableIsStillAnError() throws IOException {
        Path dir = stack("db", USES_SECRET.replace("${DB_PASSWORD}", "${DB_PASWORD}"));
        Files.writeString(dir.resolve("stack.yaml"), "secrets: [DB_PASSWORD]\n");
        StacksOptions ci = new StacksOptions("stacks", null, null, StacksOptions.MissingSecrets.PLACEHOLDER);
        LoadedStack db = StackRepository.scan(repo, ci).stack("db").orElseThrow();
        assertThat(db.isValid()).isFalse();
        assertThat(db.problems()).singleElement().satisfies(p -> assertThat(p.format())
                .startsWith("stacks/db/compose.yaml:5:7: error: services.db.environment.POSTGRES_PASSWORD: variable"
                        + " DB_PASWORD is not set"));
    }

    @Test
    void aDeclaredSecretMissingFromTheSecretsDirectoryIsAnErrorAtItsDeclaration() throws IOException {
        Path dir = stack("db", USES_SECRET);
        Files.writeString(dir.resolve("stack.yaml"), "prune: true\nsecrets:\n  - DB_PASSWORD\n");
        Path secrets = Files.createDirectories(repo.resolve("secrets"));
        Files.writeString(secrets.resolve("OTHER"), "x\n");
        LoadedStack db = StackRepository.scan(repo, new StacksOptions("stacks", secrets, null)).stack("db").orElseThrow();
        assertThat(db.isValid()).isFalse();
        assertThat(db.problems()).singleElement().satisfies(p -> assertThat(p.format()).isEqualTo(
                "stacks/db/stack.yaml:3:5: error: secrets[0]: secret DB_PASSWORD is declared but the secrets directory"
                        + " has no file named DB_PASSWORD: add it (its content is the value)"));

        Files.writeString(secrets.resolve("DB_PASSWORD"), "hunter2\n");
        LoadedStack fixed = StackRepository.scan(repo, new StacksOptions("stacks", secrets, null)).stack("db").orElseThrow();
        assertThat(fixed.problems()).isEmpty();
        assertThat(fixed.rendered().compose().toString()).contains("POSTGRES_PASSWORD=hunter2");
    }

    @Test
    void aDeclaredSecretWithNoSecretsDirectoryAtAllIsAnErrorOutsideValidate() throws IOException {
        Path dir = stack("db", USES_SECRET);
        Files.writeString(dir.resolve("stack.yaml"), "secrets: [DB_PASSWORD]\n");
        LoadedStack db = StackRepository.scan(repo, StacksOptions.defaults()).stack("db").orElseThrow();
        assertThat(db.isValid()).isFalse();
        assertThat(db.problems()).singleElement().satisfies(p -> assertThat(p.message())
                .isEqualTo("secret DB_PASSWORD is declared but no secrets directory is set: give one (--secrets-dir,"
                        + " or the daemon's secrets directory) with a file named DB_PASSWORD"));
    }
}
