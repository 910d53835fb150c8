package io.truenasgitops.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** The REST API: {@code truenas-gitops.api.*}. */
@ConfigMapping(prefix = "truenas-gitops.api")
public interface ApiConfig {

    /**
     * A file holding the bearer token that mutating endpoints (sync, suspend, resume) require; env
     * {@code TRUENAS_GITOPS_API_TOKEN_FILE}. Without it those endpoints answer 403. Trailing whitespace is
     * dropped; the file is read once at the first request.
     */
    Optional<Path> tokenFile();

    /** Require the token for the read endpoints too (stacks, plan, diff, events). */
    @WithDefault("false")
    boolean readRequiresToken();
}
