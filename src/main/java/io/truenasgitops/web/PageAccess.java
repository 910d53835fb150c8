package io.truenasgitops.web;

import io.truenasgitops.api.AuthFilter;
import io.truenasgitops.api.BearerAuth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.NewCookie;

/**
 * Who may read the status page: everybody, unless {@code truenas-gitops.api.read-requires-token} is set; then
 * a request needs the API token, as a bearer header (scripts, curl) or as the session cookie the sign-in form
 * sets. The cookie holds a value derived from the token (never the token), is HttpOnly and SameSite=Strict, and
 * only ever allows reading: writes (sync) go to the REST API with the bearer token.
 */
@ApplicationScoped
public class PageAccess {

    /** The session cookie's name. */
    public static final String COOKIE = "truenas-gitops-session";
    private static final String PURPOSE = "truenas-gitops status page session v1";

    @Inject
    AuthFilter api;

    /** The verdict on a read of the page, given the request's Authorization header and session cookie (null when absent). */
    public BearerAuth.Decision read(String authorization, String cookie) {
        if (!api.readRequiresToken()) {
            return BearerAuth.Decision.ALLOWED;
        }
        BearerAuth auth = api.bearer();
        if (authorization != null) {
            return auth.check(authorization);
        }
        return auth.checkDerived(PURPOSE, cookie);
    }

    /** Whether the page needs a sign-in at all. */
    public boolean signInRequired() {
        return api.readRequiresToken();
    }

    /** Checks a token typed into the sign-in form. */
    public BearerAuth.Decision signIn(String token) {
        return api.bearer().check(token == null ? null : "Bearer " + token);
    }

    /** The session cookie for a browser that proved it knows the token. */
    public NewCookie sessionCookie() {
        String value = api.bearer().derive(PURPOSE).orElseThrow();
        return new NewCookie.Builder(COOKIE).value(value).path("/").httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).build();
    }

    /** A cookie that ends the session. */
    public NewCookie endedSession() {
        return new NewCookie.Builder(COOKIE).value("").path("/").httpOnly(true).maxAge(0)
                .sameSite(NewCookie.SameSite.STRICT).build();
    }
}
