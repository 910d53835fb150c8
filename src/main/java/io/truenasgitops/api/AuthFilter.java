package io.truenasgitops.api;

import io.truenasgitops.secretfiles.Secrets;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Bearer-token check of the REST API ({@code /api/...}): mutating methods always need the token, reads only
 * when {@code truenas-gitops.api.read-requires-token} is set. Webhooks ({@code /hooks/git}) carry their own
 * proof (a signature) and health and metrics ({@code /q/...}) stay open for probes and scrapers.
 */
@Singleton
public class AuthFilter {

    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    // Resolved per request: filters are created during static init, before runtime config mappings exist.
    @Inject
    Instance<ApiConfig> config;

    private volatile BearerAuth auth;

    // After matching: the route template is known, so an unauthenticated request is counted under
    // uri="/api/v1/stacks/{name}/sync" and not under its raw path (one metric series per path tried).
    @ServerRequestFilter
    public void check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/")) {
            return;
        }
        boolean read = READ_METHODS.contains(request.getMethod());
        if (read && !config.get().readRequiresToken()) {
            return;
        }
        BearerAuth.Decision decision = auth().check(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (decision != BearerAuth.Decision.ALLOWED) {
            throw BearerAuth.problem(decision);
        }
    }

    private BearerAuth auth() {
        BearerAuth a = auth;
        if (a == null) {
            synchronized (this) {
                if (auth == null) {
                    auth = new BearerAuth(config.get().tokenFile().map(f -> Secrets.readFile(f, "truenas-gitops.api.token-file")));
                }
                a = auth;
            }
        }
        return a;
    }

    /** The token check, for other surfaces of the daemon that follow the API's rules (the status page). */
    public BearerAuth bearer() {
        return auth();
    }

    /** Whether reads need the token too ({@code truenas-gitops.api.read-requires-token}). */
    public boolean readRequiresToken() {
        return config.get().readRequiresToken();
    }

    /** Whether a token is configured (for the startup log). */
    public boolean tokenConfigured() {
        return auth().configured();
    }
}
