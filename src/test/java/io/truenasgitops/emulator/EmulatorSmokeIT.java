package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmulatorSmokeIT {
    @Test
    void createsAnAppThroughAJobOverTls() {
        try (TrueNasEmulator emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
                WireClient c = WireClient.connect(emulator, emulator.url())) {
            c.loginRpc(emulator);
            c.subscribeRpc("core.get_jobs");
            long id = c.result("app.create", Map.of("app_name", "web", "custom_app", true,
                    "custom_compose_config", Map.of("services", Map.of("nginx", Map.of("image", "nginx:1.27", "ports", java.util.List.of("8080:80")))))).asLong();
            JsonNode job = c.awaitJobEnd(id);
            assertThat(job.path("state").asText()).isEqualTo("SUCCESS");
            assertThat(c.result("app.query").get(0).path("name").asText()).isEqualTo("web");
        }
    }
}
