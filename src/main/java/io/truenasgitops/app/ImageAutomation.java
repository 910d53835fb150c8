package io.truenasgitops.app;

import io.truenasgitops.compose.Problem;
import io.truenasgitops.git.GitSource;
import io.truenasgitops.git.GitSourceException;
import io.truenasgitops.git.Snapshot;
import io.truenasgitops.git.WorkingTreeCommit;
import io.truenasgitops.images.ImageUpdates;
import io.truenasgitops.images.TagSource;
import io.truenasgitops.stacks.ImageInputs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * The daemon's image update automation ({@code truenas-gitops.images.update-interval}): on its own schedule it
 * fetches the repository, asks the registries for the tags the stacks' {@code imagePolicy} allows, and commits the
 * new tags to the followed branch, fast-forward only, signed off by the configured author; then it asks the
 * reconcile loop for a pass, which applies the commit with everything else. It never writes to the NAS itself:
 * what runs is what Git holds.
 */
public final class ImageAutomation {

    private static final Logger LOG = Logger.getLogger(ImageAutomation.class);

    /**
     * The settings (mapped from {@link ImagesConfig}).
     *
     * @param stacksDir the stacks folder of the repository
     * @param author who commits the updates
     */
    public record Settings(String stacksDir, WorkingTreeCommit.Identity author) {}

    /** What one round did. */
    public sealed interface Round {
        /** Every image with a policy is at its newest allowed tag (or none has a policy). */
        record NothingToDo(String revision) implements Round {}

        /** The updates were committed and pushed. */
        record Committed(String commit, List<ImageUpdates.Finding.Update> updates) implements Round {}

        /** Nothing was pushed; the reason says why (the next round tries again). */
        record Failed(String reason) implements Round {}
    }

    /** Receives what the automation found and did (metrics, events). */
    public interface Observer {
        /** An update was committed. */
        default void committed(ImageUpdates.Finding.Update update, String commit) {}

        /** A round failed (a registry, the push), or an image was skipped because its registry failed. */
        default void failed(String reason) {}
    }

    private final Settings settings;
    private final GitSource source;
    private final TagSource registry;
    private final Runnable requestPass;
    private final Observer observer;

    public ImageAutomation(Settings settings, GitSource source, TagSource registry, Runnable requestPass,
            Observer observer) {
        this.settings = Objects.requireNonNull(settings);
        this.source = source;
        this.registry = registry;
        this.requestPass = requestPass;
        this.observer = observer;
    }

    /** One round: fetch, look, commit and push, ask for a pass. Never throws: a failure is a {@link Round.Failed}. */
    public Round runOnce() {
        Snapshot snapshot;
        try {
            snapshot = source.fetch();
        } catch (GitSourceException e) {
            return failed("image updates: " + e.getMessage());
        }
        Path root = snapshot.root();
        ImageInputs inputs;
        try {
            inputs = ImageInputs.read(root, settings.stacksDir(), List.of());
        } catch (IOException e) {
            return failed("image updates: cannot list the stacks of revision " + snapshot.shortRevision() + ": "
                    + e.getMessage());
        }
        ImageUpdates.Result result = ImageUpdates.find(inputs.stacks(), registry);
        List<String> troubles = new ArrayList<>();
        inputs.problems().forEach(p -> troubles.add(p.format()));
        result.problems().stream().filter(Problem::isError).forEach(p -> troubles.add(p.format()));
        result.findings().stream().filter(f -> f instanceof ImageUpdates.Finding.Skipped s && s.failure())
                .forEach(f -> troubles.add(f.stack() + "/" + f.service() + ": "
                        + ((ImageUpdates.Finding.Skipped) f).reason()));
        troubles.forEach(t -> {
            LOG.warnf("image updates: %s", t);
            observer.failed(t);
        });
        List<ImageUpdates.Finding.Update> updates = result.updates();
        if (updates.isEmpty() && !troubles.isEmpty()) {
            // Each trouble was told above; the round itself counts as failed: a policy was not followed.
            return new Round.Failed(String.join("; ", troubles));
        }
        if (updates.isEmpty()) {
            LOG.debugf("image updates: every image with a policy is up to date at revision %s", snapshot.shortRevision());
            return new Round.NothingToDo(snapshot.revision());
        }
        Map<String, List<ImageUpdates.Finding.Update>> byFile = new LinkedHashMap<>();
        updates.forEach(u -> byFile.computeIfAbsent(u.composeFile(), f -> new ArrayList<>()).add(u));
        Map<String, String> files = new LinkedHashMap<>();
        for (ImageUpdates.StackInput in : inputs.stacks()) {
            List<ImageUpdates.Finding.Update> ups = byFile.get(in.composeFile());
            if (ups != null) {
                files.put(in.composeFile(), ImageUpdates.apply(in.composeText(), ups));
            }
        }
        String commit;
        try {
            commit = source.commitAndPush(snapshot, files, ImageUpdates.commitMessage(updates), settings.author());
        } catch (GitSourceException e) {
            return failed("image updates: " + e.getMessage());
        }
        for (ImageUpdates.Finding.Update u : updates) {
            LOG.infof("image updates: %s/%s %s -> %s committed as %s", u.stack(), u.service(), u.from(), u.to(),
                    Snapshot.shorten(commit));
            observer.committed(u, commit);
        }
        requestPass.run();
        return new Round.Committed(commit, updates);
    }

    private Round failed(String reason) {
        LOG.warn(reason);
        observer.failed(reason);
        return new Round.Failed(reason);
    }

    /** The settings in use. */
    public Settings settings() {
        return settings;
    }
}
