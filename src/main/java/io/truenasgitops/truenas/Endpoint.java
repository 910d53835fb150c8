package io.truenasgitops.truenas;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A parsed middleware URL: where to connect and, when the URL or the settings say so, which protocol to speak.
 *
 * @param tls whether the connection uses TLS ({@code wss}/{@code https})
 * @param host the host (null for a unix socket)
 * @param port the TCP port (-1 for a unix socket)
 * @param socketPath the unix socket path, or null for TCP
 * @param path the WebSocket path to use, or null when it is still to be probed
 * @param protocol the protocol, {@link Protocol#AUTO} while not yet probed
 */
record Endpoint(boolean tls, String host, int port, String socketPath, String path, Protocol protocol) {

    static final String JSONRPC_PATH = "/api/current";
    static final String LEGACY_PATH = "/websocket";
    private static final Pattern PINNED_VERSION = Pattern.compile("/api/v\\d+\\.\\d+(\\.\\d+)?");

    /** Parses {@code settings.url()} and reconciles it with {@code settings.protocol()}. */
    static Endpoint parse(String url, Protocol requested) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new InvalidSettingsException("invalid TrueNAS URL '" + url + "': " + e.getMessage()
                    + "; expected e.g. wss://nas.local or wss://nas.local/api/current");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String rawPath = uri.getPath() == null ? "" : uri.getPath();
        if (scheme.equals("ws+unix")) {
            if (rawPath.isEmpty()) {
                throw new InvalidSettingsException("invalid TrueNAS URL '" + url
                        + "': a unix socket URL needs a path, e.g. ws+unix:///var/run/middleware/middlewared.sock");
            }
            // The whole path names the socket file; the HTTP path follows from the protocol, probed like over TCP
            // (GET /api/versions is served on the socket too).
            return new Endpoint(false, null, -1, rawPath, pathOf(requested, null), requested);
        }
        boolean tls;
        switch (scheme) {
            case "wss", "https" -> tls = true;
            case "ws", "http" -> tls = false;
            default -> throw new InvalidSettingsException("invalid TrueNAS URL '" + url
                    + "': the scheme must be wss:// (or ws:// for loopback, ws+unix:// for the local socket)");
        }
        if (uri.getHost() == null) {
            throw new InvalidSettingsException("invalid TrueNAS URL '" + url + "': no host; expected e.g. wss://nas.local");
        }
        int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
        String path = rawPath.isEmpty() || rawPath.equals("/") ? null : stripTrailingSlash(rawPath);
        Protocol fromPath = null;
        if (path != null) {
            if (path.equals(LEGACY_PATH)) {
                fromPath = Protocol.LEGACY;
            } else if (path.equals(JSONRPC_PATH) || PINNED_VERSION.matcher(path).matches()) {
                fromPath = Protocol.JSONRPC;
            } else {
                throw new InvalidSettingsException("invalid TrueNAS URL '" + url + "': unknown path '" + path
                        + "'; use no path (automatic), /api/current, /api/vXX.YY.Z or /websocket");
            }
        }
        if (fromPath != null && requested != Protocol.AUTO && requested != fromPath) {
            throw new InvalidSettingsException("the TrueNAS URL '" + url + "' speaks " + fromPath
                    + " but the protocol setting asks for " + requested + ": drop one of them");
        }
        Protocol protocol = fromPath != null ? fromPath : requested;
        return new Endpoint(tls, uri.getHost(), port, null, pathOf(protocol, path), protocol);
    }

    private static String pathOf(Protocol protocol, String path) {
        if (path != null) {
            return path;
        }
        return switch (protocol) {
            case JSONRPC -> JSONRPC_PATH;
            case LEGACY -> LEGACY_PATH;
            case AUTO -> null;
        };
    }

    private static String stripTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** The same endpoint with the protocol decided. */
    Endpoint resolved(Protocol decided) {
        return new Endpoint(tls, host, port, socketPath, pathOf(decided, null), decided);
    }

    boolean isUnixSocket() {
        return socketPath != null;
    }

    /** Looks a host name up; a test passes its own. */
    interface Resolver {
        java.net.InetAddress[] resolve(String host) throws java.net.UnknownHostException;
    }

    /** The system's name resolution ({@code getaddrinfo}: hosts file, then DNS). */
    static final Resolver SYSTEM_RESOLVER = java.net.InetAddress::getAllByName;

    /**
     * Whether the peer is this machine as TrueNAS' {@code secure_transport} sees it: the unix socket, a literal
     * loopback address, or {@code localhost} / {@code *.localhost} when every address the name resolves to is a
     * loopback address (a tampered hosts file or a resolver that answers for it elsewhere makes it not loopback).
     * Other names are never looked up here (the decision must not leak to DNS) and are not loopback.
     */
    boolean isLoopback() {
        return isLoopback(SYSTEM_RESOLVER);
    }

    boolean isLoopback(Resolver resolver) {
        return isUnixSocket() || loopbackAddresses(resolver) != null;
    }

    /**
     * The loopback decision and the addresses it was made on, looked up once: {@code null} when the host is not
     * loopback (or for the unix socket, which has no address); an empty list for a literal loopback address (there
     * is nothing to look up, the connection goes to the literal); else every address {@code localhost} /
     * {@code *.localhost} resolved to, all of them loopback. A caller that connects must connect to exactly these
     * addresses: resolving the name again could answer elsewhere (DNS rebinding) after the check was passed.
     */
    java.util.List<java.net.InetAddress> loopbackAddresses(Resolver resolver) {
        if (isUnixSocket()) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("::1") || h.equals("0:0:0:0:0:0:0:1") || h.matches("127(\\.\\d{1,3}){3}")) {
            return java.util.List.of();
        }
        if (!h.equals("localhost") && !h.endsWith(".localhost")) {
            return null;
        }
        try {
            java.net.InetAddress[] all = resolver.resolve(h);
            if (all == null || all.length == 0
                    || !java.util.Arrays.stream(all).allMatch(a -> a != null && a.isLoopbackAddress())) {
                return null;
            }
            return java.util.List.of(all);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** Where the connection goes, for messages: never contains credentials. */
    String describe() {
        if (isUnixSocket()) {
            return "ws+unix://" + socketPath;
        }
        return (tls ? "wss://" : "ws://") + hostForUri() + ":" + port + (path == null ? "" : path);
    }

    String hostForUri() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
