package io.truenasgitops.web;

import io.truenasgitops.api.AuthFilter;
import io.truenasgitops.api.BearerAuth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.NewCookie;

/**
 * Who may read the status page: everybody, unless {@code truenas-gitops.api.read-requires-token} is set; then
 * a request needs the API token, as a bearer header (scripts, curl) or as the session cookie the sign-in form
 * sets. The cookie holds a random value of its own for each sign-in ({@link PageSessions}: never the token nor
 * anything derived from it), lasts {@link PageSessions#LIFETIME}, ends at sign-out or restart, is HttpOnly and
 * SameSite=Strict, and only ever allows reading: writes (sync) go to the REST API with the bearer token.
 */
@ApplicationScoped
public class PageAccess {

    /** The session cookie's name. */
    public static final String COOKIE = "truenas-gitops-session";

    @Inject
    AuthFilter api;

    private final PageSessions sessions = new PageSessions(java.time.Clock.systemUTC());

    /** The verdict on a read of the page, given the request's Authorization header and session cookie (null when absent). */
    public BearerAuth.Decision read(String authorization, String cookie) {
        if (!api.readRequiresToken()) {
            return BearerAuth.Decision.ALLOWED;
        }
        BearerAuth auth = api.bearer();
        if (authorization != null) {
            return auth.check(authorization);
        }
        if (!auth.configured()) {
            return BearerAuth.Decision.NOT_CONFIGURED;
        }
        // a cookie that is not a live session (signed out, expired, from before a restart, made up): sign in again
        return sessions.valid(cookie) ? BearerAuth.Decision.ALLOWED : BearerAuth.Decision.MISSING;
    }

    /** Whether the page needs a sign-in at all. */
    public boolean signInRequired() {
        return api.readRequiresToken();
    }

    /** Checks a token typed into the sign-in form. */
    public BearerAuth.Decision signIn(String token) {
        return api.bearer().check(token == null ? null : "Bearer " + token);
    }

    /** A new session, and its cookie, for a browser that proved it knows the token. */
    public NewCookie sessionCookie() {
        // no Max-Age: the browser forgets it when it closes; the daemon forgets it after PageSessions.LIFETIME
        return new NewCookie.Builder(COOKIE).value(sessions.start()).path("/").httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).build();
    }

    /** Ends the session {@code cookie} names (null: none) and gives the cookie that clears it in the browser. */
    public NewCookie endedSession(String cookie) {
        sessions.revoke(cookie);
        return new NewCookie.Builder(COOKIE).value("").path("/").httpOnly(true).maxAge(0)
                .sameSite(NewCookie.SameSite.STRICT).build();
    }
}
