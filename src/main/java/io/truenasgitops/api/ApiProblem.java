package io.truenasgitops.api;

import java.util.Map;

/**
 * An error the REST surfaces answer with an RFC 9457 {@code application/problem+json} body.
 *
 * <p>Thrown by resources and filters; {@link ProblemMappers} turns it into the response. The detail is
 * shown to the client, so it must never contain a secret.
 */
public class ApiProblem extends RuntimeException {

    /**
     * Base of our problem type URIs; the slug after it is documented in docs/operations.md. A tag URI
     * (RFC 4151, as RFC 9457 suggests for types that need not resolve) so no web page has to exist.
     */
    public static final String TYPE_BASE = "tag:truenas-gitops,2026:problem/";

    private final int status;
    private final String slug;
    private final String title;
    private final Map<String, String> headers;

    public ApiProblem(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, Map.of());
    }

    public ApiProblem(int status, String slug, String title, String detail, Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.headers = Map.copyOf(headers);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The problem type URI. */
    public String type() {
        return TYPE_BASE + slug;
    }

    /** A short summary that is the same for every occurrence of this type. */
    public String title() {
        return title;
    }

    /** What went wrong this time, and what to do. */
    public String detail() {
        return getMessage();
    }

    /** Extra response headers (e.g. {@code WWW-Authenticate}). */
    public Map<String, String> headers() {
        return headers;
    }

    public static ApiProblem notFound(String what, String detail) {
        return new ApiProblem(404, what + "-not-found", capitalise(what.replace('-', ' ')) + " not found", detail);
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "bad-request", "Bad request", detail);
    }

    public static ApiProblem conflict(String slug, String title, String detail) {
        return new ApiProblem(409, slug, title, detail);
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
