package io.truenasgitops.web;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.truenasgitops.api.ApiProblem;
import io.truenasgitops.api.BearerAuth;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The status page: {@code /} (every stack, the Git source, the NAS targets, recent events) and {@code
 * /stacks/{name}} (one stack, with what differs from Git). Read-only and complete without JavaScript; a little
 * script ({@code /status-page/status.js}) adds live updates from {@code /status-page/stream} and the "sync now"
 * button, which calls {@code POST /api/v1/sync} with the API token kept in the tab's sessionStorage. Not part
 * of the OpenAPI document: that describes the API.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class StatusPage {

    /** How often the live-update stream looks for a change. */
    static final Duration STREAM_TICK = Duration.ofSeconds(1);

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance overview(Views.Overview page);

        static native TemplateInstance stack(Views.StackPage page);

        static native TemplateInstance signIn(Views.SignIn page);

        static native TemplateInstance notFound(String name);
    }

    @Inject
    StatusData data;

    @Inject
    PageAccess access;

    @GET
    @Operation(hidden = true)
    public Response overview(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @CookieParam(PageAccess.COOKIE) String session) {
        BearerAuth.Decision decision = access.read(authorization, session);
        if (decision != BearerAuth.Decision.ALLOWED) {
            return signInPage(decision, "/", null);
        }
        return page(Templates.overview(data.overview(signedIn(session))), 200);
    }

    @GET
    @Path("stacks/{name}")
    @Operation(hidden = true)
    public Response stack(@PathParam("name") String name, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @CookieParam(PageAccess.COOKIE) String session) {
        BearerAuth.Decision decision = access.read(authorization, session);
        if (decision != BearerAuth.Decision.ALLOWED) {
            return signInPage(decision, "/stacks/" + name, null);
        }
        try {
            return page(Templates.stack(data.stack(name, signedIn(session))), 200);
        } catch (ApiProblem e) {
            if (e.status() != 404) {
                throw e;
            }
            return page(Templates.notFound(name), 404);
        }
    }

    @GET
    @Path("status-page/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Blocking
    @Operation(hidden = true)
    public Multi<String> stream(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @CookieParam(PageAccess.COOKIE) String session) {
        BearerAuth.Decision decision = access.read(authorization, session);
        if (decision != BearerAuth.Decision.ALLOWED) {
            throw BearerAuth.problem(decision);
        }
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(STREAM_TICK)
                .onOverflow().drop()
                .map(tick -> data.version())
                .skip().repetitions();
    }

    @POST
    @Path("sign-in")
    @Operation(hidden = true)
    public Response signIn(@FormParam("token") String token, @FormParam("next") String next) {
        String target = safeNext(next);
        BearerAuth.Decision decision = access.signIn(token == null ? null : token.strip());
        if (decision != BearerAuth.Decision.ALLOWED) {
            return signInPage(decision, target, decision == BearerAuth.Decision.MISSING
                    ? "enter the API token" : BearerAuth.problem(decision).getMessage());
        }
        return Response.seeOther(URI.create(target)).cookie(access.sessionCookie()).build();
    }

    @POST
    @Path("sign-out")
    @Operation(hidden = true)
    public Response signOut(@CookieParam(PageAccess.COOKIE) String session) {
        return Response.seeOther(URI.create("/")).cookie(access.endedSession(session)).build();
    }

    private Response signInPage(BearerAuth.Decision decision, String next, String error) {
        String shown = error;
        if (shown == null && decision == BearerAuth.Decision.NOT_CONFIGURED) {
            shown = BearerAuth.problem(decision).getMessage();
        }
        int status = decision == BearerAuth.Decision.MISSING ? 401 : 403;
        return page(Templates.signIn(new Views.SignIn(next, shown)), status);
    }

    private boolean signedIn(String session) {
        return access.signInRequired() && session != null && !session.isBlank();
    }

    private static Response page(TemplateInstance page, int status) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("Cache-Control", "no-store")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "same-origin")
                .header("Content-Security-Policy", "default-src 'self'; object-src 'none'; base-uri 'none';"
                        + " frame-ancestors 'none'; form-action 'self'")
                .entity(page.render())
                .build();
    }

    /** Where to go after signing in: a path of this page only, never another site. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
                || next.chars().anyMatch(Character::isISOControl)) {
            return "/";
        }
        return next;
    }
}
