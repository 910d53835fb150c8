package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code system.info}/{@code system.version} with each release's values, and what 25.10 changes compared with
 * 25.04 ({@code plugins/system/info.py}, {@code product.py}, {@code core_service.py}, {@code ix_apps/query.py}).
 */
class SystemAndReleasesIT {

    static final List<String> INFO_KEYS = List.of("version", "buildtime", "hostname", "physmem", "model", "cores",
            "physical_cores", "loadavg", "uptime", "uptime_seconds", "system_serial", "system_product",
            "system_product_version", "license", "boottime", "datetime", "timezone", "system_manufacturer",
            "ecc_memory");

    static JsonNode call(TrueNasEmulator nas, WireClient c, String method) {
        if (nas.release() == Release.V24_10) {
            JsonNode r = c.legacyCall(method);
            assertThat(r.has("error")).as(r.toString()).isFalse();
            return r.get("result");
        }
        return c.result(method);
    }

    static WireClient loggedIn(TrueNasEmulator nas) {
        if (nas.release() == Release.V24_10) {
            WireClient c = WireClient.connect(nas, nas.legacyUrl());
            c.legacyConnect();
            assertThat(c.legacyCall("auth.login_with_api_key", nas.apiKey()).get("result").asBoolean()).isTrue();
            return c;
        }
        WireClient c = WireClient.connect(nas, nas.url());
        c.loginRpc(nas);
        return c;
    }

    @ParameterizedTest
    @EnumSource(Release.class)
    void systemInfoHasTheSameKeysInEveryReleaseAndTheVersionOfThatRelease(Release release) {
        try (TrueNasEmulator nas = TrueNasEmulator.start(EmulatorOptions.defaults().withRelease(release));
                WireClient c = loggedIn(nas)) {
            JsonNode info = call(nas, c, "system.info");
            List<String> keys = new java.util.ArrayList<>();
            info.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).containsExactlyElementsOf(INFO_KEYS);
            assertThat(info.get("buildtime").has("$date")).isTrue();
            assertThat(info.get("loadavg")).hasSize(3);
            assertThat(info.get("uptime").asText()).matches("\\d+:\\d\\d:\\d\\d(\\.\\d{6})?");

            String expectedVersion = switch (release) {
                case V24_10 -> "TrueNAS-SCALE-24.10.2";
                case V25_04 -> "TrueNAS-25.04.2";
                case V25_10 -> "TrueNAS-25.10.0";
                case V26_0 -> "TrueNAS-26.0.0-RC.1";
                case V27_0 -> "TrueNAS-27.0.0-BETA.1";
            };
            assertThat(call(nas, c, "system.version").asText()).isEqualTo(expectedVersion);
            String shortVersion = call(nas, c, "system.version_short").asText();
            assertThat(expectedVersion).endsWith(shortVersion);
            // 24.10 puts the full name in system.info; 25.04 and later the short one.
            assertThat(info.get("version").asText())
                    .isEqualTo(release == Release.V24_10 ? expectedVersion : shortVersion);
        }
    }

    @Test
    void systemInfoNeedsALogin() {
        try (TrueNasEmulator nas = TrueNasEmulator.start(EmulatorOptions.defaults());
                WireClient c = WireClient.connect(nas, nas.url())) {
            assertThat(c.call("system.info").at("/error/data/errname").asText()).isEqualTo("ENOTAUTHENTICATED");
        }
    }

    @Test
    void coreNeedsALoginForPingOn2504But2510AnswersBeforeLogin() {
        try (TrueNasEmulator nas = TrueNasEmulator.start(EmulatorOptions.defaults());
                WireClient c = WireClient.connect(nas, nas.url())) {
            assertThat(c.call("core.ping").at("/error/data/errname").asText()).isEqualTo("ENOTAUTHENTICATED");
        }
        try (TrueNasEmulator nas = TrueNasEmulator.start(EmulatorOptions.defaults().withRelease(Release.V25_10));
                WireClient c = WireClient.connect(nas, nas.url())) {
            assertThat(c.result("core.ping").asText()).isEqualTo("pong");
        }
    }

    @Test
    void release2510ServesItsPinnedEndpointAndAnswersSetOptionsWithTheOptions() throws Exception {
        try (TrueNasEmulator nas = TrueNasEmulator.start(EmulatorOptions.defaults().withRelease(Release.V25_10))) {
            HttpResponse<String> versions = JsonRpcProtocolIT.https(nas).send(HttpRequest.newBuilder(
                    URI.create(nas.baseHttpsUrl() + "/api/versions")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(versions.body()).isEqualTo("[\"v25.04.0\",\"v25.04.1\",\"v25.04.2\",\"v25.10.0\"]");
            try (WireClient c = WireClient.connect(nas, nas.url().replace("/api/current", "/api/v25.10.0"))) {
                JsonNode options = c.result("core.set_options", Map.of("py_exceptions", true));
                assertThat(options.toString())
                        .isEqualTo("{\"legacy_jobs\":true,\"private_methods\":false,\"py_exceptions\":true}");
            }
        }
    }

    @Test
    void release2510ListsTheHostIpsOfPublishedPortsAndJobsCarryMessageIds() {
        try (TrueNasEmulator nas = TrueNasEmulator.start(EmulatorOptions.defaults().withRelease(Release.V25_10));
                WireClient c = WireClient.connect(nas, nas.url())) {
            c.loginRpc(nas);
            nas.apps().put("web", Map.of("services", Map.of("web", Map.of("image", "nginx",
                    "ports", List.of("127.0.0.1:8080:80")))), "RUNNING");
            JsonNode workloads = c.result("app.get_instance", "web").get("active_workloads");
            assertThat(workloads.get("used_host_ips").toString()).isEqualTo("[\"127.0.0.1\"]");
            long job = c.result("app.stop", "web").asLong();
            JsonNode jobs = c.result("core.get_jobs", List.of(List.of("id", "=", job)));
            assertThat(jobs.get(0).has("message_ids")).isTrue();
        }
        try (TrueNasEmulator nas = TrueNasEmulator.start(EmulatorOptions.defaults());
                WireClient c = WireClient.connect(nas, nas.url())) {
            c.loginRpc(nas);
            nas.apps().put("web", Map.of("services", Map.of("web", Map.of("image", "nginx"))), "RUNNING");
            assertThat(c.result("app.get_instance", "web").get("active_workloads").has("used_host_ips")).isFalse();
        }
    }
}
