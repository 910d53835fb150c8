package io.truenasgitops.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Where a running daemon is and its API token ({@code @Mixin}), for the commands that ask a daemon instead of
 * the NAS. The token comes from a file or the environment, never from a flag's value.
 */
public class DaemonOptions {

    /** The daemon of {@code serve} and {@code demo} on this machine. */
    static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

    @Option(names = "--server", paramLabel = "URL",
            description = "The daemon's base URL (its REST API, /api/v1). Env: TRUENAS_GITOPS_SERVER; default " + DEFAULT_SERVER
                    + ".")
    String server;

    @Option(names = "--api-token-file", paramLabel = "FILE", description = {
        "File holding the daemon's API token (truenas-gitops.api.token-file of the daemon). Env:"
                + " TRUENAS_GITOPS_API_TOKEN_FILE, or the token itself in TRUENAS_GITOPS_API_TOKEN."})
    Path apiTokenFile;

    /** Where environment variables come from; tests replace it. */
    static Function<String, String> environment = System::getenv;

    /** Whether {@code --server} was given on the command line. */
    boolean serverGiven() {
        return server != null && !server.isBlank();
    }

    /** The daemon's base URL: the flag, else TRUENAS_GITOPS_SERVER, else {@value #DEFAULT_SERVER}. */
    URI server() {
        String value = serverGiven() ? server : env("TRUENAS_GITOPS_SERVER");
        String url = value == null ? DEFAULT_SERVER : value.strip();
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--server " + url + " is not a URL: give http(s)://HOST:PORT of the daemon");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new UsageException("--server " + url + " is not an http(s) URL: give http(s)://HOST:PORT of the daemon");
        }
        return uri;
    }

    /** The API token, or null when none is given. Never printed. */
    String token() {
        Path file = apiTokenFile != null ? apiTokenFile
                : env("TRUENAS_GITOPS_API_TOKEN_FILE") == null ? null : Path.of(env("TRUENAS_GITOPS_API_TOKEN_FILE").strip());
        if (file != null) {
            try {
                String value = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (value.isEmpty()) {
                    throw new UsageException("the API token file " + file + " (--api-token-file) is empty");
                }
                return value;
            } catch (IOException e) {
                throw new UsageException("cannot read the API token file " + file + " (--api-token-file): "
                        + e.getMessage());
            }
        }
        String value = env("TRUENAS_GITOPS_API_TOKEN");
        return value == null ? null : value.strip();
    }

    private static String env(String name) {
        String value = environment.apply(name);
        return value == null || value.isBlank() ? null : value;
    }
}
