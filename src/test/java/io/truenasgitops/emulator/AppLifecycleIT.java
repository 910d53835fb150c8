package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Custom apps through jobs: states, events, validation inside jobs, queries, as the 25.04 apps plugin does it. */
class AppLifecycleIT {
    static TrueNasEmulator emulator;
    WireClient c;

    static final Map<String, Object> COMPOSE = Map.of("services", Map.of("web", Map.of(
            "image", "nginx:1.27", "ports", List.of("8080:80", "127.0.0.1:8443:443/tcp"),
            "volumes", List.of("data:/data", "/mnt/tank/site:/usr/share/nginx/html:ro"))),
            "volumes", Map.of("data", Map.of()), "x-truenas-gitops", Map.of("hash", "abc"));

    @BeforeAll
    static void start() {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults().withDeployDelay(Duration.ofMillis(300)));
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @BeforeEach
    void connect() {
        emulator.reset();
        c = WireClient.connect(emulator, emulator.url());
        c.loginRpc(emulator);
        c.subscribeRpc("core.get_jobs", "app.query");
    }

    @AfterEach
    void disconnect() {
        c.close();
    }

    static Map<String, Object> create(String name, Map<String, Object> compose) {
        return Map.of("app_name", name, "custom_app", true, "custom_compose_config", compose);
    }

    JsonNode runJob(String method, Object... params) {
        long id = c.result(method, params).asLong();
        return c.awaitJobEnd(id);
    }

    JsonNode appEvent(String name, String type) {
        return WireClient.params(c.await(m -> "app.query".equals(WireClient.params(m).path("collection").asText())
                && name.equals(WireClient.params(m).path("id").asText())
                && type.equals(WireClient.params(m).path("msg").asText())));
    }

    @Test
    void createRunsAJobWithTheRealProgressStepsAndEvents() {
        long id = c.result("app.create", create("web", COMPOSE)).asLong();
        assertThat(id).isEqualTo(1);
        JsonNode added = WireClient.params(c.await(m -> WireClient.isJobEvent(m, id)));
        assertThat(added.get("msg").asText()).isEqualTo("added");
        JsonNode fields = added.get("fields");
        assertThat(fields.get("state").asText()).isEqualTo("WAITING");
        assertThat(fields.get("method").asText()).isEqualTo("app.create");
        assertThat(fields.at("/arguments/0/custom_compose_config").asText()).isEqualTo("********");
        assertThat(fields.at("/time_started/$date").isIntegralNumber()).isTrue();
        assertThat(fields.get("time_finished").isNull()).isTrue();
        List<String> keys = new ArrayList<>();
        fields.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("id", "method", "arguments", "transient", "description", "abortable",
                "logs_path", "logs_excerpt", "progress", "result", "result_encoding_error", "error", "exception",
                "exc_info", "state", "time_started", "time_finished", "credentials");
        List<String> progress = new ArrayList<>();
        JsonNode end;
        while (true) {
            JsonNode event = WireClient.params(c.await(m -> WireClient.isJobEvent(m, id)));
            assertThat(event.get("msg").asText()).isEqualTo("changed");
            progress.add(event.at("/fields/progress/percent").asInt() + " " + event.at("/fields/progress/description").asText());
            if (event.at("/fields/state").asText().equals("SUCCESS")) {
                end = event.get("fields");
                break;
            }
        }
        assertThat(progress).containsSubsequence("25 Initial validation completed for custom app creation",
                "35 Setting up App directory", "60 App installation in progress, pulling images",
                "100 'web' installed successfully");
        assertThat(end.at("/result/name").asText()).isEqualTo("web");
        assertThat(end.at("/time_finished/$date").isIntegralNumber()).isTrue();
        assertThat(end.at("/credentials/type").asText()).isEqualTo("API_KEY");
        assertThat(appEvent("web", "added").at("/fields/name").asText()).isEqualTo("web");
        assertThat(c.result("core.get_jobs", List.of(List.of("id", "=", id))).get(0).get("state").asText()).isEqualTo("SUCCESS");
    }

