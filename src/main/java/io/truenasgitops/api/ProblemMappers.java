package io.truenasgitops.api;

import io.truenasgitops.git.GitSourceException;
import io.truenasgitops.truenas.InvalidSettingsException;
import io.truenasgitops.truenas.TrueNasException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every error of the REST surfaces into an {@code application/problem+json} response (RFC 9457):
 * our own {@link ApiProblem}s, JAX-RS errors (unknown path, wrong method, unreadable JSON), NAS errors, and
 * anything unexpected (logged here once, answered without internals).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem problem, UriInfo uri) {
        Response.ResponseBuilder response = Response.status(problem.status())
                .type(ProblemDetail.MEDIA_TYPE)
                .entity(new ProblemDetail(problem.type(), problem.title(), problem.status(), problem.detail(), path(uri)));
        problem.headers().forEach(response::header);
        return response.build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        Response.StatusType info = Response.Status.fromStatusCode(status);
        String title = info == null ? "HTTP " + status : info.getReasonPhrase();
        String detail = switch (status) {
            case 404 -> "there is no resource at this path; see /q/openapi for the API";
            case 405 -> "this method is not allowed here; see /q/openapi for the API";
            case 415 -> "unsupported content type: send application/json";
            default -> e.getMessage();
        };
        Response.ResponseBuilder response = Response.status(status)
                .type(ProblemDetail.MEDIA_TYPE)
                .entity(new ProblemDetail("about:blank", title, status, detail, path(uri)));
        e.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> response.header(name, v));
            }
        });
        return response.build();
    }

    @ServerExceptionMapper
    public Response notConfigured(InvalidSettingsException e, UriInfo uri) {
        return problem(503, "not-configured", "The daemon is not configured", e.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response gitSource(GitSourceException e, UriInfo uri) {
        // GitSourceException messages name the source without credentials.
        return problem(503, "git-source-unavailable", "The Git source is unavailable", e.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response trueNas(TrueNasException e, UriInfo uri) {
        // Client messages never contain credentials (see TrueNasException), so they can be shown.
        boolean unreachable = e.isConnectionOrAuthProblem() || e.isRetryable();
        int status = unreachable ? 503 : 502;
        String slug = unreachable ? "nas-unavailable" : "nas-error";
        String title = unreachable ? "The NAS is unavailable" : "The NAS refused the request";
        return Response.status(status)
                .type(ProblemDetail.MEDIA_TYPE)
                .entity(new ProblemDetail(ApiProblem.TYPE_BASE + slug, title, status, e.getMessage(), path(uri)))
                .build();
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        LOG.errorf(e, "unexpected error answering %s", path(uri));
        return Response.status(500)
                .type(ProblemDetail.MEDIA_TYPE)
                .entity(new ProblemDetail("about:blank", "Internal Server Error", 500,
                        "the daemon failed unexpectedly; the details are in its log", path(uri)))
                .build();
    }

    private static Response problem(int status, String slug, String title, String detail, UriInfo uri) {
        return Response.status(status)
                .type(ProblemDetail.MEDIA_TYPE)
                .entity(new ProblemDetail(ApiProblem.TYPE_BASE + slug, title, status, detail, path(uri)))
                .build();
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : "/" + uri.getPath().replaceFirst("^/", "");
    }
}
