package io.truenasgitops.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.truenasgitops.age.X25519Recipient;
import io.truenasgitops.sops.SopsEncryptor;
import io.truenasgitops.sops.SopsFormat;
import io.truenasgitops.sops.SopsMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The done-when of SOPS support: the daemon, configured with {@code truenas-gitops.stacks.age-key-file}, syncs a
 * stack whose .env is SOPS-encrypted for an age recipient to the emulator, and the decrypted values show nowhere:
 * not in REST answers (stacks, diff, plan, events, sync results), not in the logs, not in the state directory.
 */
@QuarkusTest
@QuarkusTestResource(value = DaemonTestResource.class, restrictToAnnotatedClass = true, initArgs = @ResourceArg(
        name = "truenas-gitops.stacks.age-key-file", value = "src/test/resources/sops/upstream/keys.txt"))
class SopsDaemonIT {

    static final String BEARER = "Bearer " + DaemonTestResource.TOKEN;
    /** The sops repository's age test identity (vendored keys.txt) is the key the daemon has. */
    static final X25519Recipient RECIPIENT =
            X25519Recipient.parse("age1lzd99uklcjnc0e7d860axevet2cz99ce9pq6tzuzd05l5nr28ams36nvun");
    static final String FIRST = "first-db-p4ss-0f-sops";
    static final String SECOND = "second-db-p4ss-0f-sops";
    static final String COMPOSE = "services:\n  db:\n    image: postgres:16\n    environment:\n"
            + "      POSTGRES_PASSWORD: ${DB_PASSWORD}\n      DSN: postgres://app:${DB_PASSWORD}@db/app\n";

    final List<String> logs = new ArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (logs) {
                logs.add(r.getLoggerName() + " " + r.getMessage() + " " + java.util.Arrays.toString(r.getParameters())
                        + " " + (r.getThrown() == null ? "" : r.getThrown()));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    static String encryptedEnv(String password) throws Exception {
        return SopsEncryptor.encrypt(SopsFormat.DOTENV, "DB_PASSWORD=" + password + "\n", ".env", List.of(RECIPIENT),
                SopsMetadata.Rules.defaults(), OffsetDateTime.now());
    }

    static String sync() {
        return given().header("Authorization", BEARER).post("/api/v1/sync?wait=true").then().statusCode(200)
                .body("result", equalTo("success")).extract().asString();
    }

    static String get(String path) {
        return given().get(path).then().statusCode(200).extract().asString();
    }

    @Test
    void aStackWithASopsEncryptedEnvSyncsAndItsValuesShowNowhere() throws Exception {
        DaemonTestResource.commit("stacks/db/compose.yaml", COMPOSE, "db");
        DaemonTestResource.commit("stacks/db/.env", encryptedEnv(FIRST), "db secrets");

        List<String> answers = new ArrayList<>();
        answers.add(sync());
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                DaemonTestResource.emulator.apps().get("db").orElseThrow().compose().get("services")).get("db"))
                .get("environment");
        assertThat(env).as("the NAS gets the decrypted value").containsEntry("POSTGRES_PASSWORD", FIRST)
                .containsEntry("DSN", "postgres://app:" + FIRST + "@db/app");
        assertThat(DaemonTestResource.emulator.apps().state("db")).isEqualTo("RUNNING");

        DaemonTestResource.commit("stacks/db/.env", encryptedEnv(SECOND), "rotate the db password");
        answers.add(get("/api/v1/plan"));
        answers.add(get("/api/v1/stacks"));
        answers.add(get("/api/v1/stacks/db"));
        answers.add(get("/api/v1/stacks/db/diff"));
        answers.add(sync());
        answers.add(get("/api/v1/stacks/db/diff"));
        answers.add(get("/api/v1/events?limit=200"));
        answers.add(get("/api/v1/events?stack=db&limit=200"));

        assertThat(DaemonTestResource.emulator.apps().get("db").orElseThrow().compose().toString()).contains(SECOND);
        assertThat(String.join("\n", answers)).contains("db").contains("***")
                .doesNotContain(FIRST).doesNotContain(SECOND);
        synchronized (logs) {
            assertThat(logs).isNotEmpty();
            assertThat(String.join("\n", logs)).doesNotContain(FIRST).doesNotContain(SECOND);
        }
        Path state = DaemonTestResource.repo.getParent().resolve("state");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(state)) {
            // Git's own object store is compressed (and holds only ciphertext): the readable files are checked.
            files = walk.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/repo.git/")).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            String content = read(f);
            assertThat(content).as(f.toString()).doesNotContain(FIRST).doesNotContain(SECOND);
        }
    }

    static String read(Path f) throws IOException {
        return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
    }
}
