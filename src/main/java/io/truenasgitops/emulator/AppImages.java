package io.truenasgitops.emulator;

import static io.truenasgitops.emulator.Params.arg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * {@code app.image.pull}, a job that pulls one image, as {@code plugins/apps_images/__init__.py} (role APPS_WRITE)
 * and {@code plugins/apps_images/pull.py} run it: the apps service must run ({@code docker.validate_state}); without
 * {@code auth_config} the NAS uses the credentials saved for the image's registry; progress goes to 90% "Pulling
 * image", 95% when downloaded, 100% "'<image>' image pulled successfully"; a refused pull is
 * {@code CallError(EFAULT)} "Failed to pull '<image>' image: <Docker's error>"
 * ({@code plugins/apps/ix_apps/docker/images.py}). A reference {@link RegistryImages} marks as failing fails so, in
 * memory and on a Docker Engine alike; otherwise the backend pulls ({@link ContainerBackend#pullImage}): in memory
 * every image exists, with {@code --docker} the real engine answers ({@link DockerContainers#pullImage}).
 */
final class AppImages implements MethodArea {
    private final NasState nas;
    private final JobQueue jobQueue;
    private final AppReads reads;

    AppImages(NasState nas, JobQueue jobQueue, AppReads reads) {
        this.nas = nas;
        this.jobQueue = jobQueue;
        this.reads = reads;
    }

    @Override
    public void register(MethodRegistry.Registration methods) {
        // The real job takes no lock; the emulator's queue needs a name, and one per image keeps pulls of other
        // images concurrent as they are there.
        methods.def("app.image.pull", (s, p) -> jobQueue.submit(s, "app.image.pull", p,
                "app_image_pull_" + imageOf(p), ctx -> pull(ctx, p)));
    }

    private static String imageOf(ArrayNode p) {
        JsonNode data = arg(p, 0);
        return data != null && data.path("image").isTextual() ? data.path("image").asText() : "";
    }

    private JsonNode pull(JobQueue.JobContext ctx, ArrayNode p) {
        AppArguments.Problems problems = new AppArguments.Problems();
        AppArguments.tooMany(p, 1, problems);
        JsonNode data = arg(p, 0);
        String image = null;
        if (data == null) {
            problems.add("image_pull", "Field required");
        } else if (!data.isObject()) {
            problems.add("image_pull", "Input should be a valid dictionary or instance of AppImagePull");
        } else {
            JsonNode auth = data.get("auth_config");
            if (auth != null && !auth.isNull() && !auth.isObject()) {
                problems.add("image_pull.auth_config", "Input should be a valid dictionary or instance of"
                        + " AppImageAuthConfig");
            }
            image = AppArguments.nonEmptyName(data.get("image"), "image_pull.image", problems);
            AppArguments.checkFields(data, "image_pull", AppArguments.ordered("auth_config", "any", "image", "any"),
                    problems);
        }
        problems.check();
        reads.requireDocker();
        String error = nas.registryImages.pullError(image);
        if (error != null) {
            throw new MiddlewareError.Call(Errno.EFAULT, "Failed to pull " + Py.repr(image) + " image: " + error);
        }
        Progress progress = new Progress(ctx);
        nas.containers.pullImage(image, progress::entry);
        ctx.progress(100, Py.repr(image) + " image pulled successfully");
        return NullNode.instance;
    }

    /**
     * The callback of {@code plugins/apps_images/pull.py pull_image_action}: an entry whose status is
     * {@code Downloading} with a {@code progressDetail} of {@code current <= total} sets
     * {@code current / total * 90} "Pulling image" (per layer, as there: it starts again at each layer),
     * {@code Pull complete} sets 95 "Image downloaded, doing post processing"; every other entry is ignored. The
     * emulator's percent is whole, and a step that repeats the one before is not sent again (each step of an
     * emulated job pauses; an engine streams hundreds of entries).
     */
    private static final class Progress {
        private final JobQueue.JobContext ctx;
        private int lastPercent = -1;
        private String lastDescription;

        Progress(JobQueue.JobContext ctx) {
            this.ctx = ctx;
        }

        void entry(JsonNode entry) {
            if (!entry.isObject() || !entry.has("progressDetail") || !entry.path("status").isTextual()) {
                return;
            }
            String status = entry.path("status").asText().strip().toLowerCase(java.util.Locale.ROOT);
            if (status.equals("pull complete")) {
                report(95, "Image downloaded, doing post processing");
            } else if (status.equals("downloading")) {
                JsonNode detail = entry.get("progressDetail");
                if (!detail.isObject() || !detail.path("current").isNumber() || !detail.path("total").isNumber()
                        || detail.path("total").asDouble() <= 0
                        || detail.path("current").asDouble() > detail.path("total").asDouble()) {
                    return;
                }
                report((int) (detail.path("current").asDouble() / detail.path("total").asDouble() * 90),
                        "Pulling image");
            }
        }

        private void report(int percent, String description) {
            if (percent == lastPercent && description.equals(lastDescription)) {
                return;
            }
            lastPercent = percent;
            lastDescription = description;
            ctx.progress(percent, description);
        }
    }
}
