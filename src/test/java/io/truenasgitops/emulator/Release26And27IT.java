package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What 26.0 and 27.0 change, from the middleware's source: SCRAM-SHA-512 logins (channel-bound over TLS), the
 * v27 API's private login methods, the ERROR state and the exit codes of 27.0, the job logs of a failed
 * {@code app.create} and the snapshot queries of 26.0.
 */
class Release26And27IT {
    static final Map<String, Object> COMPOSE = Map.of("services", Map.of(
            "web", Map.of("image", "nginx:1.27"), "worker", Map.of("image", "busybox:1.36")));

    TrueNasEmulator emulator;
    WireClient c;

    TrueNasEmulator start(Release release) {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withRelease(release).withPlainListener(true, null));
        return emulator;
    }

    @AfterEach
    void stop() {
        if (c != null) {
            c.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    WireClient connect(String url) {
        c = WireClient.connect(emulator, url);
        return c;
    }

    @ParameterizedTest
    @EnumSource(value = Release.class, names = {"V26_0", "V27_0"})
    void anAnonymousSessionIsOfferedScramAndLogsInWithAChannelBoundExchangeOverTls(Release release) throws Exception {
        start(release);
        connect(emulator.url());

        assertThat(c.result("auth.mechanism_choices")).extracting(JsonNode::asText)
                .containsExactly("API_KEY_PLAIN", "TOKEN_PLAIN", "PASSWORD_PLAIN", "SCRAM");
        JsonNode last = ScramWire.login(c, emulator.username(), emulator.apiKey(), "p=tls-server-end-point,,",
                ScramWire.certificateHash(emulator));

        assertThat(last.path("response_type").asText()).isEqualTo("SCRAM_RESPONSE");
        assertThat(last.path("scram_type").asText()).isEqualTo("SERVER_FINAL_RESPONSE");
        assertThat(last.at("/user_info/pw_name").asText()).isEqualTo(emulator.username());
        assertThat(c.result("auth.me").path("pw_name").asText()).isEqualTo(emulator.username());
        assertThat(emulator.apiKeyRevoked()).isFalse();
    }

    @Test
    void aBindingThatIsNotTheServersCertificateOrAWrongKeyIsRefused() throws Exception {
        start(Release.V26_0);
        connect(emulator.url());
        byte[] other = new byte[32];

        assertThat(ScramWire.login(c, emulator.username(), emulator.apiKey(), "p=tls-server-end-point,,", other)
                .path("response_type").asText()).isEqualTo("AUTH_ERR");
        String wrongKey = emulator.apiKey().substring(0, emulator.apiKey().length() - 1) + "x";
        assertThat(ScramWire.login(c, emulator.username(), wrongKey, "n,,", null).path("response_type").asText())
                .isEqualTo("AUTH_ERR");
        assertThat(ScramWire.login(c, "someone-else", emulator.apiKey(), "n,,", null).path("response_type").asText())
                .isEqualTo("AUTH_ERR");
        assertThat(c.call("auth.me").path("error").path("data").path("errname").asText())
                .isEqualTo("ENOTAUTHENTICATED");
    }

    @Test
    void channelBindingIsRefusedWithoutTlsAndAnUnboundExchangeLogsInThere() throws Exception {
        start(Release.V26_0);
        connect(emulator.plainUrl());

        assertThat(ScramWire.login(c, emulator.username(), emulator.apiKey(), "p=tls-server-end-point,,",
                ScramWire.certificateHash(emulator)).path("response_type").asText()).isEqualTo("AUTH_ERR");
        assertThat(ScramWire.login(c, emulator.username(), emulator.apiKey(), "n,,", null).path("response_type")
                .asText()).isEqualTo("SCRAM_RESPONSE");
        assertThat(emulator.apiKeyRevoked()).as("SCRAM never sends the key").isFalse();
    }

    @Test
    void aFinalMessageWithoutAFirstOneIsACallError() {
        start(Release.V26_0);
        connect(emulator.url());

        JsonNode r = c.call("auth.login_ex", Map.of("mechanism", "SCRAM", "scram_type", "CLIENT_FINAL_MESSAGE",
                "rfc_str", "c=biws,r=AAAA,p=AAAA"));

        assertThat(r.at("/error/data/reason").asText()).contains("SCRAM authentication is not in progress");
    }

    @Test
    void beforeTwentySixScramIsAnUnknownMechanism() {
        start(Release.V25_10);
        connect(emulator.url());

        JsonNode r = c.call("auth.login_ex", Map.of("mechanism", "SCRAM", "scram_type", "CLIENT_FIRST_MESSAGE",
                "rfc_str", "n,,n=x:1,r=AAAA"));

        assertThat(r.at("/error/data/reason").asText()).contains("does not match any of the expected tags")
                .contains("'PASSWORD_PLAIN', 'TOKEN_PLAIN', 'OTP_TOKEN'").doesNotContain(", 'SCRAM'");
    }

    @Test
    void onTwentySevenTheOldLoginsArePrivateOnTheCurrentApiAndStillAnswerWithAWarning() {
        start(Release.V27_0);
        connect(emulator.url());

        assertThat(c.result("auth.login_with_api_key", emulator.apiKey()).asBoolean()).isTrue();
        assertThat(emulator.calls().warnings()).containsExactly("Private method 'auth.login_with_api_key' called on a"
                + " connection without private_methods enabled");
        assertThat(emulator.calls().count("auth.login_with_api_key", "jsonrpc")).isEqualTo(1);
        c.close();

        connect(emulator.url().replace("/api/current", "/api/v26.0.0"));
        assertThat(c.result("auth.login_with_api_key", emulator.apiKey()).asBoolean()).isTrue();
        assertThat(emulator.calls().warnings()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(value = Release.class, names = {"V26_0", "V27_0"})
    void apiVersionsListTheNewReleaseLast(Release release) throws Exception {
        start(release);
        HttpResponse<String> r = HttpClient.newBuilder().sslContext(trustAll()).build().send(
                HttpRequest.newBuilder(URI.create(emulator.baseHttpsUrl() + "/api/versions")).build(),
                HttpResponse.BodyHandlers.ofString());

        List<String> versions = List.of(WireClient.JSON.readValue(r.body(), String[].class));
        assertThat(versions.get(versions.size() - 1)).isEqualTo(release == Release.V26_0 ? "v26.0.0" : "v27.0.0");
        assertThat(versions).contains("v25.04.0", "v25.10.0").doesNotContain("v24.10");
    }

    static javax.net.ssl.SSLContext trustAll() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        return ctx;
    }

    WireClient loggedIn() {
        connect(emulator.url());
        c.loginRpc(emulator);
        c.subscribeRpc("core.get_jobs");
        return c;
    }

    @ParameterizedTest
    @EnumSource(value = Release.class, names = {"V26_0", "V27_0"})
    void anExitedContainerCrashesTheAppBeforeTwentySevenAndNotWhenItsCodeIsASignalOnTwentySeven(Release release) {
        start(release);
        emulator.apps().put("web", COMPOSE, "RUNNING");
        emulator.apps().exitContainer("web", "worker", 137);
        loggedIn();

        JsonNode app = c.result("app.get_instance", "web");
        JsonNode worker = app.at("/active_workloads/container_details").findParents("service_name").stream()
                .filter(d -> d.path("service_name").asText().equals("worker")).findFirst().orElseThrow();
        if (release == Release.V27_0) {
            assertThat(app.path("state").asText()).isEqualTo("RUNNING");
            assertThat(worker.path("state").asText()).isEqualTo("exited");
        } else {
            assertThat(app.path("state").asText()).isEqualTo("CRASHED");
            assertThat(worker.path("state").asText()).isEqualTo("crashed");
        }
        emulator.apps().exitContainer("web", "worker", 1);
        assertThat(c.result("app.get_instance", "web").path("state").asText()).isEqualTo("CRASHED");
    }

    @Test
    void anOomKillIsAnOomThenADieEventWithExitCode137OnDockerEvents() {
        start(Release.V27_0);
        emulator.apps().put("web", COMPOSE, "RUNNING");
        loggedIn();
        c.subscribeRpc("docker.events");

        emulator.apps().oomKill("web", "worker");

        JsonNode oom = WireClient.params(c.await(m -> "docker.events".equals(WireClient.params(m).path("collection")
                .asText()) && "oom".equals(WireClient.params(m).at("/fields/Action").asText())));
        JsonNode die = WireClient.params(c.await(m -> "docker.events".equals(WireClient.params(m).path("collection")
                .asText()) && "die".equals(WireClient.params(m).at("/fields/Action").asText())));
        assertThat(oom.path("id").asText()).isEqualTo("ix-web");
        assertThat(die.at("/fields/Actor/Attributes/exitCode").asText()).isEqualTo("137");
        assertThat(die.at("/fields/Actor/Attributes/com.docker.compose.service").asText()).isEqualTo("worker");
        assertThat(c.result("app.get_instance", "web").path("state").asText()).isEqualTo("RUNNING");
    }

    @Test
    void anAppWithUnusableMetadataIsInErrorOnTwentySevenAndCanOnlyBeDeleted() {
        start(Release.V27_0);
        emulator.apps().put("web", COMPOSE, "RUNNING");
        emulator.apps().breakMetadata("web", "METADATA_UNREADABLE");
        loggedIn();

        JsonNode app = c.result("app.get_instance", "web");
        assertThat(app.path("state").asText()).isEqualTo("ERROR");
        assertThat(app.path("error_reason").asText()).isEqualTo("METADATA_UNREADABLE");
        assertThat(app.path("version").isNull()).isTrue();
        assertThat(app.path("custom_app").asBoolean()).isFalse();

        JsonNode start = c.awaitJobEnd(c.result("app.start", "web").asLong());
        assertThat(start.path("state").asText()).isEqualTo("FAILED");
        assertThat(start.path("error").asText()).contains("'web' app cannot be managed because its metadata is"
                + " unusable (METADATA_UNREADABLE). The app can only be deleted.");
        assertThat(c.call("app.config", "web").at("/error/data/reason").asText()).contains("can only be deleted");

        JsonNode delete = c.awaitJobEnd(c.result("app.delete", "web").asLong());
        assertThat(delete.path("state").asText()).isEqualTo("SUCCESS");
        assertThat(emulator.apps().get("web")).isEmpty();
    }

    @Test
    void beforeTwentySevenAnAppWithUnusableMetadataIsCrashed() {
        start(Release.V26_0);
        emulator.apps().put("web", COMPOSE, "RUNNING");
        emulator.apps().breakMetadata("web", "METADATA_MISSING");
        loggedIn();

        JsonNode app = c.result("app.get_instance", "web");
        assertThat(app.path("state").asText()).isEqualTo("CRASHED");
        assertThat(app.has("error_reason")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Release.class, names = {"V25_10", "V26_0"})
    void aFailedCreateCarriesTheContainersLogsFromTwentySix(Release release) {
        start(release);
        emulator.faults().failNextJobWithLogs("app.create", "web", "web-1  | exec /entrypoint: no such file\n");
        loggedIn();

        JsonNode job = c.awaitJobEnd(c.result("app.create", Map.of("app_name", "web", "custom_app", true,
                "custom_compose_config", COMPOSE)).asLong());

        assertThat(job.path("state").asText()).isEqualTo("FAILED");
        if (release == Release.V26_0) {
            assertThat(job.path("logs_excerpt").asText())
                    .isEqualTo("App installation logs for web:\nweb-1  | exec /entrypoint: no such file\n");
            assertThat(job.path("logs_path").asText()).isEqualTo("/var/log/jobs/" + job.path("id").asLong() + ".log");
        } else {
            assertThat(job.path("logs_excerpt").isNull()).isTrue();
        }
    }

    @Test
    void aLongJobLogIsCutToItsFirstAndLastTenLines() {
        StringBuilder log = new StringBuilder();
        for (int i = 1; i <= 25; i++) {
            log.append("line ").append(i).append('\n');
        }
        String excerpt = JobRecord.excerpt(log.toString());

        assertThat(excerpt).startsWith("line 1\n").contains("line 10\n... 5 more lines ...\nline 16\n")
                .endsWith("line 25\n");
    }

    @Test
    void onTwentySixSnapshotsComeWithoutPropertiesUnlessAskedAndInternalPathsAreProtected() {
        start(Release.V26_0);
        emulator.storage().seedDataset("tank/apps/db");
        loggedIn();
        c.result("pool.snapshot.create", Map.of("dataset", "tank/apps/db", "name", "one"));
        c.result("pool.snapshot.create", Map.of("dataset", "tank/apps/db", "name", "two"));

        JsonNode plain = c.result("pool.snapshot.query", List.of(List.of("dataset", "=", "tank/apps/db")), Map.of());
        assertThat(plain.get(0).path("properties").size()).isZero();
        assertThat(plain.get(0).path("createtxg").asText()).isNotEmpty();
        JsonNode asked = c.result("pool.snapshot.query", List.of(List.of("dataset", "=", "tank/apps/db")),
                Map.of("extra", Map.of("properties", List.of("creation"))));
        assertThat(asked.get(0).path("properties").fieldNames()).toIterable().containsExactly("creation");
        assertThat(c.call("zfs.snapshot.query").at("/error/message").asText()).isEqualTo("Method does not exist");

        JsonNode newer = c.call("pool.snapshot.rollback", "tank/apps/db@one", Map.of());
        assertThat(newer.at("/error/data/reason").asText()).contains("Cannot rollback: more recent snapshots or"
                + " bookmarks exist").contains("\n  tank/apps/db@two");
        JsonNode internal = c.call("pool.snapshot.create", Map.of("dataset", "tank/ix-apps", "name", "x"));
        assertThat(internal.at("/error/data/reason").asText()).contains("'tank/ix-apps@x' is a protected path.");
        assertThat(internal.at("/error/data/extra/0/2").asInt()).isEqualTo(13);
    }
}