    @Test
    void appIsDeployingThenRunningWithItsWorkloads() {
        assertThat(runJob("app.create", create("web", COMPOSE)).get("state").asText()).isEqualTo("SUCCESS");
        JsonNode entry = c.result("app.get_instance", "web");
        assertThat(entry.get("state").asText()).isIn("DEPLOYING", "RUNNING");
        await().atMost(Duration.ofSeconds(10)).until(() -> "RUNNING".equals(emulator.apps().state("web")));
        entry = c.result("app.get_instance", "web");
        assertThat(entry.get("state").asText()).isEqualTo("RUNNING");
        assertThat(entry.get("id").asText()).isEqualTo("web");
        assertThat(entry.get("custom_app").asBoolean()).isTrue();
        assertThat(entry.get("version").asText()).isEqualTo("1.0.0");
        assertThat(entry.get("human_version").asText()).isEqualTo("1.0.0_custom");
        assertThat(entry.has("config")).isFalse();
        JsonNode workloads = entry.get("active_workloads");
        assertThat(workloads.get("containers").asInt()).isEqualTo(1);
        assertThat(workloads.get("used_ports").toString()).isEqualTo(
                "[{\"container_port\":80,\"protocol\":\"tcp\",\"host_ports\":[{\"host_port\":8080,\"host_ip\":\"0.0.0.0\"}]},"
                        + "{\"container_port\":443,\"protocol\":\"tcp\",\"host_ports\":[{\"host_port\":8443,\"host_ip\":\"127.0.0.1\"}]}]");
        JsonNode container = workloads.at("/container_details/0");
        assertThat(container.get("id").asText()).matches("[0-9a-f]{64}");
        assertThat(container.get("service_name").asText()).isEqualTo("web");
        assertThat(container.get("image").asText()).isEqualTo("nginx:1.27");
        assertThat(container.get("state").asText()).isEqualTo("running");
        assertThat(workloads.get("images").toString()).isEqualTo("[\"nginx:1.27\"]");
        assertThat(workloads.get("volumes").toString()).contains(
                "{\"source\":\"/mnt/.ix-apps/docker/volumes/ix-web_data/_data\",\"destination\":\"/data\",\"mode\":\"rw\",\"type\":\"volume\"}",
                "{\"source\":\"/mnt/tank/site\",\"destination\":\"/usr/share/nginx/html\",\"mode\":\"ro\",\"type\":\"bind\"}");
        assertThat(workloads.at("/networks/0/Name").asText()).isEqualTo("ix-web_default");
        assertThat(c.result("app.used_ports").toString()).isEqualTo("[8080,8443]");
        JsonNode ids = c.result("app.container_ids", "web");
        assertThat(ids.has(container.get("id").asText())).isTrue();
    }

    @Test
    void configIsTheStoredKeySortedDictWithExtensionKeys() {
        runJob("app.create", create("web", COMPOSE));
        JsonNode config = c.result("app.config", "web");
        List<String> keys = new ArrayList<>();
        config.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("services", "volumes", "x-truenas-gitops");
        assertThat(config.at("/x-truenas-gitops/hash").asText()).isEqualTo("abc");
        JsonNode queried = c.result("app.query", List.of(List.of("name", "=", "web")),
                Map.of("extra", Map.of("retrieve_config", true)));
        assertThat(queried.get(0).get("config")).isEqualTo(config);
    }

    @Test
    void composeStringsAreParsedWithYaml11Rules() {
        String yaml = "services:\n  ssh:\n    image: alpine\n    ports:\n      - 22:22\n    environment:\n      ENABLED: yes\n      MODE: 0755\n";
        JsonNode end = runJob("app.create", Map.of("app_name", "ssh", "custom_app", true, "custom_compose_config_string", yaml));
        assertThat(end.get("state").asText()).isEqualTo("SUCCESS");
        JsonNode config = c.result("app.config", "ssh");
        assertThat(config.at("/services/ssh/ports/0").asInt()).isEqualTo(1342);
        assertThat(config.at("/services/ssh/environment/ENABLED").asBoolean()).isTrue();
        assertThat(config.at("/services/ssh/environment/MODE").asInt()).isEqualTo(493);
    }

