package io.truenasgitops.truenas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * A failed {@code app.image.pull} job is typed from Docker's words where it comes off the wire: a missing tag or
 * refused credentials are {@link Rejected} ({@link ImagePullFailedException}), a registry's rate limit is a
 * {@link TransientFailure} ({@link ImagePullRateLimitedException}). The texts are docker-py's {@code APIError}s as
 * {@code plugins/apps/ix_apps/docker/images.py} wraps them.
 */
class ImagePullErrorsTest {

    static Job failedPull(String image, int errno, String error) {
        ObjectNode job = Json.MAPPER.createObjectNode();
        job.put("id", 41).put("method", "app.image.pull").put("state", "FAILED").put("error", error);
        job.putArray("arguments").addObject().put("image", image);
        job.putObject("exc_info").put("type", "CallError").put("errno", errno).putNull("extra");
        return Job.fromWire(job);
    }

    static TrueNasException map(String image, String dockerError) {
        return ErrorMapper.fromJob("failed to pull image '" + image + "' on the NAS",
                failedPull(image, 14, "[EFAULT] Failed to pull '" + image + "' image: " + dockerError));
    }

    @Test
    void aMissingTagIsARejectedPullFailureNamingTheImageAndTheRegistrysReason() {
        TrueNasException e = map("nginx:9.99", "404 Client Error for http+docker://localhost/v1.47/images/create"
                + "?tag=9.99&fromImage=nginx: Not Found (\"manifest for nginx:9.99 not found: manifest unknown:"
                + " manifest unknown\")");

        assertThat(e).isInstanceOf(ImagePullFailedException.class).isInstanceOf(Rejected.class);
        assertThat(e.isRetryable()).isFalse();
        ImagePullFailedException p = (ImagePullFailedException) e;
        assertThat(p.image()).isEqualTo("nginx:9.99");
        assertThat(p.kind()).isEqualTo(ImagePullFailedException.Kind.MANIFEST_UNKNOWN);
        assertThat(p.registryReason()).isEqualTo("manifest for nginx:9.99 not found: manifest unknown: manifest unknown");
        assertThat(p.jobId()).isEqualTo(41L);
        assertThat(p.getMessage()).startsWith("failed to pull image 'nginx:9.99' on the NAS (job 41): manifest for"
                + " nginx:9.99 not found").contains("check that the tag exists");
    }

    @Test
    void refusedCredentialsAreARejectedPullFailureThatSaysWhereTheNasKeepsThem() {
        TrueNasException e = map("ghcr.io/org/app:1", "500 Server Error for http+docker://localhost/v1.47/images/"
                + "create?tag=1&fromImage=ghcr.io%2Forg%2Fapp: Internal Server Error (\"Head \"https://ghcr.io/v2/org/"
                + "app/manifests/1\": unauthorized\")");

        assertThat(e).isInstanceOf(ImagePullFailedException.class);
        assertThat(((ImagePullFailedException) e).kind()).isEqualTo(ImagePullFailedException.Kind.UNAUTHORIZED);
        assertThat(e.getMessage()).contains("unauthorized").contains("Manage Container Image Registries");
    }

    @Test
    void dockerHubsPullRateLimitIsATransientFailure() {
        TrueNasException e = map("nginx:1.27", "500 Server Error for http+docker://localhost/v1.47/images/create"
                + "?tag=1.27&fromImage=nginx: Internal Server Error (\"toomanyrequests: You have reached your pull"
                + " rate limit. You may increase the limit by authenticating and upgrading\")");

        assertThat(e).isInstanceOf(ImagePullRateLimitedException.class).isInstanceOf(TransientFailure.class);
        assertThat(e.isRetryable()).isTrue();
        assertThat(((ImagePullRateLimitedException) e).image()).isEqualTo("nginx:1.27");
        assertThat(e.getMessage()).contains("toomanyrequests");
    }

    @Test
    void aStoppedAppsServiceStaysAppsServiceDownAndOtherJobsKeepTheirTypes() {
        assertThat(ErrorMapper.fromJob("ctx", failedPull("nginx", 14, "[EFAULT] Docker service is not running")))
                .isInstanceOf(AppsServiceDownException.class);
        Job update = Job.fromWire(((ObjectNode) failedPull("nginx", 14, "[EFAULT] manifest unknown").raw().deepCopy())
                .put("method", "app.update"));
        assertThat(ErrorMapper.fromJob("ctx", update)).isInstanceOf(ImageRejectedException.class);
    }
}
