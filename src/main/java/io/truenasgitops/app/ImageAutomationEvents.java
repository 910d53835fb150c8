package io.truenasgitops.app;

import io.truenasgitops.git.Snapshot;
import io.truenasgitops.images.ImageUpdates;
import io.truenasgitops.metrics.DaemonMetrics;
import io.truenasgitops.reconcile.Event;
import io.truenasgitops.reconcile.Reasons;
import io.truenasgitops.reconcile.Reconciler;
import java.time.Instant;

/**
 * What the image automation tells people: an event per committed update ({@code ImageUpdateCommitted}, Normal, on
 * the stack) and per failure ({@code ImageUpdateFailed}, Warning), in {@code GET /api/v1/events} with the passes'
 * own, and the metrics {@code truenas_gitops_image_updates_committed_total{stack}} and
 * {@code truenas_gitops_image_update_rounds_total{result}}.
 */
final class ImageAutomationEvents implements ImageAutomation.Observer {

    private final Reconciler engine;
    private final DaemonMetrics metrics;

    ImageAutomationEvents(Reconciler engine, DaemonMetrics metrics) {
        this.engine = engine;
        this.metrics = metrics;
    }

    @Override
    public void committed(ImageUpdates.Finding.Update update, String commit) {
        metrics.imageUpdateCommitted(update.stack());
        engine.record(new Event(Instant.now(), update.stack(), Event.Type.NORMAL, Reasons.IMAGE_UPDATE_COMMITTED,
                "service " + update.service() + ": " + update.image() + " -> " + update.newImage() + " committed as "
                        + Snapshot.shorten(commit) + " (" + update.policy() + "); the next pass applies it", commit));
    }

    @Override
    public void failed(String reason) {
        engine.record(new Event(Instant.now(), null, Event.Type.WARNING, Reasons.IMAGE_UPDATE_FAILED, reason, null));
    }

    /** The {@code result} label of a round. */
    static String result(ImageAutomation.Round round) {
        if (round instanceof ImageAutomation.Round.Committed) {
            return "committed";
        }
        return round instanceof ImageAutomation.Round.NothingToDo ? "up-to-date" : "failed";
    }
}
