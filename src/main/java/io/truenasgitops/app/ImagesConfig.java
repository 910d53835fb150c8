package io.truenasgitops.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The daemon's image update automation: {@code truenas-gitops.images.*} (off unless an interval is set). */
@ConfigMapping(prefix = "truenas-gitops.images")
public interface ImagesConfig {

    /**
     * How often the daemon looks for newer tags that the stacks' {@code imagePolicy} allows and commits them to the
     * followed branch ({@code 6h}, {@code 1d}); unset (the default), it never does. Needs credentials that may push.
     */
    Optional<Duration> updateInterval();

    /** Registry logins in Docker's {@code config.json} form; unset: public images only. */
    Optional<Path> registryAuthFile();

    /** The name the commits are made under. */
    @WithDefault("truenas-gitops")
    String authorName();

    /** The e-mail address the commits are made under. */
    @WithDefault("truenas-gitops@localhost")
    String authorEmail();

    /** How long one registry request may take. */
    @WithDefault("20s")
    Duration registryTimeout();
}
