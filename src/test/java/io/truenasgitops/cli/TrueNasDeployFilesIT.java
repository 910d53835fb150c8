package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose files that install the daemon on TrueNAS itself (deploy/truenas/): valid for TrueNAS by the
 * project's own {@code validate}, protecting their own app, and mode (b) wired to the middleware's socket.
 */
@QuarkusMainTest
class TrueNasDeployFilesIT {

    static final Path DEPLOY = Path.of("deploy/truenas");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"compose.yaml", "compose-unix-socket.yaml"})
    void theFileIsAValidTrueNasAppThatNeverManagesItself(String file, QuarkusMainLauncher launcher) throws Exception {
        Path stack = tmp.resolve("stacks/truenas-gitops/compose.yaml");
        Files.createDirectories(stack.getParent());
        Files.copy(DEPLOY.resolve(file), stack);

        LaunchResult r = launcher.launch("validate", tmp.toString());

        assertThat(r.exitCode()).as(r.getOutput() + r.getErrorOutput()).isZero();
        assertThat(CliOutput.lines(r)).containsExactly("ok: 1 stack checked, 1 valid, 0 invalid; 0 errors, 0 warnings");
        assertThat(environment(file)).containsEntry("TRUENAS_GITOPS_RECONCILE_SELF_APP_NAME", "truenas-gitops");
    }

    @Test
    void modeBReachesTheMiddlewareSocketThroughAMountedDirectoryWithoutAnyKey() throws Exception {
        Map<String, Object> service = service("compose-unix-socket.yaml");
        Map<String, Object> env = environment("compose-unix-socket.yaml");
        String url = (String) env.get("TRUENAS_URL");
        assertThat(url).isEqualTo("ws+unix:///var/run/middleware/middlewared.sock");
        String socketDir = Path.of(url.substring("ws+unix://".length())).getParent().toString();
        @SuppressWarnings("unchecked")
        List<String> volumes = (List<String>) service.get("volumes");
        // The directory is mounted, not the socket file: a file mount goes stale when the middleware restarts.
        assertThat(volumes).anyMatch(v -> v.startsWith(socketDir + ":" + socketDir));
        assertThat(volumes).noneMatch(v -> v.startsWith(url.substring("ws+unix://".length())));
        assertThat(env).doesNotContainKeys("TRUENAS_API_KEY", "TRUENAS_API_KEY_FILE", "TRUENAS_TLS_FINGERPRINT");
        assertThat(service.get("user")).as("the uid decides the rights on the NAS: it must be chosen").isNotNull();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> service(String file) throws Exception {
        Map<String, Object> doc = new Yaml().load(Files.readString(DEPLOY.resolve(file)));
        return (Map<String, Object>) ((Map<String, Object>) doc.get("services")).get("truenas-gitops");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> environment(String file) throws Exception {
        return (Map<String, Object>) service(file).get("environment");
    }
}
