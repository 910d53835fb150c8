package io.truenasgitops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TrueNasValidatorTest {

    static TrueNasValidator.Result validate(String yaml, Path hostBasePath) {
        YamlLoader.Result loaded = YamlLoader.load(yaml, "stacks/app/compose.yaml");
        assertThat(loaded.ok()).as("fixture loads").isTrue();
        return TrueNasValidator.validate(loaded.root(), loaded.sourceMap(),
                new TrueNasValidator.Options("app", hostBasePath));
    }

    /** name, compose, severity, path, line, message fragment. */
    static Stream<Arguments> traps() {
        return Stream.of(
                Arguments.of("missing services", "x-a: 1\n", "ERROR", "", 0, "'services' is missing"),
                Arguments.of("empty services", "services: {}\n", "ERROR", "services", 1, "'services' is empty"),
                Arguments.of("services not a mapping", "services: [a]\n", "ERROR", "services", 1, "must be a mapping"),
                Arguments.of("no image", "services:\n  web:\n    restart: always\n", "ERROR", "services.web", 2,
                        "has no 'image'"),
                Arguments.of("build", "services:\n  web:\n    build: .\n", "ERROR", "services.web.build", 3,
                        "TrueNAS cannot build images"),
                Arguments.of("build with an image", "services:\n  web:\n    image: a:1\n    build: .\n", "WARNING",
                        "services.web.build", 4, "the app pulls 'a:1'"),
                Arguments.of("relative bind short", "services:\n  web:\n    image: a\n    volumes:\n      - ./data:/x\n",
                        "ERROR", "services.web.volumes[0]", 5, "/mnt/<pool>/app/data"),
                Arguments.of("relative bind long",
                        "services:\n  web:\n    image: a\n    volumes:\n      - type: bind\n        source: ./data\n"
                                + "        target: /x\n",
                        "ERROR", "services.web.volumes[0].source", 6, "relative bind mount './data'"),
                Arguments.of("home-relative bind", "services:\n  web:\n    image: a\n    volumes: ['~/d:/d']\n", "ERROR",
                        "services.web.volumes[0]", 4, "home directory"),
                Arguments.of("relative config file",
                        "services:\n  web: {image: a}\nconfigs:\n  c:\n    file: ./nginx.conf\n", "ERROR",
                        "configs.c.file", 5, "'content:'"),
                Arguments.of("relative secret file",
                        "services:\n  web: {image: a}\nsecrets:\n  s:\n    file: pw.txt\n", "ERROR",
                        "secrets.s.file", 5, "secrets directory"),
                Arguments.of("secret from the compose environment",
                        "services:\n  web: {image: a}\nsecrets:\n  s:\n    environment: PW\n", "ERROR",
                        "secrets.s.environment", 5, "where TrueNAS sets none"),
                Arguments.of("unknown top-level key", "services:\n  web: {image: a}\nservice:\n  x: 1\n", "ERROR",
                        "service", 3, "unknown top-level key 'service'"),
                Arguments.of("version is obsolete", "version: '3'\nservices:\n  web: {image: a}\n", "WARNING", "version",
                        1, "obsolete"),
                Arguments.of("top-level name", "name: foo\nservices:\n  web: {image: a}\n", "WARNING", "name", 1,
                        "ix-<app>"),
                Arguments.of("container_name", "services:\n  web:\n    image: a\n    container_name: web\n", "WARNING",
                        "services.web.container_name", 4, "clash"),
                Arguments.of("command cut at ;", "services:\n  web:\n    image: a\n    command: echo a; echo b\n",
                        "WARNING", "services.web.command", 4, "unquoted ';'"),
                Arguments.of("entrypoint cut at &&", "services:\n  web:\n    image: a\n    entrypoint: a && b\n",
                        "WARNING", "services.web.entrypoint", 4, "unquoted '&'"),
                Arguments.of("command redirect", "services:\n  web:\n    image: a\n    command: run > /log\n",
                        "WARNING", "services.web.command", 4, "unquoted '>'"),
                Arguments.of("command unclosed quote", "services:\n  web:\n    image: a\n    command: echo 'a\n",
                        "ERROR", "services.web.command", 4, "unclosed single quote"),
                Arguments.of("undeclared named volume", "services:\n  web:\n    image: a\n    volumes: ['data:/d']\n",
                        "ERROR", "services.web.volumes[0]", 4, "not declared"),
                Arguments.of("unknown depends_on", "services:\n  web:\n    image: a\n    depends_on: [db]\n", "ERROR",
                        "services.web.depends_on", 4, "'db'"),
                Arguments.of("undeclared network", "services:\n  web:\n    image: a\n    networks: [front]\n", "ERROR",
                        "services.web.networks", 4, "'front'"),
                Arguments.of("bad service name", "services:\n  'we b':\n    image: a\n", "ERROR", "services.we b", 2,
                        "invalid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traps")
    void eachTrueNasTrapIsReportedOnceWithItsPathAndLine(String name, String yaml, String severity, String path,
            int line, String fragment) {
        List<Problem> problems = validate(yaml, null).problems();
        assertThat(problems).filteredOn(p -> p.path().equals(path)).singleElement().satisfies(p -> {
            assertThat(p.severity().name()).isEqualTo(severity);
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.message()).contains(fragment);
            assertThat(p.file()).isEqualTo("stacks/app/compose.yaml");
        });
    }

    @Test
    void everyProblemIsListedNotJustTheFirst() {
        String yaml = """
                version: "3.9"
                services:
                  api:
                    build: ./api
                    volumes:
                      - ./src:/src
                  web:
                    image: nginx
                    container_name: web
                    volumes:
                      - type: bind
                        source: ./html
                        target: /usr/share/nginx/html
                secrets:
                  pw:
                    file: ./pw.txt
                """;
        List<Problem> problems = validate(yaml, null).problems();
        assertThat(problems).extracting(Problem::path).containsExactlyInAnyOrder("version", "services.api.build",
                "services.api.volumes[0]", "services.web.container_name", "services.web.volumes[0].source",
                "secrets.pw.file");
        assertThat(problems).allSatisfy(p -> assertThat(p.line()).isPositive());
    }

    @Test
    void aBuildBesideAnImageIsDroppedFromTheRenderedService() {
        TrueNasValidator.Result r = validate("services:\n  web:\n    image: a:1\n    build: ./web\n", null);
        @SuppressWarnings("unchecked")
        Map<String, Object> web = (Map<String, Object>) ((Map<String, Object>) r.compose().get("services")).get("web");
        assertThat(web).containsOnlyKeys("image");
    }

    @Test
    void withAHostBasePathRelativeBindMountsAreRewrittenUnderTheAppFolder() {
        String yaml = "services:\n  web:\n    image: a\n    volumes:\n      - ./data:/x:ro\n      - .:/all\n"
                + "      - type: bind\n        source: ./conf/nginx.conf\n        target: /etc/nginx.conf\n";
        TrueNasValidator.Result r = validate(yaml, Path.of("/mnt/tank/apps"));
        assertThat(r.problems()).isEmpty();
        List<?> volumes = (List<?>) ((Map<?, ?>) ((Map<?, ?>) r.compose().get("services")).get("web")).get("volumes");
        assertThat(volumes.get(0)).isEqualTo("/mnt/tank/apps/app/data:/x:ro");
        assertThat(volumes.get(1)).isEqualTo("/mnt/tank/apps/app:/all");
        assertThat(((Map<?, ?>) volumes.get(2)).get("source")).isEqualTo("/mnt/tank/apps/app/conf/nginx.conf");
    }

    @Test
    void aRelativeBindMountMayNotEscapeTheAppFolderEvenWithAHostBasePath() {
        TrueNasValidator.Result r = validate("services:\n  web:\n    image: a\n    volumes: ['../other:/x']\n",
                Path.of("/mnt/tank/apps"));
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("leaves the app's folder"));
    }

    @Test
    void aTrueNasReadyComposeHasNoProblems() {
        String yaml = """
                services:
                  web:
                    image: nginx:1.27
                    volumes:
                      - /mnt/tank/apps/web:/usr/share/nginx/html:ro
                      - cache:/var/cache/nginx
                    depends_on: [api]
                    networks: [front]
                    configs:
                      - source: site
                        target: /etc/nginx/conf.d/default.conf
                  api:
                    image: ghcr.io/example/api:2
                    command: ["sh", "-c", "run && echo done"]
                    networks: [front, default]
                volumes:
                  cache: {}
                networks:
                  front: {}
                configs:
                  site:
                    content: "server { listen 80; }"
                x-notes: anything goes here
                """;
        assertThat(validate(yaml, null).problems()).isEmpty();
    }
}
