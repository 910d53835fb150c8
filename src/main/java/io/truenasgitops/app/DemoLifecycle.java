package io.truenasgitops.app;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Tears the demo down when Quarkus stops. On Ctrl-C or SIGTERM the JVM exits once Quarkus' shutdown hook has
 * stopped the application, before {@code main} gets back to its {@code finally}: only what runs inside the
 * shutdown (this observer) is sure to happen. The loop stops first, so nothing writes into the folder while it
 * is deleted.
 */
@ApplicationScoped
class DemoLifecycle {

    @Inject
    Daemon daemon;

    void onStop(@Observes ShutdownEvent event) {
        DemoEnvironment.current().ifPresent(env -> {
            daemon.stop();
            env.close();
        });
    }
}
