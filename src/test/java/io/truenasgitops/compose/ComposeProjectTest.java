package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComposeProjectTest {

    final Map<String, String> folder = new LinkedHashMap<>();

    StackFiles files() {
        return (path, max) -> folder.containsKey(path)
                ? new StackFiles.File(folder.get(path).getBytes(StandardCharsets.UTF_8), false, false)
                : new StackFiles.Missing();
    }

    ComposeProject.Result load(String main, List<String> overrides, Variables variables) {
        return ComposeProject.load(new ComposeProject.Request(main, "stacks/app/compose.yaml", overrides,
                "stacks/app", variables, ExpansionBudget.perStack(), files()));
    }

    ComposeProject.Result load(String main) {
        return load(main, List.of(), Variables.none());
    }

    static Object at(Object tree, String path) {
        return ComposeMergeTest.at(tree, path);
    }

    @Test
    void anIncludedFileKeepsItsOwnDirectoryAndDotEnv() {
        folder.put("db/compose.yaml", "services:\n  db:\n    image: postgres:${PG}\n    env_file: db.env\n"
                + "    volumes: ['./init.sql:/docker-entrypoint-initdb.d/init.sql:ro']\n");
        folder.put("db/.env", "PG=16\n");
        ComposeProject.Result r = load("include: [db/compose.yaml]\nservices:\n  web:\n    image: a\n"
                + "    depends_on: [db]\n");
        assertThat(r.problems()).isEmpty();
        assertThat(at(r.tree(), "services.db")).isEqualTo(Map.of("image", "postgres:16", "env_file", "./db/db.env",
                "volumes", List.of("./db/init.sql:/docker-entrypoint-initdb.d/init.sql:ro")));
        assertThat(r.tree()).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) r.tree()).containsKey("include")).isFalse();
        assertThat(r.files()).containsExactly("stacks/app/compose.yaml", "stacks/app/db/compose.yaml");
        assertThat(r.sourceMap().error("services.db.image", "x").format())
                .startsWith("stacks/app/db/compose.yaml:3:5:");
    }

    @Test
    void theIncludingProjectsVariablesWinOverTheIncludedDotEnv() {
        folder.put("db/compose.yaml", "services:\n  db:\n    image: postgres:${PG}\n");
        folder.put("db/.env", "PG=16\n");
        ComposeProject.Result r = load("include:\n  - path: db/compose.yaml\nservices:\n  web: {image: a}\n",
                List.of(), Variables.builder().plain("stack", Map.of("PG", "17")).build());
        assertThat(at(r.tree(), "services.db.image")).isEqualTo("postgres:17");
    }

    @Test
    void aServiceDefinedBothInTheMainFileAndAnIncludeIsAnError() {
        folder.put("other.yaml", "services:\n  web:\n    image: b\n");
        ComposeProject.Result r = load("include: [other.yaml]\nservices:\n  web:\n    image: a\n");
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.format()).startsWith("stacks/app/compose.yaml:3:3:");
            assertThat(p.message()).contains("service 'web' is defined both here and in stacks/app/other.yaml");
        });
    }

    @Test
    void anIncludeCycleIsReportedWithItsChain() {
        folder.put("a.yaml", "include: [b.yaml]\nservices:\n  a: {image: a}\n");
        folder.put("b.yaml", "include: [a.yaml]\nservices:\n  b: {image: b}\n");
        ComposeProject.Result r = load("include: [a.yaml]\nservices:\n  web: {image: a}\n");
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.message()).contains("include cycle: "
                + "stacks/app/compose.yaml -> stacks/app/a.yaml -> stacks/app/b.yaml -> stacks/app/a.yaml"));
    }

    @Test
    void includesOutsideTheStackFolderOrRemoteAreRefused() {
        ComposeProject.Result r = load("include:\n  - ../common/compose.yaml\n  - https://example.com/c.yaml\n"
                + "  - /etc/compose.yaml\nservices:\n  web: {image: a}\n");
        assertThat(r.problems()).extracting(Problem::message).satisfiesExactly(
                m -> assertThat(m).contains("is outside the stack folder"),
                m -> assertThat(m).contains("is remote"),
                m -> assertThat(m).contains("is an absolute path"));
    }

    @Test
    void extendsFromAnotherFileRewritesItsRelativePathsAndKeepsItsLines() {
        folder.put("common/base.yaml", "services:\n  base:\n    image: a\n    environment: [A=1]\n"
                + "    volumes: ['./conf:/conf']\n");
        ComposeProject.Result r = load("services:\n  web:\n    extends:\n      file: common/base.yaml\n"
                + "      service: base\n    environment: [B=2]\n");
        assertThat(r.problems()).isEmpty();
        assertThat(at(r.tree(), "services.web")).isEqualTo(Map.of("image", "a", "environment", List.of("A=1", "B=2"),
                "volumes", List.of("./common/conf:/conf")));
        assertThat(r.sourceMap().error("services.web.image", "x").format())
                .startsWith("stacks/app/common/base.yaml:3:5:");
        assertThat(r.sourceMap().error("services.web.environment[1]", "x").format())
                .startsWith("stacks/app/compose.yaml:6:");
    }

    @Test
    void manyServicesExtendingFromOneFileReadItOnceAndStayUnderTheFileBound() {
        folder.put("common.yaml", "services:\n  base:\n    image: a\n");
        StringBuilder main = new StringBuilder("services:\n");
        for (int i = 0; i < ComposeProject.MAX_FILES + 5; i++) {
            main.append("  s").append(i).append(":\n    extends: {file: common.yaml, service: base}\n");
        }
        ComposeProject.Result r = load(main.toString());
        assertThat(r.problems()).isEmpty();
        assertThat(r.files()).containsExactly("stacks/app/compose.yaml", "stacks/app/common.yaml");
        assertThat(at(r.tree(), "services.s68")).isEqualTo(Map.of("image", "a"));
    }

    @Test
    void includesThatNeverEndAreStoppedAtTheFileBound() {
        for (int i = 0; i < ComposeProject.MAX_FILES + 2; i++) {
            folder.put("f" + i + ".yaml", "include: [f" + (i + 1) + ".yaml]\nservices:\n  s" + i + ": {image: a}\n");
        }
        ComposeProject.Result r = load("include: [f0.yaml]\nservices:\n  web: {image: a}\n");
        assertThat(r.problems()).extracting(Problem::message)
                .anySatisfy(m -> assertThat(m).startsWith("more than 64 compose files in one project"));
    }

    @Test
    void extendsInTheSameFileMergesTheBaseService() {
        ComposeProject.Result r = load("services:\n  base:\n    image: a\n    restart: always\n"
                + "  web:\n    extends: base\n    image: b\n");
        assertThat(at(r.tree(), "services.web")).isEqualTo(Map.of("image", "b", "restart", "always"));
    }

    @Test
    void anExtendsCycleIsReportedWithItsChain() {
        ComposeProject.Result r = load("services:\n  a:\n    image: x\n    extends: b\n  b:\n    image: y\n"
                + "    extends: a\n");
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.message()).contains("extends cycle: "
                + "stacks/app/compose.yaml service 'a' -> stacks/app/compose.yaml service 'b' -> "
                + "stacks/app/compose.yaml service 'a'"));
    }

    @Test
    void anOverrideFileIsMergedOntoTheMainOneAndProblemsNameIt() {
        folder.put("compose.override.yaml", "services:\n  web:\n    ports: !override ['8443:443']\n"
                + "    environment:\n      B: ${B}\n");
        ComposeProject.Result r = load("services:\n  web:\n    image: a\n    ports: ['80:80']\n"
                + "    environment:\n      A: 1\n", List.of("compose.override.yaml"),
                Variables.builder().plain("stack", Map.of("B", "2")).build());
        assertThat(r.problems()).isEmpty();
        assertThat(at(r.tree(), "services.web")).isEqualTo(Map.of("image", "a", "ports", List.of("8443:443"),
                "environment", Map.of("A", 1L, "B", "2")));
        assertThat(r.files()).containsExactly("stacks/app/compose.yaml", "stacks/app/compose.override.yaml");
        assertThat(r.sourceMap().error("services.web.environment.B", "x").format())
                .startsWith("stacks/app/compose.override.yaml:5:7:");
    }

    @Test
    void aMissingOverrideFileIsAnErrorNamingIt() {
        ComposeProject.Result r = load("services:\n  web: {image: a}\n", List.of("extra.yaml"), Variables.none());
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.format())
                .isEqualTo("stacks/app/extra.yaml: error: cannot read stacks/app/extra.yaml: it does not exist"));
    }
}
