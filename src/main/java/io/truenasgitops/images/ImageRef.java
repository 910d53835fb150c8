package io.truenasgitops.images;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image reference as compose's {@code image:} writes it, split the way Docker does: the first path component is a
 * registry host when it has a {@code .} or a {@code :} or is {@code localhost}, else the image is on Docker Hub
 * (whose one-component names live under {@code library/}).
 *
 * @param registry the registry host (and port) as written, {@code docker.io} for Docker Hub
 * @param repository the repository path in that registry ({@code library/nginx}, {@code linuxserver/jellyfin})
 * @param tag the tag, or null when there is none ({@code latest} is then implied)
 * @param digest the {@code sha256:...} digest, or null
 */
public record ImageRef(String registry, String repository, String tag, String digest) {

    /** Docker Hub as references name it. */
    public static final String DOCKER_HUB = "docker.io";

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Fa-f0-9]{32,}");

    /** The reference, or empty when it is not one (a variable, spaces, upper-case letters in the path). */
    public static Optional<ImageRef> parse(String image) {
        if (image == null || image.isBlank() || image.contains("$")) {
            return Optional.empty();
        }
        String rest = image;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                return Optional.empty();
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                return Optional.empty();
            }
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        registry = registryName(registry);
        for (String component : rest.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                return Optional.empty();
            }
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        return Optional.of(new ImageRef(registry, rest, tag, digest));
    }

    /**
     * A registry host as references name it: Docker Hub's other names ({@code index.docker.io},
     * {@code registry-1.docker.io}, {@code registry.hub.docker.com}) are {@link #DOCKER_HUB}.
     */
    public static String registryName(String host) {
        return switch (host) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> DOCKER_HUB;
            default -> host;
        };
    }

    /** The host the Registry HTTP API answers on ({@code registry-1.docker.io} for Docker Hub). */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    /** The tag, {@code latest} when none is written. */
    public String tagOrLatest() {
        return tag == null ? "latest" : tag;
    }
}
