package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A create job another client started is found with core.get_jobs and followed to its end by this one. */
class RunningJobIT {

    static final Map<String, Object> WEB = Map.of("services", Map.of("web", Map.of("image", "nginx:1.27")));
    static final Set<String> CREATE_OR_DELETE = Set.of("app.create", "app.delete");

    TrueNasEmulator emulator;
    TrueNasClient starter;
    TrueNasClient follower;

    @BeforeEach
    void start() {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        starter = connect();
        follower = connect();
    }

    TrueNasClient connect() {
        return TrueNasClient.connect(ConnectionSettings.builder(emulator.url()).apiKey(emulator.apiKey())
                .tlsFingerprint(emulator.tlsFingerprint()).build());
    }

    @AfterEach
    void stop() {
        follower.close();
        starter.close();
        emulator.close();
    }

    @Test
    void aCreateJobStartedElsewhereIsFoundByAppNameAndFollowedToItsEnd() {
        emulator.faults().jobStepDelay(Duration.ofMillis(400));
        CompletableFuture<App> created = CompletableFuture.supplyAsync(
                () -> starter.apps().create("web", WEB, JobListener.NONE));

        Job running = await().atMost(Duration.ofSeconds(20)).until(
                () -> follower.apps().runningJob("web", CREATE_OR_DELETE), Optional::isPresent).orElseThrow();

        assertThat(running.method()).isEqualTo("app.create");
        assertThat(follower.apps().runningJob("other", CREATE_OR_DELETE)).isEmpty();
        Job done = follower.apps().awaitJob(running, JobListener.NONE, Duration.ofSeconds(60));
        assertThat(done.state()).isEqualTo("SUCCESS");
        assertThat(follower.apps().get("web", false)).isPresent();
        assertThat(created.join().name()).isEqualTo("web");
        assertThat(follower.apps().runningJob("web", CREATE_OR_DELETE)).isEmpty();
        assertThat(emulator.calls().count("app.create")).isEqualTo(1);
    }

    @Test
    void withNothingRunningNoJobIsFound() {
        assertThat(follower.apps().runningJob("web", CREATE_OR_DELETE)).isEmpty();
        assertThat(List.of(emulator.calls().count("core.get_jobs"))).containsExactly(1);
    }
}