    @Test
    void validationErrorsFailTheJobNotTheCall() {
        JsonNode bad = runJob("app.create", Map.of("app_name", "Bad_Name", "custom_app", true,
                "custom_compose_config", COMPOSE, "surprise", 1));
        assertThat(bad.get("state").asText()).isEqualTo("FAILED");
        assertThat(bad.at("/exc_info/type").asText()).isEqualTo("VALIDATION");
        assertThat(bad.at("/exc_info/errno").isNull()).isTrue();
        assertThat(bad.at("/exc_info/extra").toString()).isEqualTo(
                "[[\"app_create.app_name\",\"String should match pattern '^[a-z]([-a-z0-9]*[a-z0-9])?$'\",22],"
                        + "[\"app_create.surprise\",\"Extra inputs are not permitted\",22]]");
        assertThat(bad.get("error").asText()).startsWith("[EINVAL] app_create.app_name: String should match pattern");

        JsonNode tooLong = runJob("app.create", create("a".repeat(41), COMPOSE));
        assertThat(tooLong.at("/exc_info/extra/0/1").asText()).isEqualTo("String should have at most 40 characters");

        JsonNode wrongType = runJob("app.create", Map.of("app_name", "x", "custom_app", "yes", "custom_compose_config", COMPOSE));
        assertThat(wrongType.at("/exc_info/extra").toString())
                .isEqualTo("[[\"app_create.custom_app\",\"Input should be a valid boolean\",22]]");

        JsonNode none = runJob("app.create", Map.of("app_name", "x", "custom_app", true));
        assertThat(none.at("/exc_info/extra").toString())
                .isEqualTo("[[\"app_create.custom_compose_config\",\"This field is required\",22]]");

        JsonNode both = runJob("app.create", Map.of("app_name", "x", "custom_app", true,
                "custom_compose_config", COMPOSE, "custom_compose_config_string", "services: {}"));
        assertThat(both.at("/exc_info/extra").toString())
                .isEqualTo("[[\"app_create.custom_compose_config_string\",\"Only one of these fields should be provided\",22]]");

        JsonNode yaml = runJob("app.create", Map.of("app_name", "x", "custom_app", true,
                "custom_compose_config_string", "services: [unclosed"));
        assertThat(yaml.at("/exc_info/extra").toString())
                .isEqualTo("[[\"app_create.custom_compose_config_string\",\"Invalid YAML provided\",22]]");
        assertThat(c.result("app.query").size()).isZero();
    }

    @Test
    void catalogAppsCannotBeCreated() {
        JsonNode noCatalog = runJob("app.create", Map.of("app_name", "plex"));
        assertThat(noCatalog.at("/exc_info/extra").toString())
                .isEqualTo("[[\"app_create.catalog_app\",\"This field is required\",22]]");
        JsonNode unknown = runJob("app.create", Map.of("app_name", "plex", "catalog_app", "plex"));
        assertThat(unknown.at("/exc_info/type").asText()).isEqualTo("CallError");
        assertThat(unknown.at("/exc_info/errno").asInt()).isEqualTo(2);
    }

    @Test
    void createOfAnExistingAppFailsWithEexist() {
        runJob("app.create", create("web", COMPOSE));
        JsonNode again = runJob("app.create", create("web", COMPOSE));
        assertThat(again.get("state").asText()).isEqualTo("FAILED");
        assertThat(again.get("error").asText()).isEqualTo("[EEXIST] Application with name web already exists");
        assertThat(again.at("/exc_info/type").asText()).isEqualTo("CallError");
        assertThat(again.at("/exc_info/errno").asInt()).isEqualTo(17);
        assertThat(again.at("/exc_info/extra").isNull()).isTrue();
    }

    @Test
    void jobsOnAMissingAppFailWithEnoent() {
        for (String method : List.of("app.delete", "app.start", "app.stop", "app.redeploy")) {
            JsonNode end = runJob(method, "ghost");
            assertThat(end.get("error").asText()).as(method).isEqualTo("[ENOENT] None: App ghost does not exist");
            assertThat(end.at("/exc_info/type").asText()).isEqualTo("VALIDATION");
            assertThat(end.at("/exc_info/errno").asInt()).isEqualTo(2);
            assertThat(end.at("/exc_info/extra").toString()).isEqualTo("[[null,\"App ghost does not exist\",2]]");
        }
        JsonNode update = runJob("app.update", "ghost", Map.of("custom_compose_config", COMPOSE));
        assertThat(update.at("/exc_info/errno").asInt()).isEqualTo(2);
    }

    @Test
    void updateReplacesTheComposeAndRecreatesContainersUnlessStopped() {
        runJob("app.create", create("web", COMPOSE));
        String before = c.result("app.get_instance", "web").at("/active_workloads/container_details/0/id").asText();
        Map<String, Object> next = Map.of("services", Map.of("api", Map.of("image", "traefik:3")));
        JsonNode end = runJob("app.update", "web", Map.of("custom_compose_config", next));
        assertThat(end.get("state").asText()).isEqualTo("SUCCESS");
        assertThat(end.get("progress").get("description").asText()).isEqualTo("Update completed for 'web'");
        assertThat(c.result("app.config", "web")).isEqualTo(WireClient.JSON.valueToTree(next));
        JsonNode after = c.result("app.get_instance", "web").at("/active_workloads/container_details/0");
        assertThat(after.get("id").asText()).isNotEqualTo(before);
        assertThat(after.get("service_name").asText()).isEqualTo("api");

        runJob("app.stop", "web");
        runJob("app.update", "web", Map.of("custom_compose_config", COMPOSE));
        JsonNode stopped = c.result("app.get_instance", "web");
        assertThat(stopped.get("state").asText()).isEqualTo("STOPPED");
        assertThat(stopped.at("/active_workloads/containers").asInt()).isZero();
        assertThat(c.result("app.config", "web").at("/services/web/image").asText()).isEqualTo("nginx:1.27");

        JsonNode extra = runJob("app.update", "web", Map.of("custom_compose_config", COMPOSE, "bogus", true));
        assertThat(extra.at("/exc_info/extra").toString()).isEqualTo("[[\"update.bogus\",\"Extra inputs are not permitted\",22]]");
        JsonNode empty = runJob("app.update", "web", Map.of());
        assertThat(empty.at("/exc_info/extra").toString())
                .isEqualTo("[[\"app_update.custom_compose_config\",\"This field is required\",22]]");
    }

