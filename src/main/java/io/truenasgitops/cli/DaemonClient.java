package io.truenasgitops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.truenasgitops.api.V1;
import java.util.List;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The CLI's side of a running daemon's REST API ({@code /api/v1}): what {@code status} and {@code sync --server}
 * ask. Failures carry the exit code they mean: 3 when the daemon cannot be reached or says the NAS cannot,
 * 2 for a request the daemon refuses (token, unknown stack, Git source down), 1 otherwise.
 */
final class DaemonClient {

    /** A request that failed, with the message to print and the exit code it means. */
    static final class Failure extends RuntimeException {
        private final int exitCode;

        Failure(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }

        /** Prints this failure as the command's one error line and answers the exit code it calls for. */
        int report(java.io.PrintWriter err) {
            err.println("error: " + getMessage());
            err.flush();
            return exitCode;
        }
    }

    /** Reads the daemon's documents as the REST API writes them (ISO times); fields a newer daemon adds are skipped. */
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** A pass with ?wait=true may deploy for as long as its health gate allows. */
    private static final Duration SYNC_TIMEOUT = Duration.ofHours(1);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final URI server;
    private final String token;
    private final HttpClient http;

    DaemonClient(URI server, String token) {
        this(server, token, Duration.ofSeconds(10));
    }

    /** A client whose connection attempts give up after {@code connectTimeout} (completion: a TAB must not hang). */
    DaemonClient(URI server, String token, Duration connectTimeout) {
        this.server = server;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
    }

    /** {@code GET /api/v1/stacks}: the status of every stack, as the daemon shows it. */
    JsonNode stacks() {
        return stacks(READ_TIMEOUT);
    }

    /** {@code GET /api/v1/stacks}, waiting at most {@code timeout} for the answer. */
    JsonNode stacks(Duration timeout) {
        return send("GET", "/api/v1/stacks", timeout);
    }

    /** {@code GET /api/v1/plan}: what the daemon's next pass would do. */
    V1.Plan plan() {
        return read("GET", "/api/v1/plan", READ_TIMEOUT, V1.Plan.class);
    }

    /**
     * {@code POST /api/v1/sync?wait=B}: a pass over every stack; with names, {@code POST
     * /api/v1/stacks/NAME/sync} for one, {@code POST /api/v1/sync?stack=A&stack=B} for several (drift
     * reverted, stalled retried, as a human asking).
     */
    V1.Sync sync(List<String> stacks, boolean wait) {
        String path = stacks.size() == 1 ? "/api/v1/stacks/" + encode(stacks.get(0)) + "/sync?wait=" + wait
                : "/api/v1/sync?wait=" + wait + stacks.stream().map(s -> "&stack=" + encode(s)).reduce("", String::concat);
        return read("POST", path, wait ? SYNC_TIMEOUT : READ_TIMEOUT, V1.Sync.class);
    }

    private <T> T read(String method, String path, Duration timeout, Class<T> type) {
        JsonNode body = send(method, path, timeout);
        try {
            return JSON.treeToValue(body, type);
        } catch (IOException e) {
            throw new Failure(ExitCodes.FAILED, "the daemon at " + server + " answered " + method + " " + path
                    + " with a document this CLI cannot read (" + e.getMessage().lines().findFirst().orElse("")
                    + "): is the daemon of another version?");
        }
    }

    /** {@code GET /api/v1/stacks/NAME/rollback?to=REV}: what a rollback would do. */
    JsonNode rollbackPlan(String name, String revision) {
        return send("GET", "/api/v1/stacks/" + encode(name) + "/rollback?to=" + encode(revision), READ_TIMEOUT);
    }

    /** {@code POST /api/v1/stacks/NAME/rollback?to=REV&destroyNewer=B}: the rollback, to its end. */
    JsonNode rollback(String name, String revision, boolean destroyNewer) {
        return send("POST", "/api/v1/stacks/" + encode(name) + "/rollback?to=" + encode(revision) + "&destroyNewer="
                + destroyNewer, SYNC_TIMEOUT);
    }

    /** {@code POST /api/v1/stacks/NAME/suspend}: passes leave the stack alone until it is resumed. */
    JsonNode suspend(String name) {
        return send("POST", "/api/v1/stacks/" + encode(name) + "/suspend", READ_TIMEOUT);
    }

    /** {@code POST /api/v1/stacks/NAME/resume}: lifts a runtime suspension (also a rollback's). */
    JsonNode resume(String name) {
        return send("POST", "/api/v1/stacks/" + encode(name) + "/resume", READ_TIMEOUT);
    }

    /** {@code GET /api/v1/stacks/NAME/history?limit=N}: the stack's applies, failures and rollbacks, newest first. */
    JsonNode history(String name, int limit) {
        return send("GET", "/api/v1/stacks/" + encode(name) + "/history?limit=" + limit, READ_TIMEOUT);
    }

    /** {@code GET /api/v1/mode}: sync or report. */
    JsonNode mode() {
        return send("GET", "/api/v1/mode", READ_TIMEOUT);
    }

    /** {@code PUT /api/v1/mode} with {@code {"mode": MODE}}: switches the daemon's mode from its next pass on. */
    JsonNode setMode(String mode) {
        return send("PUT", "/api/v1/mode", READ_TIMEOUT,
                "{\"mode\":\"" + mode + "\"}"); // mode is sync or report, checked by the caller
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Where the daemon is, for messages. */
    String describe() {
        return server.toString();
    }

    private JsonNode send(String method, String path, Duration timeout) {
        return send(method, path, timeout, null);
    }

    private JsonNode send(String method, String path, Duration timeout, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path)).timeout(timeout)
                .header("Accept", "application/json")
                // the daemon's history tells the CLI's requests from other REST clients by this
                .header("User-Agent", io.truenasgitops.api.ApiV1Resource.CLI_USER_AGENT)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Failure(ExitCodes.CONNECTION, "cannot reach the daemon at " + server + " (" + method + " " + path
                    + "): connection refused; check --server (or TRUENAS_GITOPS_SERVER) and that serve or demo runs");
        } catch (HttpTimeoutException e) {
            throw new Failure(ExitCodes.CONNECTION, "the daemon at " + server + " did not answer " + method + " " + path
                    + " within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new Failure(ExitCodes.CONNECTION, "cannot reach the daemon at " + server + " (" + method + " " + path
                    + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(ExitCodes.FAILED, "interrupted while waiting for the daemon at " + server);
        }
        JsonNode body = parse(response.body());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            if (body == null) {
                throw new Failure(ExitCodes.FAILED, "the daemon at " + server + " answered " + method + " " + path
                        + " with something that is not JSON: is --server the daemon's REST API?");
            }
            return body;
        }
        String detail = body == null ? "" : body.path("detail").asText("");
        String problem = body == null ? "" : body.path("type").asText("");
        String slug = problem.substring(problem.lastIndexOf('/') + 1);
        String why = "the daemon at " + server + " refused " + method + " " + path + " (" + status
                + (slug.isEmpty() ? "" : " " + slug) + ")" + (detail.isEmpty() ? "" : ": " + detail);
        int code = switch (status) {
            case 400, 401, 403, 404 -> ExitCodes.USAGE;
            case 503 -> "nas-unavailable".equals(slug) ? ExitCodes.CONNECTION : ExitCodes.USAGE;
            default -> ExitCodes.FAILED;
        };
        if (status == 401 || status == 403) {
            why += "; give the daemon's API token with --api-token-file (or TRUENAS_GITOPS_API_TOKEN_FILE)";
        }
        throw new Failure(code, why);
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
