package io.truenasgitops.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Registry user names and passwords (or tokens), read from a file in Docker's {@code config.json} form
 * ({@code {"auths": {"ghcr.io": {"auth": base64("user:token")}}}}, or {@code username} and {@code password}), the file
 * {@code docker login} writes. Never printed: {@link #toString()} names the registries only.
 */
public final class RegistryCredentials {

    /** One registry's login. */
    public record Login(String username, String password) {
        @Override
        public String toString() {
            return "Login[" + username + ", ***]";
        }
    }

    private final Map<String, Login> byRegistry;

    private RegistryCredentials(Map<String, Login> byRegistry) {
        this.byRegistry = Map.copyOf(byRegistry);
    }

    /** No credentials: public images only. */
    public static RegistryCredentials none() {
        return new RegistryCredentials(Map.of());
    }

    /** Given logins by registry host. */
    public static RegistryCredentials of(Map<String, Login> byRegistry) {
        Map<String, Login> normalised = new LinkedHashMap<>();
        byRegistry.forEach((k, v) -> normalised.put(host(k), v));
        return new RegistryCredentials(normalised);
    }

    /**
     * Reads a Docker config file.
     *
     * @throws IOException when it cannot be read, or names the file and the entry that is wrong (never its value)
     */
    public static RegistryCredentials read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("registry credentials " + file + " are not JSON in Docker's config.json form"
                    + " ({\"auths\": {\"REGISTRY\": {\"auth\": \"base64 of user:password\"}}})");
        }
        Map<String, Login> out = new LinkedHashMap<>();
        JsonNode auths = root == null ? null : root.get("auths");
        if (auths == null || !auths.isObject()) {
            throw new IOException("registry credentials " + file + " have no \"auths\" object (Docker's config.json"
                    + " form; a credential helper's \"credsStore\" is not read: put the logins in \"auths\")");
        }
        for (var it = auths.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode entry = e.getValue();
            String user = text(entry, "username");
            String password = text(entry, "password");
            String auth = text(entry, "auth");
            if (auth != null && !auth.isEmpty()) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException bad) {
                    throw new IOException("registry credentials " + file + ": the \"auth\" of " + e.getKey()
                            + " is not base64 of user:password");
                }
                int colon = decoded.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("registry credentials " + file + ": the \"auth\" of " + e.getKey()
                            + " is not base64 of user:password");
                }
                user = decoded.substring(0, colon);
                password = decoded.substring(colon + 1);
            }
            if (user != null && password != null) {
                out.put(host(e.getKey()), new Login(user, password));
            }
        }
        return new RegistryCredentials(out);
    }

    /** The login for a registry host as references write it ({@code docker.io} for Docker Hub). */
    public Optional<Login> forRegistry(String registry) {
        return Optional.ofNullable(byRegistry.get(host(registry)));
    }

    /** Docker writes Docker Hub as {@code https://index.docker.io/v1/}; other hosts with or without a scheme. */
    private static String host(String key) {
        String h = key.replaceFirst("^https?://", "");
        int slash = h.indexOf('/');
        if (slash >= 0) {
            h = h.substring(0, slash);
        }
        return ImageRef.registryName(h);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    @Override
    public String toString() {
        return "RegistryCredentials" + byRegistry.keySet();
    }
}