    @Test
    void stopSendsStoppingThenStoppedAndStartBringsNewContainers() {
        runJob("app.create", create("web", COMPOSE));
        await().atMost(Duration.ofSeconds(10)).until(() -> "RUNNING".equals(emulator.apps().state("web")));
        String before = emulator.apps().get("web").orElseThrow().containerIds().get(0);
        long stop = c.result("app.stop", "web").asLong();
        JsonNode stopping = appEvent("web", "changed");
        while (!stopping.at("/fields/state").asText().equals("STOPPING")) {
            stopping = appEvent("web", "changed");
        }
        assertThat(stopping.at("/fields/active_workloads/containers").asInt()).isZero();
        assertThat(c.awaitJobEnd(stop).get("state").asText()).isEqualTo("SUCCESS");
        JsonNode stopped = appEvent("web", "changed");
        assertThat(stopped.at("/fields/state").asText()).isEqualTo("STOPPED");
        assertThat(stopped.at("/fields/active_workloads/container_details").size()).isZero();
        assertThat(c.result("app.container_ids", "web", Map.of("alive_only", false)).size()).isZero();

        assertThat(runJob("app.start", "web").get("state").asText()).isEqualTo("SUCCESS");
        await().atMost(Duration.ofSeconds(10)).until(() -> "RUNNING".equals(emulator.apps().state("web")));
        assertThat(emulator.apps().get("web").orElseThrow().containerIds()).doesNotContain(before);
    }

    @Test
    void deleteRemovesTheAppAndSendsRemoved() {
        runJob("app.create", create("web", COMPOSE));
        JsonNode end = runJob("app.delete", "web", Map.of("remove_images", false, "force_remove_custom_app", false));
        assertThat(end.get("result").asBoolean()).isTrue();
        assertThat(end.at("/progress/description").asText()).isEqualTo("Deleted 'web' app");
        JsonNode removed = appEvent("web", "removed");
        assertThat(removed.has("fields")).isFalse();
        assertThat(c.result("app.query").size()).isZero();
        JsonNode bad = runJob("app.delete", "web", Map.of("purge", true));
        assertThat(bad.at("/exc_info/extra").toString()).isEqualTo("[[\"options.purge\",\"Extra inputs are not permitted\",22]]");
    }

    @Test
    void redeployAndPullImagesRecreateContainers() {
        runJob("app.create", create("web", COMPOSE));
        String before = emulator.apps().get("web").orElseThrow().containerIds().get(0);
        JsonNode redeploy = runJob("app.redeploy", "web");
        assertThat(redeploy.at("/progress/description").asText()).isEqualTo("Redeployment completed for 'web'");
        String afterRedeploy = emulator.apps().get("web").orElseThrow().containerIds().get(0);
        assertThat(afterRedeploy).isNotEqualTo(before);
        assertThat(runJob("app.pull_images", "web", Map.of("redeploy", true)).get("state").asText()).isEqualTo("SUCCESS");
        assertThat(emulator.apps().get("web").orElseThrow().containerIds().get(0)).isNotEqualTo(afterRedeploy);
        assertThat(c.result("core.get_jobs", List.of(List.of("method", "=", "app.redeploy")), Map.of("count", true)).asInt())
                .isEqualTo(2);
    }

