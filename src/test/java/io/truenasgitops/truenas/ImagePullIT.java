package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truenasgitops.emulator.DockerState;
import io.truenasgitops.emulator.EmulatorOptions;
import io.truenasgitops.emulator.RegistryImages;
import io.truenasgitops.emulator.TrueNasEmulator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link AppsApi#pullImage} against the emulator's {@code app.image.pull} job, each way a registry answers. */
class ImagePullIT {

    TrueNasEmulator emulator;
    TrueNasClient client;

    @BeforeEach
    void start() {
        emulator = TrueNasEmulator.start(EmulatorOptions.defaults());
        client = TrueNasClient.connect(ConnectionSettings.builder(emulator.url()).apiKey(emulator.apiKey())
                .tlsFingerprint(emulator.tlsFingerprint()).build());
    }

    @AfterEach
    void stop() {
        client.close();
        emulator.close();
    }

    @Test
    void anImageTheRegistryHasIsPulledAsAJobWhoseProgressEndsWithTheMiddlewaresWords() {
        List<Job> updates = new CopyOnWriteArrayList<>();

        client.apps().pullImage("nginx:1.27", updates::add);

        assertThat(emulator.calls().count("app.image.pull")).isEqualTo(1);
        assertThat(emulator.calls().writes()).isZero();
        assertThat(updates).isNotEmpty().allMatch(j -> "app.image.pull".equals(j.method()));
        Job last = updates.get(updates.size() - 1);
        assertThat(last.state()).isEqualTo("SUCCESS");
        assertThat(last.progressDescription()).isEqualTo("'nginx:1.27' image pulled successfully");
    }

    @Test
    void aTagTheRegistryDoesNotHaveFailsAsARejectedPullNamingTheImage() {
        emulator.registryImages().markMissing("nginx:9.99");

        assertThatThrownBy(() -> client.apps().pullImage("docker.io/library/nginx:9.99", JobListener.NONE))
                .isInstanceOfSatisfying(ImagePullFailedException.class, e -> {
                    assertThat(e.image()).isEqualTo("docker.io/library/nginx:9.99");
                    assertThat(e.kind()).isEqualTo(ImagePullFailedException.Kind.MANIFEST_UNKNOWN);
                    assertThat(e.registryReason()).contains("manifest unknown");
                    assertThat(e.jobId()).isNotNull();
                    assertThat(e.getMessage()).startsWith("failed to pull image 'docker.io/library/nginx:9.99' on the"
                            + " NAS (job ");
                });
        client.apps().pullImage("nginx:1.27", JobListener.NONE);
    }

    @Test
    void refusedCredentialsAndARateLimitAreTypedAsTheirCategories() {
        emulator.registryImages().failPulls("ghcr.io/org/private:1", RegistryImages.PullFailure.UNAUTHORIZED);
        emulator.registryImages().failPulls("nginx:1.27", RegistryImages.PullFailure.RATE_LIMITED);

        assertThatThrownBy(() -> client.apps().pullImage("ghcr.io/org/private:1", JobListener.NONE))
                .isInstanceOfSatisfying(ImagePullFailedException.class,
                        e -> assertThat(e.kind()).isEqualTo(ImagePullFailedException.Kind.UNAUTHORIZED));
        assertThatThrownBy(() -> client.apps().pullImage("nginx:1.27", JobListener.NONE))
                .isInstanceOf(ImagePullRateLimitedException.class).matches(e -> ((TrueNasException) e).isRetryable());

        emulator.registryImages().markPresent("nginx:1.27");
        client.apps().pullImage("nginx:1.27", JobListener.NONE);
    }

    @Test
    void aPullWhileTheAppsServiceIsStoppedIsAppsServiceDown() {
        emulator.faults().dockerState(DockerState.STOPPED);

        assertThatThrownBy(() -> client.apps().pullImage("nginx:1.27", JobListener.NONE))
                .isInstanceOf(AppsServiceDownException.class);
    }
}
