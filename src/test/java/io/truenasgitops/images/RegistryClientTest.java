package io.truenasgitops.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a registry written from the Registry HTTP API v2 and Docker's token authentication documents
 * (docs.docker.com "Token authentication specification": a 401 with {@code WWW-Authenticate: Bearer realm, service,
 * scope}, a token from the realm, the request again with {@code Authorization: Bearer}), on 127.0.0.1.
 */
class RegistryClientTest {

    private HttpServer server;
    private String host;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String requiredLogin;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        host = "127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/token", this::token);
        server.createContext("/v2/", this::v2);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void token(HttpExchange ex) throws IOException {
        requests.add("token " + ex.getRequestURI().getQuery());
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (requiredLogin != null && !("Basic " + Base64.getEncoder().encodeToString(
                requiredLogin.getBytes(StandardCharsets.UTF_8))).equals(auth)) {
            reply(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}", Map.of());
            return;
        }
        reply(ex, 200, "{\"token\":\"tok-123\",\"expires_in\":300}", Map.of());
    }

    private void v2(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getQuery();
        requests.add("v2 " + path + "?" + query);
        if (!"Bearer tok-123".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            reply(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}", Map.of("WWW-Authenticate",
                    "Bearer realm=\"http://" + host + "/token\",service=\"test-registry\",scope=\"repository:"
                    + path.replace("/v2/", "").replace("/tags/list", "") + ":pull\""));
            return;
        }
        if (path.equals("/v2/team/app/tags/list")) {
            if (query != null && query.contains("last=1.1.0")) {
                reply(ex, 200, "{\"name\":\"team/app\",\"tags\":[\"1.2.0\",\"2.0.0-rc.1\"]}", Map.of());
            } else {
                reply(ex, 200, "{\"name\":\"team/app\",\"tags\":[\"1.0.0\",\"1.1.0\"]}",
                        Map.of("Link", "</v2/team/app/tags/list?n=1000&last=1.1.0>; rel=\"next\""));
            }
        } else {
            reply(ex, 404, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\"}]}", Map.of());
        }
    }

    private static void reply(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private RegistryClient client(RegistryCredentials credentials) {
        return new RegistryClient(credentials, Duration.ofSeconds(10));
    }

    @Test
    void tagsAreListedThroughATokenAndEveryPage() throws Exception {
        List<String> tags = client(RegistryCredentials.none()).tags(ImageRef.parse(host + "/team/app:1.0.0").orElseThrow());
        assertThat(tags).containsExactly("1.0.0", "1.1.0", "1.2.0", "2.0.0-rc.1");
        assertThat(requests).containsExactly("v2 /v2/team/app/tags/list?n=1000",
                "token service=test-registry&scope=repository:team/app:pull",
                "v2 /v2/team/app/tags/list?n=1000", "v2 /v2/team/app/tags/list?n=1000&last=1.1.0");
    }

    @Test
    void aLoginFromTheCredentialsFileIsSentToTheTokenServiceAndAWrongOneIsRefusedWithoutShowingIt() throws Exception {
        requiredLogin = "robot:s3cret-token";
        ImageRef ref = ImageRef.parse(host + "/team/app:1.0.0").orElseThrow();
        assertThat(client(RegistryCredentials.of(Map.of(host, new RegistryCredentials.Login("robot", "s3cret-token"))))
                .tags(ref)).hasSize(4);
        assertThatThrownBy(() -> client(RegistryCredentials.of(Map.of(host,
                new RegistryCredentials.Login("robot", "wrong-pass")))).tags(ref))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("refused the login of the registry credentials file")
                            .doesNotContain("wrong-pass").doesNotContain("robot");
                });
    }

    @Test
    void aMissingRepositorySaysWhichAndWhatToCheck() {
        assertThatThrownBy(() -> client(RegistryCredentials.none()).tags(ImageRef.parse(host + "/team/gone:1").orElseThrow()))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND);
                    assertThat(e.getMessage()).isEqualTo("registry " + host + "/team/gone has no such repository"
                            + " (HTTP 404): check the image name, or give a login if it is private");
                });
    }

    @Test
    void aTokenRealmOverPlainHttpOffThisMachineIsRefusedBeforeAnyLoginIsSent() throws IOException {
        server.removeContext("/v2/");
        server.createContext("/v2/", ex -> {
            requests.add("v2");
            reply(ex, 401, "{}", Map.of("WWW-Authenticate", "Bearer realm=\"http://192.0.2.1/token\",service=\"x\""));
        });
        assertThatThrownBy(() -> client(RegistryCredentials.of(Map.of(host, new RegistryCredentials.Login("u", "p"))))
                .tags(ImageRef.parse(host + "/team/app:1").orElseThrow()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.getMessage())
                        .contains("sends logins to http://192.0.2.1, which is not HTTPS: refused"));
        assertThat(requests).containsExactly("v2");
    }

    @Test
    void aRegistryThatAnswersNothingLikeTheApiIsSaidSo() throws IOException {
        server.removeContext("/v2/");
        server.createContext("/v2/", ex -> reply(ex, 200, "<html>hello</html>", Map.of()));
        assertThatThrownBy(() -> client(RegistryCredentials.none()).tags(ImageRef.parse(host + "/team/app:1").orElseThrow()))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.BAD_ANSWER);
                    assertThat(e.getMessage()).contains("answered something that is not the Registry API's JSON");
                });
    }

    @Test
    void loopbackIsToldByAddressAndNameWithoutALookupForOtherNames() {
        assertThat(RegistryClient.isLoopback("127.0.0.1:5000")).isTrue();
        assertThat(RegistryClient.isLoopback("localhost:5000")).isTrue();
        assertThat(RegistryClient.isLoopback("[::1]:5000")).isTrue();
        assertThat(RegistryClient.isLoopback("ghcr.io")).isFalse();
        assertThat(RegistryClient.isLoopback("10.0.0.5:5000")).isFalse();
    }
}