    @Test
    void queryFiltersAndOptionsWork() {
        runJob("app.create", create("alpha", COMPOSE));
        runJob("app.create", create("beta", Map.of("services", Map.of("s", Map.of("image", "redis:7")))));
        runJob("app.create", create("gamma", Map.of("services", Map.of("s", Map.of("image", "redis:7")))));
        runJob("app.stop", "gamma");
        assertThat(names(c.result("app.query", List.of(List.of("name", "^", "al"))))).containsExactly("alpha");
        assertThat(names(c.result("app.query", List.of(List.of("name", "$", "ta"))))).containsExactly("beta");
        assertThat(names(c.result("app.query", List.of(List.of("name", "~", "^(a|g)"))))).containsExactly("alpha", "gamma");
        assertThat(names(c.result("app.query", List.of(List.of("name", "in", List.of("beta", "gamma")))))).containsExactly("beta", "gamma");
        assertThat(names(c.result("app.query", List.of(List.of("name", "!=", "beta"))))).containsExactly("alpha", "gamma");
        assertThat(names(c.result("app.query", List.of(List.of("state", "=", "STOPPED"))))).containsExactly("gamma");
        assertThat(names(c.result("app.query", List.of(), Map.of("order_by", List.of("-name"), "limit", 2))))
                .containsExactly("gamma", "beta");
        assertThat(names(c.result("app.query", List.of(), Map.of("offset", 1)))).containsExactly("beta", "gamma");
        assertThat(c.result("app.query", List.of(), Map.of("count", true)).asInt()).isEqualTo(3);
        JsonNode one = c.result("app.query", List.of(List.of("name", "=", "beta")), Map.of("get", true, "select", List.of("name", "state")));
        assertThat(one.size()).isEqualTo(2);
        assertThat(one.get("name").asText()).isEqualTo("beta");
    }

    static List<String> names(JsonNode rows) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.get("name").asText()));
        return out;
    }

    @Test
    void jobsWithTheSameLockQueueAndAFullQueueReturnsTheLastQueuedJob() {
        runJob("app.create", create("web", COMPOSE));
        emulator.faults().jobStepDelay(Duration.ofMillis(400));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(c.result("app.update", "web", Map.of("custom_compose_config", COMPOSE)).asLong());
        }
        emulator.faults().jobStepDelay(null);
        // One runs, five wait; the seventh call joins the last waiting job.
        assertThat(ids.subList(0, 6)).doesNotHaveDuplicates();
        assertThat(ids.get(6)).isEqualTo(ids.get(5));
        JsonNode waiting = c.result("core.get_jobs", List.of(List.of("method", "=", "app.update"),
                List.of("state", "=", "WAITING")));
        assertThat(waiting.size()).isEqualTo(5);
        for (long id : new java.util.LinkedHashSet<>(ids)) {
            assertThat(c.awaitJobEnd(id).get("state").asText()).isEqualTo("SUCCESS");
        }
    }

    @Test
    void abortingAWaitingJobMarksItAborted() {
        runJob("app.create", create("web", COMPOSE));
        emulator.faults().jobStepDelay(Duration.ofMillis(300));
        long first = c.result("app.update", "web", Map.of("custom_compose_config", COMPOSE)).asLong();
        long second = c.result("app.update", "web", Map.of("custom_compose_config", COMPOSE)).asLong();
        assertThat(c.result("core.job_abort", second).isNull()).isTrue();
        JsonNode aborted = c.awaitJobEnd(second);
        assertThat(aborted.get("state").asText()).isEqualTo("ABORTED");
        assertThat(aborted.get("exc_info").isNull()).isTrue();
        assertThat(c.awaitJobEnd(first).get("state").asText()).isEqualTo("SUCCESS");
    }

    @Test
    void jobMethodCalledWithoutArgumentsFailsAtCallTime() {
        JsonNode response = c.call("app.update");
        assertThat(response.at("/error/code").asInt()).isEqualTo(-32001);
        assertThat(response.at("/error/data/reason").asText())
                .isEqualTo("[EINVAL] Error handling job lock. This is most likely caused by invalid call arguments.");
    }

    @Test
    void uiEditChangesTheStoredComposeButNotTheContainers() {
        runJob("app.create", create("web", COMPOSE));
        List<String> containers = emulator.apps().get("web").orElseThrow().containerIds();
        emulator.apps().uiEdit("web", Map.of("services", Map.of("web", Map.of("image", "nginx:edited"))));
        assertThat(c.result("app.config", "web").at("/services/web/image").asText()).isEqualTo("nginx:edited");
        assertThat(c.result("app.config", "web").has("x-truenas-gitops")).isFalse();
        assertThat(emulator.apps().get("web").orElseThrow().containerIds()).isEqualTo(containers);
        emulator.apps().put("legacy", Map.of("services", Map.of("db", Map.of("image", "postgres:16"))), "RUNNING");
        assertThat(c.result("app.get_instance", "legacy").get("state").asText()).isEqualTo("RUNNING");
        assertThat(emulator.calls().count("app.create")).isEqualTo(1);
        assertThat(emulator.calls().writes()).isEqualTo(1);
    }
}
