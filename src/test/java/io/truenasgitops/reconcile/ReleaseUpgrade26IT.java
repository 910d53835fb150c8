package io.truenasgitops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.Release;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrading TrueNAS 25.10 → 26.0 → 27.0 under a running daemon (docs/upgrading.md): the client reconnects, logs
 * the key in with SCRAM from 26.0 on (never with {@code auth.login_with_api_key} on JSON-RPC, private on 27.0),
 * and the engine finds nothing to change: the upgrade redeploys nothing.
 */
class ReleaseUpgrade26IT {
    static final String WEB = """
            services:
              web:
                image: nginx:1.27
                ports: ["8080:80"]
                environment:
                  MODE: production
            """;

    @TempDir
    Path tmp;

    EmulatedSetup nas;
    Reconciler engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            StatusInvariants.assertValid(engine);
            engine.close();
        }
        if (nas != null) {
            nas.close();
        }
    }

    @Test
    void upgradingFrom2510To26And27ReconnectsWithScramAndChangesNothing() throws Exception {
        nas = EmulatedSetup.start(tmp, EmulatorOptions.defaults().withRelease(Release.V25_10));
        engine = nas.engine(nas.config()).build();
        nas.git.write("stacks/web/compose.yaml", WEB).write("stacks/db/compose.yaml", WEB.replace("8080", "8081")
                .replace("web:", "db:")).write("stacks/db/stack.yaml", "state: stopped\n").commit("two stacks");
        assertThat(engine.syncOnce(SyncOptions.all()).failed()).isFalse();
        assertThat(nas.emulator.calls().scramLogins()).isEmpty();

        for (Release next : new Release[] {Release.V26_0, Release.V27_0}) {
            nas.emulator.upgradeTo(next);
            nas.emulator.calls().reset();

            Plan plan = engine.plan();
            assertThat(plan.inSync()).as("%s: %s", next, plan.actions()).isTrue();
            PassResult pass = engine.syncOnce(SyncOptions.all());
            assertThat(pass.failed()).as("%s", pass.results()).isFalse();
            assertThat(nas.emulator.calls().writes()).as("%s", next).isZero();
            assertThat(nas.emulator.calls().scramLogins()).as("%s", next).containsExactly("p=tls-server-end-point,,");
            assertThat(nas.emulator.calls().count("auth.login_with_api_key", "jsonrpc")).isZero();
            assertThat(nas.emulator.calls().warnings()).isEmpty();
            assertThat(engine.statuses()).allSatisfy(s -> assertThat(s.isReady()).as(s.name()).isTrue());
        }
    }
}
